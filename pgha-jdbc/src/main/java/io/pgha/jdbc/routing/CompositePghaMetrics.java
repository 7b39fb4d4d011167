package io.pgha.jdbc.routing;

import io.pgha.jdbc.topology.Topology;
import java.util.List;
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
    for (PghaMetrics m : delegates) {
      try {
        m.topologyChanged(topology);
      } catch (RuntimeException e) {
        warn(m, e);
      }
    }
  }

  @Override
  public void leaderChanged(String previous, String current) {
    for (PghaMetrics m : delegates) {
      try {
        m.leaderChanged(previous, current);
      } catch (RuntimeException e) {
        warn(m, e);
      }
    }
  }

  @Override
  public void routed(String member, boolean readOnly, boolean fallbackToLeader) {
    for (PghaMetrics m : delegates) {
      try {
        m.routed(member, readOnly, fallbackToLeader);
      } catch (RuntimeException e) {
        warn(m, e);
      }
    }
  }

  @Override
  public void leaderWait(long waitedNanos, boolean gotLeader) {
    for (PghaMetrics m : delegates) {
      try {
        m.leaderWait(waitedNanos, gotLeader);
      } catch (RuntimeException e) {
        warn(m, e);
      }
    }
  }

  @Override
  public void failover(String member, String sqlState) {
    for (PghaMetrics m : delegates) {
      try {
        m.failover(member, sqlState);
      } catch (RuntimeException e) {
        warn(m, e);
      }
    }
  }

  private static void warn(PghaMetrics listener, RuntimeException e) {
    LOG.warn("pgha metrics listener {} failed: {}", listener.getClass().getName(), e.toString());
  }
}
