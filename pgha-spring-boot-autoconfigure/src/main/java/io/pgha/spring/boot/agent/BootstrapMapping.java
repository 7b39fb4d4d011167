package io.pgha.spring.boot.agent;

import static io.pgha.spring.boot.agent.AgentConfigFactory.PREFIX;

import io.pgha.core.config.PghaConfig;
import io.pgha.patroni.DynamicConfig;
import io.pgha.patroni.SynchronousMode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * {@code pgha.agent.bootstrap.*} and {@code pgha.agent.standby-cluster.*} onto the builder: what a
 * new cluster starts with.
 */
final class BootstrapMapping {
  private static final String BOOTSTRAP = PREFIX + "bootstrap.";
  private static final String DCS = BOOTSTRAP + "dcs.";

  private BootstrapMapping() {}

  static void apply(
      PghaConfig.Builder b, PghaBootstrapProperties bootstrap, PghaStandbyClusterProperties sc) {
    b.postBootstrap(
        bootstrap.getPostBootstrap(),
        PropertyChecks.positive(
            BOOTSTRAP + "post-bootstrap-timeout", bootstrap.getPostBootstrapTimeout()));
    bootstrap
        .getUsers()
        .forEach(
            (name, user) ->
                b.bootstrapUser(
                    name,
                    user == null ? null : user.getPassword(),
                    user == null ? java.util.List.of() : user.getOptions()));
    b.bootstrapDcs(dcs(bootstrap.getDcs()));
    b.standbyCluster(sc.section());
    if (bootstrap.getDcs().getUseSlots() != null) {
      boolean slots = bootstrap.getDcs().getUseSlots();
      b.postgres(pg -> pg.useSlots(slots));
    }
  }

  /**
   * The keys set, checked now with the bounds the agents read the {@code config} key with (a value
   * out of them would be replaced there by the default).
   */
  private static UnaryOperator<DynamicConfig.Builder> dcs(PghaBootstrapDcsProperties p) {
    Integer nodeCount =
        p.getSynchronousNodeCount() == null
            ? null
            : (int)
                PropertyChecks.number(
                    DCS + "synchronous-node-count",
                    p.getSynchronousNodeCount(),
                    1,
                    Integer.MAX_VALUE);
    Long syncLag =
        p.getMaximumLagOnSyncnode() == null
            ? null
            : PropertyChecks.number(
                DCS + "maximum-lag-on-syncnode", p.getMaximumLagOnSyncnode(), -1, Long.MAX_VALUE);
    Integer stopTimeout =
        p.getPrimaryStopTimeout() == null
            ? null
            : PropertyChecks.seconds(
                DCS + "primary-stop-timeout",
                p.getPrimaryStopTimeout(),
                0,
                DynamicConfig.MAXIMUM_START_STOP);
    Integer history =
        p.getMaxTimelinesHistory() == null
            ? null
            : (int)
                PropertyChecks.number(
                    DCS + "max-timelines-history",
                    p.getMaxTimelinesHistory(),
                    0,
                    Integer.MAX_VALUE);
    Integer drain =
        p.getDrainTimeout() == null
            ? null
            : PropertyChecks.seconds(
                DCS + "drain-timeout", p.getDrainTimeout(), 0, DynamicConfig.MAXIMUM_DRAIN_TIMEOUT);
    Map<String, Object> parameters = new LinkedHashMap<>(p.getParameters());
    SynchronousMode mode = p.getSynchronousMode();
    Boolean checkTimeline = p.getCheckTimeline();
    Boolean rewind = p.getUsePgRewind();
    Boolean slots = p.getUseSlots();
    return d -> {
      if (mode != null) {
        d.synchronousMode(mode);
      }
      if (nodeCount != null) {
        d.synchronousNodeCount(nodeCount);
      }
      if (syncLag != null) {
        d.maximumLagOnSyncnode(syncLag);
      }
      if (checkTimeline != null) {
        d.checkTimeline(checkTimeline);
      }
      if (stopTimeout != null) {
        d.primaryStopTimeout(stopTimeout);
      }
      if (history != null) {
        d.maxTimelinesHistory(history);
      }
      if (drain != null) {
        d.drainTimeout(drain);
      }
      if (rewind != null) {
        d.usePgRewind(rewind);
      }
      if (slots != null) {
        d.useSlots(slots);
      }
      if (!parameters.isEmpty()) {
        Map<String, Object> all = new java.util.TreeMap<>(d.build().parameters());
        all.putAll(parameters);
        d.parameters(all);
      }
      return d;
    };
  }
}
