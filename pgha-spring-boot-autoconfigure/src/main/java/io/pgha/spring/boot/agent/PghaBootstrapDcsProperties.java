package io.pgha.spring.boot.agent;

import io.pgha.patroni.SynchronousMode;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.convert.DurationUnit;

/**
 * Keys of the dynamic configuration a new cluster starts with ({@code pgha.agent.bootstrap.dcs.*},
 * Patroni's {@code bootstrap.dcs}), beside the timings, {@code maximum-lag-on-failover}, {@code
 * synchronous-mode-strict}, {@code failsafe-mode}, {@code fast-takeover} and {@code
 * leader-silence-timeout} of {@code pgha.agent.*}. Once the cluster exists, its {@code config} key
 * rules ({@code patronictl edit-config}). Unset keys keep pgha's defaults.
 */
public class PghaBootstrapDcsProperties {

  /**
   * on (priority), off or quorum; default on exactly when maximum-lag-on-failover is 0 (Patroni's
   * synchronous_mode).
   */
  private SynchronousMode synchronousMode;

  /** How many synchronous standbys the primary waits for (1 or more). */
  private Integer synchronousNodeCount;

  /**
   * A synchronous standby further behind than this (bytes) is not chosen; -1 for no bound
   * (Patroni's maximum_lag_on_syncnode).
   */
  private Long maximumLagOnSyncnode;

  /** Whether a replica on another timeline than the leader's is never promoted. */
  private Boolean checkTimeline;

  /**
   * How long a demoting primary may take to stop before it is killed (whole seconds, up to a day; a
   * number without a unit is seconds).
   */
  @DurationUnit(ChronoUnit.SECONDS)
  private Duration primaryStopTimeout;

  /** How many timeline switches the history key keeps; 0 for all. */
  private Integer maxTimelinesHistory;

  /**
   * How long a planned hand-over waits for the clients to drain (whole seconds, 0 to 60; a number
   * without a unit is seconds).
   */
  @DurationUnit(ChronoUnit.SECONDS)
  private Duration drainTimeout;

  /** Whether a former primary is rewound with pg_rewind rather than cloned again. */
  private Boolean usePgRewind;

  /** Whether replicas stream through replication slots (and this member uses them). */
  private Boolean useSlots;

  /**
   * PostgreSQL parameters of every member, in the config key (pgha.agent.parameters, this member's
   * own, win over them).
   */
  private Map<String, String> parameters = new LinkedHashMap<>();

  public SynchronousMode getSynchronousMode() {
    return synchronousMode;
  }

  public void setSynchronousMode(SynchronousMode synchronousMode) {
    this.synchronousMode = synchronousMode;
  }

  public Integer getSynchronousNodeCount() {
    return synchronousNodeCount;
  }

  public void setSynchronousNodeCount(Integer synchronousNodeCount) {
    this.synchronousNodeCount = synchronousNodeCount;
  }

  public Long getMaximumLagOnSyncnode() {
    return maximumLagOnSyncnode;
  }

  public void setMaximumLagOnSyncnode(Long maximumLagOnSyncnode) {
    this.maximumLagOnSyncnode = maximumLagOnSyncnode;
  }

  public Boolean getCheckTimeline() {
    return checkTimeline;
  }

  public void setCheckTimeline(Boolean checkTimeline) {
    this.checkTimeline = checkTimeline;
  }

  public Duration getPrimaryStopTimeout() {
    return primaryStopTimeout;
  }

  public void setPrimaryStopTimeout(Duration primaryStopTimeout) {
    this.primaryStopTimeout = primaryStopTimeout;
  }

  public Integer getMaxTimelinesHistory() {
    return maxTimelinesHistory;
  }

  public void setMaxTimelinesHistory(Integer maxTimelinesHistory) {
    this.maxTimelinesHistory = maxTimelinesHistory;
  }

  public Duration getDrainTimeout() {
    return drainTimeout;
  }

  public void setDrainTimeout(Duration drainTimeout) {
    this.drainTimeout = drainTimeout;
  }

  public Boolean getUsePgRewind() {
    return usePgRewind;
  }

  public void setUsePgRewind(Boolean usePgRewind) {
    this.usePgRewind = usePgRewind;
  }

  public Boolean getUseSlots() {
    return useSlots;
  }

  public void setUseSlots(Boolean useSlots) {
    this.useSlots = useSlots;
  }

  public Map<String, String> getParameters() {
    return parameters;
  }

  public void setParameters(Map<String, String> parameters) {
    this.parameters = parameters;
  }
}
