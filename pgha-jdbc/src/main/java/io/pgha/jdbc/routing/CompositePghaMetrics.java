package io.pgha.jdbc.routing;

import io.pgha.jdbc.topology.Topology;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Passes every hook to each listener; one that throws is logged and never breaks routing. */
final class CompositePghaMetrics implements PghaMetrics {
  private static final Logger LOG = LoggerFactory.getLogger(CompositePghaMetrics.class);

  private final List<PghaMetrics> delegates;

  CompositePghaMetrics(List<PghaMetrics> delegates) {
    this.delegates = List.copyOf(delegates);
  }

  @Override
  public void topologyChanged(Topology topology) {
    each(m -> m.topologyChanged(topology));
  }

  @Override
  public void leaderChanged(String previous, String current) {
    each(m -> m.leaderChanged(previous, current));
  }

  @Override
  public void routed(String member, boolean readOnly, boolean fallbackToLeader) {
    each(m -> m.routed(member, readOnly, fallbackToLeader));
  }

  @Override
  public void leaderWait(long waitedNanos, boolean gotLeader) {
    each(m -> m.leaderWait(waitedNanos, gotLeader));
  }

  @Override
  public void failover(String member, String sqlState) {
    each(m -> m.failover(member, sqlState));
  }

  private void each(Consumer<PghaMetrics> hook) {
    for (PghaMetrics m : delegates) {
      try {
        hook.accept(m);
      } catch (RuntimeException e) {
        warn(m, e);
      }
    }
  }

  private static void warn(PghaMetrics listener, RuntimeException e) {
    LOG.warn("pgha metrics listener {} failed: {}", listener.getClass().getName(), e.toString());
  }
}
