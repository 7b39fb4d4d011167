package io.pgha.patroni;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The cluster-wide dynamic configuration kept in the {@code config} key, with Patroni's names and
 * defaults. Times are whole seconds, as on the wire.
 *
 * <p>Keys this class does not model ({@code slots}, {@code standby_cluster}, ...) are kept in
 * {@link #extra()} and {@link #postgresqlExtra()} so that a read-modify-write by pgha does not drop
 * what {@code patronictl edit-config} or Patroni put there.
 *
 * @param ttl {@code ttl}: lifetime of the leader lease, seconds (default 30)
 * @param loopWait {@code loop_wait}: seconds between HA cycles (default 10)
 * @param retryTimeout {@code retry_timeout}: seconds etcd and PostgreSQL operations are retried
 *     (default 10)
 * @param maximumLagOnFailover {@code maximum_lag_on_failover}, bytes (default 1048576)
 * @param maximumLagOnSyncnode {@code maximum_lag_on_syncnode}, bytes; -1 disables (default -1)
 * @param synchronousMode {@code synchronous_mode} (default off)
 * @param synchronousModeStrict {@code synchronous_mode_strict} (default false)
 * @param synchronousNodeCount {@code synchronous_node_count} (default 1)
 * @param failsafeMode {@code failsafe_mode} (default false)
 * @param checkTimeline {@code check_timeline} (default false)
 * @param primaryStartTimeout {@code primary_start_timeout}, seconds (default 300)
 * @param primaryStopTimeout {@code primary_stop_timeout}, seconds; 0 waits forever (default 0)
 * @param maxTimelinesHistory {@code max_timelines_history}: how many timeline switches the {@code
 *     history} key keeps, the latest; 0 keeps them all (default 0)
 * @param pause {@code pause}: no automatic actions (default false)
 * @param drainTimeout {@code drain_timeout} (pgha's own key), seconds: how long a leader handing
 *     over (switchover, clean stop) holds new write transactions of pgha-jdbc clients back while
 *     those in flight finish; 0 hands over at once (default 2)
 * @param fastTakeover {@code fast_takeover} (pgha's own key): whether a synchronous standby takes
 *     the leader key over from a leader whose lease went silent for {@code leader_silence_timeout},
 *     without waiting for the lease to expire. Empty when not set: then on exactly when {@code
 *     synchronous_mode} is {@code true} (see {@link #fastTakeoverEnabled()})
 * @param leaderSilenceTimeout {@code leader_silence_timeout} (pgha's own key), seconds: how long
 *     the leader's lease must go without a renewal before a synchronous standby takes over (default
 *     2; must be less than {@code ttl - loop_wait})
 * @param usePgRewind {@code postgresql.use_pg_rewind} (default false)
 * @param useSlots {@code postgresql.use_slots} (default true)
 * @param parameters {@code postgresql.parameters}: PostgreSQL settings, values as read
 * @param postgresqlExtra other keys under {@code postgresql}
 * @param extra other top-level keys
 */
public record DynamicConfig(
    int ttl,
    int loopWait,
    int retryTimeout,
    long maximumLagOnFailover,
    long maximumLagOnSyncnode,
    SynchronousMode synchronousMode,
    boolean synchronousModeStrict,
    int synchronousNodeCount,
    boolean failsafeMode,
    boolean checkTimeline,
    int primaryStartTimeout,
    int primaryStopTimeout,
    int maxTimelinesHistory,
    boolean pause,
    int drainTimeout,
    Optional<Boolean> fastTakeover,
    int leaderSilenceTimeout,
    boolean usePgRewind,
    boolean useSlots,
    Map<String, Object> parameters,
    Map<String, Object> postgresqlExtra,
    Map<String, Object> extra) {

  public static final int DEFAULT_TTL = 30;
  public static final int DEFAULT_LOOP_WAIT = 10;
  public static final int DEFAULT_RETRY_TIMEOUT = 10;
  public static final long DEFAULT_MAXIMUM_LAG_ON_FAILOVER = 1048576;
  public static final long DEFAULT_MAXIMUM_LAG_ON_SYNCNODE = -1;
  public static final int DEFAULT_SYNCHRONOUS_NODE_COUNT = 1;
  public static final int DEFAULT_PRIMARY_START_TIMEOUT = 300;
  public static final int DEFAULT_PRIMARY_STOP_TIMEOUT = 0;
  public static final int DEFAULT_DRAIN_TIMEOUT = 2;
  public static final int DEFAULT_LEADER_SILENCE_TIMEOUT = 2;

  /** The shortest {@code ttl}, seconds: etcd's shortest lease. */
  public static final int MINIMUM_TTL = 2;

  /**
   * The longest {@code ttl}, {@code loop_wait} and {@code retry_timeout}, seconds. Longer is no HA
   * setting (a leader that dies is replaced after an hour) but a typo, such as milliseconds written
   * for seconds; {@code PATCH /config} and the configuration file refuse it alike.
   */
  public static final int MAXIMUM_TIMING = 3600;

  /** The longest {@code primary_start_timeout} and {@code primary_stop_timeout}: a day. */
  public static final int MAXIMUM_START_STOP = 86_400;

  /**
   * The longest {@code drain_timeout}, seconds: clients hold writes back for this plus {@code ttl}
   * at most, and never longer than {@link Drain#MAX_TIMEOUT}.
   */
  public static final int MAXIMUM_DRAIN_TIMEOUT = 60;

  public DynamicConfig {
    synchronousMode = Objects.requireNonNullElse(synchronousMode, SynchronousMode.OFF);
    fastTakeover = Objects.requireNonNullElse(fastTakeover, Optional.empty());
    parameters = Maps.immutableCopy(parameters);
    postgresqlExtra = Maps.immutableCopy(postgresqlExtra);
    extra = Maps.immutableCopy(extra);
  }

  /** Patroni's defaults, as used when the {@code config} key is absent. */
  public static DynamicConfig defaults() {
    return builder().build();
  }

  /** A builder with Patroni's defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from this configuration. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  public Duration ttlDuration() {
    return Duration.ofSeconds(ttl);
  }

  public Duration loopWaitDuration() {
    return Duration.ofSeconds(loopWait);
  }

  public Duration retryTimeoutDuration() {
    return Duration.ofSeconds(retryTimeout);
  }

  public Duration drainTimeoutDuration() {
    return Duration.ofSeconds(drainTimeout);
  }

  public Duration leaderSilenceTimeoutDuration() {
    return Duration.ofSeconds(leaderSilenceTimeout);
  }

  /**
   * Whether a synchronous standby may take over from a silent leader before its lease expires: as
   * {@code fast_takeover} says, on by default exactly in {@code synchronous_mode: true} (priority
   * mode, where the leader's synchronous standbys are a barrier no acknowledged commit passes), and
   * never while {@link #fastTakeoverProblem()} finds the settings inconsistent.
   */
  public boolean fastTakeoverEnabled() {
    return synchronousMode == SynchronousMode.ON
        && fastTakeover.orElse(true)
        && fastTakeoverProblem().isEmpty();
  }

  /**
   * What is wrong with {@code fast_takeover} and {@code leader_silence_timeout} as set, as "key
   * (value) rule"; empty when nothing is. Asked for in asynchronous or quorum mode, the fast path
   * is refused (no barrier keeps an isolated leader from acknowledging commits the standby lacks);
   * a silence timeout of {@code ttl - loop_wait} or more would never come before the lease expires.
   */
  public Optional<String> fastTakeoverProblem() {
    boolean wanted = fastTakeover.orElse(synchronousMode == SynchronousMode.ON);
    if (!wanted) {
      return Optional.empty();
    }
    if (synchronousMode != SynchronousMode.ON) {
      return Optional.of(
          "fast_takeover (true) requires synchronous_mode true (priority), not "
              + (synchronousMode == SynchronousMode.OFF ? "false" : "quorum")
              + ": without the synchronous barrier an early takeover could lose acknowledged"
              + " commits");
    }
    if (leaderSilenceTimeout < 1 || leaderSilenceTimeout >= ttl - loopWait) {
      return Optional.of(
          "leader_silence_timeout ("
              + leaderSilenceTimeout
              + "s) must be at least 1s and less than ttl - loop_wait ("
              + ttl
              + "s - "
              + loopWait
              + "s = "
              + (ttl - loopWait)
              + "s)");
    }
    return Optional.empty();
  }

  /**
   * How long a clean stop of the primary may take before it is aborted (immediate shutdown, then
   * SIGKILL): {@code primary_stop_timeout}, as Patroni applies it, only when it is above 0 and
   * synchronous mode is on; empty otherwise (the stop is waited for).
   */
  public Optional<Duration> primaryStopLimit() {
    return primaryStopTimeout > 0 && synchronousMode != SynchronousMode.OFF
        ? Optional.of(Duration.ofSeconds(primaryStopTimeout))
        : Optional.empty();
  }

  /** Whether a {@code standby_cluster} section is configured (this cluster follows another). */
  public boolean isStandbyCluster() {
    return extra.get("standby_cluster") instanceof Map<?, ?> m && !m.isEmpty();
  }

  /** Mutable builder for {@link DynamicConfig}, starting from Patroni's defaults. */
  public static final class Builder {
    private int ttl = DEFAULT_TTL;
    private int loopWait = DEFAULT_LOOP_WAIT;
    private int retryTimeout = DEFAULT_RETRY_TIMEOUT;
    private long maximumLagOnFailover = DEFAULT_MAXIMUM_LAG_ON_FAILOVER;
    private long maximumLagOnSyncnode = DEFAULT_MAXIMUM_LAG_ON_SYNCNODE;
    private SynchronousMode synchronousMode = SynchronousMode.OFF;
    private boolean synchronousModeStrict;
    private int synchronousNodeCount = DEFAULT_SYNCHRONOUS_NODE_COUNT;
    private boolean failsafeMode;
    private boolean checkTimeline;
    private int primaryStartTimeout = DEFAULT_PRIMARY_START_TIMEOUT;
    private int primaryStopTimeout = DEFAULT_PRIMARY_STOP_TIMEOUT;
    private int maxTimelinesHistory;
    private boolean pause;
    private int drainTimeout = DEFAULT_DRAIN_TIMEOUT;
    private Optional<Boolean> fastTakeover = Optional.empty();
    private int leaderSilenceTimeout = DEFAULT_LEADER_SILENCE_TIMEOUT;
    private boolean usePgRewind;
    private boolean useSlots = true;
    private Map<String, Object> parameters = Map.of();
    private Map<String, Object> postgresqlExtra = Map.of();
    private Map<String, Object> extra = Map.of();

    private Builder() {}

    private Builder(DynamicConfig c) {
      ttl = c.ttl;
      loopWait = c.loopWait;
      retryTimeout = c.retryTimeout;
      maximumLagOnFailover = c.maximumLagOnFailover;
      maximumLagOnSyncnode = c.maximumLagOnSyncnode;
      synchronousMode = c.synchronousMode;
      synchronousModeStrict = c.synchronousModeStrict;
      synchronousNodeCount = c.synchronousNodeCount;
      failsafeMode = c.failsafeMode;
      checkTimeline = c.checkTimeline;
      primaryStartTimeout = c.primaryStartTimeout;
      primaryStopTimeout = c.primaryStopTimeout;
      maxTimelinesHistory = c.maxTimelinesHistory;
      pause = c.pause;
      drainTimeout = c.drainTimeout;
      fastTakeover = c.fastTakeover;
      leaderSilenceTimeout = c.leaderSilenceTimeout;
      usePgRewind = c.usePgRewind;
      useSlots = c.useSlots;
      parameters = c.parameters;
      postgresqlExtra = c.postgresqlExtra;
      extra = c.extra;
    }

    public Builder ttl(int seconds) {
      ttl = seconds;
      return this;
    }

    public Builder loopWait(int seconds) {
      loopWait = seconds;
      return this;
    }

    public Builder retryTimeout(int seconds) {
      retryTimeout = seconds;
      return this;
    }

    public Builder maximumLagOnFailover(long bytes) {
      maximumLagOnFailover = bytes;
      return this;
    }

    public Builder maximumLagOnSyncnode(long bytes) {
      maximumLagOnSyncnode = bytes;
      return this;
    }

    public Builder synchronousMode(SynchronousMode mode) {
      synchronousMode = mode;
      return this;
    }

    public Builder synchronousModeStrict(boolean v) {
      synchronousModeStrict = v;
      return this;
    }

    public Builder synchronousNodeCount(int v) {
      synchronousNodeCount = v;
      return this;
    }

    public Builder failsafeMode(boolean v) {
      failsafeMode = v;
      return this;
    }

    public Builder checkTimeline(boolean v) {
      checkTimeline = v;
      return this;
    }

    public Builder primaryStartTimeout(int seconds) {
      primaryStartTimeout = seconds;
      return this;
    }

    public Builder primaryStopTimeout(int seconds) {
      primaryStopTimeout = seconds;
      return this;
    }

    /** {@code max_timelines_history}: the timeline switches {@code history} keeps; 0 for all. */
    public Builder maxTimelinesHistory(int entries) {
      maxTimelinesHistory = entries;
      return this;
    }

    public Builder pause(boolean v) {
      pause = v;
      return this;
    }

    public Builder drainTimeout(int seconds) {
      drainTimeout = seconds;
      return this;
    }

    /** {@code fast_takeover}; null leaves it unset (the default of the synchronous mode). */
    public Builder fastTakeover(Boolean v) {
      fastTakeover = Optional.ofNullable(v);
      return this;
    }

    public Builder leaderSilenceTimeout(int seconds) {
      leaderSilenceTimeout = seconds;
      return this;
    }

    public Builder usePgRewind(boolean v) {
      usePgRewind = v;
      return this;
    }

    public Builder useSlots(boolean v) {
      useSlots = v;
      return this;
    }

    public Builder parameters(Map<String, Object> v) {
      parameters = v;
      return this;
    }

    public Builder postgresqlExtra(Map<String, Object> v) {
      postgresqlExtra = v;
      return this;
    }

    public Builder extra(Map<String, Object> v) {
      extra = v;
      return this;
    }

    public DynamicConfig build() {
      return new DynamicConfig(
          ttl,
          loopWait,
          retryTimeout,
          maximumLagOnFailover,
          maximumLagOnSyncnode,
          synchronousMode,
          synchronousModeStrict,
          synchronousNodeCount,
          failsafeMode,
          checkTimeline,
          primaryStartTimeout,
          primaryStopTimeout,
          maxTimelinesHistory,
          pause,
          drainTimeout,
          fastTakeover,
          leaderSilenceTimeout,
          usePgRewind,
          useSlots,
          parameters,
          postgresqlExtra,
          extra);
    }
  }
}
