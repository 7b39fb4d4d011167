package io.pgha.core.config;

import io.pgha.patroni.DynamicConfig;
import io.pgha.patroni.RoleNames;
import io.pgha.patroni.SynchronousMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The static configuration of one pgha member: the only way to configure an agent. Immutable; build
 * it with {@link #builder()}. It has three sections, {@link #etcd()}, {@link #postgres()} and
 * {@link #restApi()}, beside the member's identity and timing. {@link Builder#build()} checks
 * everything at once and throws one {@link InvalidConfigurationException} listing every problem,
 * each as "key (value) rule".
 *
 * <p>Key names follow Patroni's YAML ({@code scope}, {@code etcd.endpoints}, {@code
 * postgresql.data_dir}, {@code ttl}, ...) so that error messages read like the configuration people
 * already know.
 */
public final class PghaConfig {

  /** Patroni's default namespace. */
  public static final String DEFAULT_NAMESPACE = "/service";

  /** Pigsty's default {@code pg_rpo}: 1 MiB, Patroni's default {@code maximum_lag_on_failover}. */
  public static final long DEFAULT_PG_RPO_BYTES = 1_048_576L;

  /** The preset used when neither {@code pg_rto} nor a preset is given. */
  public static final RtoPreset DEFAULT_PRESET = RtoPreset.NORM;

  private final String scope;
  private final String namespace;
  private final String name;
  private final EtcdSettings etcd;
  private final PostgresSettings postgres;
  private final RestApiSettings restApi;
  private final Map<String, String> tags;
  private final RtoPreset preset;
  private final HaTimings timings;
  private final long maximumLagOnFailover;
  private final boolean synchronousMode;
  private final boolean synchronousModeStrict;
  private final boolean failsafeMode;
  private final Boolean fastTakeover;
  private final Duration leaderSilenceTimeout;
  private final FencingSettings fencing;
  private final UnaryOperator<DynamicConfig.Builder> bootstrapDcs;
  private final RoleNames roleNames;
  private final AfterBootstrap afterBootstrap;
  private final List<String> warnings;

  private PghaConfig(
      Builder b,
      EtcdSettings etcd,
      PostgresSettings postgres,
      RestApiSettings api,
      HaTimings timings,
      FencingSettings fencing,
      List<String> warnings) {
    this.scope = b.scope;
    this.namespace = stripTrailingSlash(b.namespace);
    this.name = b.name;
    this.etcd = etcd;
    this.postgres = postgres;
    this.restApi = api;
    this.tags = Collections.unmodifiableMap(new TreeMap<>(b.tags));
    this.preset = b.timing.preset();
    this.timings = timings;
    this.maximumLagOnFailover = b.pgRpo;
    this.synchronousMode = b.pgRpo == 0;
    this.synchronousModeStrict = b.synchronousModeStrict;
    this.failsafeMode = b.failsafeMode;
    this.fastTakeover = b.fastTakeover;
    this.leaderSilenceTimeout = silenceTimeoutOrDefault(b.leaderSilenceTimeout);
    this.fencing = fencing;
    this.bootstrapDcs = b.bootstrapDcsWithStandbyCluster();
    this.roleNames = b.roleNames;
    this.afterBootstrap =
        new AfterBootstrap(b.bootstrapUsers, b.postBootstrap, b.postBootstrapTimeout);
    this.warnings = List.copyOf(warnings);
  }

  /**
   * Settings accepted as Patroni accepts them that deserve a word, e.g. a ttl below {@code
   * loop_wait + 2 * retry_timeout}; the agent logs them when it starts.
   */
  public List<String> warnings() {
    return warnings;
  }

  /**
   * The name the primary goes by in the member key, {@code GET /patroni} and the {@code
   * on_role_change} argument: Patroni 4's {@code primary} by default, or Patroni 3's {@code master}
   * (what the sidecar writes by default).
   */
  public RoleNames roleNames() {
    return roleNames;
  }

  /**
   * What the member that bootstraps the cluster runs and creates before it leads ({@code
   * bootstrap.post_bootstrap}, {@code bootstrap.users}); {@link AfterBootstrap#NONE} by default.
   */
  public AfterBootstrap afterBootstrap() {
    return afterBootstrap;
  }

  /** A builder with the defaults: namespace {@value #DEFAULT_NAMESPACE}, preset norm, 1 MiB rpo. */
  public static Builder builder() {
    return new Builder();
  }

  /** The cluster name (Patroni's {@code scope}). */
  public String scope() {
    return scope;
  }

  /** The etcd key prefix, starting with {@code /}, without a trailing {@code /}. */
  public String namespace() {
    return namespace;
  }

  /** This member's name, unique in the cluster. */
  public String name() {
    return name;
  }

  /** {@code <namespace>/<scope>/}, the prefix of every key of the cluster. */
  public String clusterPrefix() {
    return namespace + "/" + scope + "/";
  }

  /** The {@code etcd} section: how to reach etcd. */
  public EtcdSettings etcd() {
    return etcd;
  }

  /** The {@code postgresql} section: the local PostgreSQL server. */
  public PostgresSettings postgres() {
    return postgres;
  }

  /** The {@code restapi} section: this member's HTTP API. */
  public RestApiSettings restApi() {
    return restApi;
  }

  /** The member's tags as configured (Patroni names: {@code nofailover}, ...), sorted by name. */
  public Map<String, String> tags() {
    return tags;
  }

  /**
   * The preset the timings started from (explicit ttl, loop_wait, retry_timeout or
   * primary_start_timeout override its values).
   */
  public RtoPreset preset() {
    return preset;
  }

  /** The timing written to a new cluster's {@code config} key. */
  public HaTimings timings() {
    return timings;
  }

  /** {@code pg_rpo} in bytes, written as {@code maximum_lag_on_failover}. */
  public long maximumLagOnFailover() {
    return maximumLagOnFailover;
  }

  /** True when {@code pg_rpo} is 0: no acknowledged commit may be lost, so replication is sync. */
  public boolean synchronousMode() {
    return synchronousMode;
  }

  /** Whether commits wait rather than fall back to asynchronous when no sync standby is left. */
  public boolean synchronousModeStrict() {
    return synchronousModeStrict;
  }

  /** {@code failsafe_mode} written to a new cluster's {@code config} key. */
  public boolean failsafeMode() {
    return failsafeMode;
  }

  /**
   * {@code fast_takeover} written to a new cluster's {@code config} key; empty when not set (then
   * on exactly in synchronous mode, see {@link DynamicConfig#fastTakeoverEnabled()}).
   */
  public Optional<Boolean> fastTakeover() {
    return Optional.ofNullable(fastTakeover);
  }

  /** {@code leader_silence_timeout} written to a new cluster's {@code config} key. */
  public Duration leaderSilenceTimeout() {
    return leaderSilenceTimeout;
  }

  /** {@code pre_promote} and the watchdog: fencing beyond the lease. */
  public FencingSettings fencing() {
    return fencing;
  }

  /**
   * The dynamic configuration a new cluster starts with (written to the {@code config} key when it
   * is missing, as Patroni's {@code bootstrap.dcs}): the timings, {@code maximum_lag_on_failover}
   * from {@code pg_rpo}, synchronous mode when {@code pg_rpo} is 0, and pg_rewind and replication
   * slots on (pgha initialises data directories with checksums, so rewinding works). Patroni's
   * defaults for everything else, then whatever {@link Builder#bootstrapDcs} adjusts.
   */
  public DynamicConfig initialDynamicConfig() {
    return initialDynamicConfig(
        timings,
        maximumLagOnFailover,
        synchronousModeStrict,
        failsafeMode,
        fastTakeover,
        leaderSilenceTimeout,
        bootstrapDcs);
  }

  private static DynamicConfig initialDynamicConfig(
      HaTimings timings,
      long pgRpo,
      boolean strict,
      boolean failsafeMode,
      Boolean fastTakeover,
      Duration leaderSilenceTimeout,
      UnaryOperator<DynamicConfig.Builder> bootstrapDcs) {
    DynamicConfig.Builder b =
        DynamicConfig.builder()
            .ttl(Math.toIntExact(timings.ttl().getSeconds()))
            .loopWait(Math.toIntExact(timings.loopWait().getSeconds()))
            .retryTimeout(Math.toIntExact(timings.retryTimeout().getSeconds()))
            .primaryStartTimeout(Math.toIntExact(timings.primaryStartTimeout().getSeconds()))
            .maximumLagOnFailover(pgRpo)
            .synchronousMode(pgRpo == 0 ? SynchronousMode.ON : SynchronousMode.OFF)
            .synchronousModeStrict(strict)
            .failsafeMode(failsafeMode)
            .fastTakeover(fastTakeover)
            .leaderSilenceTimeout(Math.toIntExact(leaderSilenceTimeout.getSeconds()))
            .usePgRewind(true)
            .useSlots(true);
    return bootstrapDcs.apply(b).build();
  }

  /** Every setting; passwords masked. */
  @Override
  public String toString() {
    return String.format(
        "PghaConfig[scope=%s, namespace=%s, name=%s, etcd=%s, postgres=%s, restApi=%s, tags=%s,"
            + " preset=%s, timings=%s, maximumLagOnFailover=%d, synchronousMode=%s,"
            + " synchronousModeStrict=%s, failsafeMode=%s, fastTakeover=%s,"
            + " leaderSilenceTimeout=%s, fencing=%s]",
        scope,
        namespace,
        name,
        etcd,
        postgres,
        restApi,
        tags,
        preset,
        timings,
        maximumLagOnFailover,
        synchronousMode,
        synchronousModeStrict,
        failsafeMode,
        fastTakeover == null ? "default" : fastTakeover,
        leaderSilenceTimeout,
        fencing);
  }

  private static Duration silenceTimeoutOrDefault(Duration timeout) {
    return timeout != null
        ? timeout
        : Duration.ofSeconds(DynamicConfig.DEFAULT_LEADER_SILENCE_TIMEOUT);
  }

  private static String stripTrailingSlash(String namespace) {
    return namespace.endsWith("/") ? namespace.substring(0, namespace.length() - 1) : namespace;
  }

  /**
   * Collects settings; nothing is checked until {@link #build()}, which reports every problem at
   * once. The {@code etcd*}, {@code postgres*} and {@code restApi*} methods are shortcuts for the
   * most used keys of the sections; {@link #postgres(Consumer)} and {@link #restApi(Consumer)}
   * reach all of them. Not thread-safe.
   */
  public static final class Builder {
    private String scope;
    private String namespace = DEFAULT_NAMESPACE;
    private String name;
    private final EtcdSettings.Builder etcd = new EtcdSettings.Builder();
    private final PostgresSettings.Builder postgres = new PostgresSettings.Builder();
    private final RestApiSettings.Builder restApi = new RestApiSettings.Builder();
    private final Map<String, String> tags = new TreeMap<>();
    private final HaTimings.Builder timing = new HaTimings.Builder();
    private long pgRpo = DEFAULT_PG_RPO_BYTES;
    private boolean synchronousModeStrict;
    private boolean failsafeMode;
    private Boolean fastTakeover;
    private Duration leaderSilenceTimeout;
    private final FencingSettings.Builder fencing = new FencingSettings.Builder();
    private UnaryOperator<DynamicConfig.Builder> bootstrapDcs = UnaryOperator.identity();
    private Map<String, Object> standbyCluster;
    private RoleNames roleNames = RoleNames.PATRONI_4;
    private final List<AfterBootstrap.BootstrapUser> bootstrapUsers = new java.util.ArrayList<>();
    private List<String> postBootstrap = List.of();
    private Duration postBootstrapTimeout = AfterBootstrap.DEFAULT_SCRIPT_TIMEOUT;

    private Builder() {}

    /** The name the primary goes by where others read it (default {@code primary}). */
    public Builder roleNames(RoleNames names) {
      this.roleNames = java.util.Objects.requireNonNull(names, "roleNames");
      return this;
    }

    /** The cluster name; letters, digits, {@code . _ -}. Required. */
    public Builder scope(String scope) {
      this.scope = scope;
      return this;
    }

    /** The etcd key prefix, default {@value PghaConfig#DEFAULT_NAMESPACE}. */
    public Builder namespace(String namespace) {
      this.namespace = namespace;
      return this;
    }

    /** This member's name; letters, digits, {@code . _ -}. Required. */
    public Builder name(String name) {
      this.name = name;
      return this;
    }

    /** {@code etcd.endpoints}: client URLs, {@code http://host:port} or {@code https://...}. */
    public Builder etcdEndpoints(List<String> endpoints) {
      etcd.endpoints(endpoints);
      return this;
    }

    /** etcd client URLs, see {@link #etcdEndpoints(List)}. */
    public Builder etcdEndpoints(String... endpoints) {
      return etcdEndpoints(List.of(endpoints));
    }

    /** {@code etcd.username} and {@code etcd.password}; both or neither. */
    public Builder etcdCredentials(String username, String password) {
      etcd.credentials(username, password);
      return this;
    }

    /** Sets keys of the {@code etcd} section (credentials, TLS files). */
    public Builder etcd(Consumer<EtcdSettings.Builder> keys) {
      keys.accept(etcd);
      return this;
    }

    /** Sets keys of the {@code postgresql} section (parameters, pg_hba, initdb options, ...). */
    public Builder postgres(Consumer<PostgresSettings.Builder> keys) {
      keys.accept(postgres);
      return this;
    }

    /** {@code postgresql.data_dir}, absolute. Required. */
    public Builder postgresDataDir(Path dataDir) {
      postgres.dataDir(dataDir);
      return this;
    }

    /** {@code postgresql.listen}: {@code host:port}. Required. */
    public Builder postgresListen(String hostPort) {
      postgres.listen(hostPort);
      return this;
    }

    /** The superuser; default {@code postgres} without a password. */
    public Builder superuser(String username, String password) {
      postgres.superuser(username, password);
      return this;
    }

    /** The replication user; default {@code replicator} without a password. */
    public Builder replicationUser(String username, String password) {
      postgres.replication(username, password);
      return this;
    }

    /** Allow deleting the data directory and cloning again when pg_rewind fails. Default off. */
    public Builder removeDataDirectoryOnRewindFailure(boolean allowed) {
      postgres.removeDataDirectoryOnRewindFailure(allowed);
      return this;
    }

    /** Sets keys of the {@code restapi} section (authentication, allow-list, TLS, ...). */
    public Builder restApi(Consumer<RestApiSettings.Builder> keys) {
      keys.accept(restApi);
      return this;
    }

    /** {@code restapi.listen}: {@code host:port}; default {@code 127.0.0.1:8008}. */
    public Builder restApiListen(String hostPort) {
      restApi.listen(hostPort);
      return this;
    }

    /** One tag (Patroni names: {@code nofailover}, {@code failover_priority}, ...). */
    public Builder tag(String key, String value) {
      tags.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** Several tags, added to those already set. */
    public Builder tags(Map<String, String> tags) {
      tags.forEach(this::tag);
      return this;
    }

    /** Start from a preset's timings; replaces an earlier {@link #pgRto(int)}. */
    public Builder preset(RtoPreset preset) {
      timing.preset = Objects.requireNonNull(preset, "preset");
      timing.pgRto = null;
      return this;
    }

    /** Pigsty's {@code pg_rto}: start from the preset whose ttl is closest to these seconds. */
    public Builder pgRto(int seconds) {
      timing.pgRto = seconds;
      return this;
    }

    /** Overrides the preset's ttl (whole seconds, at least 2: etcd's shortest lease). */
    public Builder ttl(Duration ttl) {
      timing.ttl = ttl;
      return this;
    }

    /** Overrides the preset's loop_wait (whole seconds, at least 1). */
    public Builder loopWait(Duration loopWait) {
      timing.loopWait = loopWait;
      return this;
    }

    /** Overrides the preset's retry_timeout (whole seconds, at least 1). */
    public Builder retryTimeout(Duration retryTimeout) {
      timing.retryTimeout = retryTimeout;
      return this;
    }

    /** Overrides the preset's primary_start_timeout (whole seconds, 0 or more). */
    public Builder primaryStartTimeout(Duration primaryStartTimeout) {
      timing.primaryStartTimeout = primaryStartTimeout;
      return this;
    }

    /** Pigsty's {@code pg_rpo}: maximum_lag_on_failover in bytes; 0 turns synchronous mode on. */
    public Builder pgRpo(long bytes) {
      this.pgRpo = bytes;
      return this;
    }

    /** With {@code pg_rpo} 0: block commits rather than fall back to asynchronous replication. */
    public Builder synchronousModeStrict(boolean strict) {
      this.synchronousModeStrict = strict;
      return this;
    }

    /**
     * {@code failsafe_mode} for a new cluster: the leader may stay primary while etcd is
     * unavailable as long as every member confirms it over the HTTP API.
     */
    public Builder failsafeMode(boolean enabled) {
      this.failsafeMode = enabled;
      return this;
    }

    /**
     * {@code fast_takeover} for a new cluster: whether a synchronous standby takes over from a
     * leader whose lease went silent for {@link #leaderSilenceTimeout}, without waiting for the
     * lease to expire. Null (the default) means on exactly in synchronous mode ({@code pg_rpo} 0);
     * true is refused in asynchronous mode.
     */
    public Builder fastTakeover(Boolean enabled) {
      this.fastTakeover = enabled;
      return this;
    }

    /**
     * {@code leader_silence_timeout} for a new cluster (default 2 s, whole seconds, less than
     * {@code ttl - loop_wait}): how long the leader's lease must go unrenewed before a synchronous
     * standby takes over.
     */
    public Builder leaderSilenceTimeout(Duration timeout) {
      this.leaderSilenceTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * Adjusts the dynamic configuration a new cluster starts with, after the timings and {@code
     * pg_rpo} are applied (Patroni's {@code bootstrap.dcs}: {@code synchronous_mode}, {@code
     * failsafe_mode}, {@code postgresql.parameters}, ...). Timings set here are not checked: set
     * them with {@link #ttl}, {@link #loopWait} and {@link #retryTimeout}.
     */
    public Builder bootstrapDcs(UnaryOperator<DynamicConfig.Builder> adjust) {
      this.bootstrapDcs = Objects.requireNonNull(adjust, "adjust");
      return this;
    }

    /**
     * Patroni's {@code standby_cluster} section for a new cluster: it follows another one, whose
     * primary is {@code host}:{@code port} (or a load balancer in front of it); its leader is a
     * standby leader. Keys as Patroni's: {@code host}, {@code port}, {@code primary_slot_name},
     * {@code create_replica_methods}, {@code restore_command}, {@code archive_cleanup_command},
     * {@code recovery_min_apply_delay} (a delayed cluster). Removing the section from the {@code
     * config} key later ({@code PATCH /config}, {@code patronictl edit-config}) promotes the
     * standby leader. Null for none.
     */
    public Builder standbyCluster(Map<String, ?> section) {
      this.standbyCluster = section == null ? null : Map.copyOf(section);
      return this;
    }

    private UnaryOperator<DynamicConfig.Builder> bootstrapDcsWithStandbyCluster() {
      if (standbyCluster == null) {
        return bootstrapDcs;
      }
      UnaryOperator<DynamicConfig.Builder> adjust = bootstrapDcs;
      Map<String, Object> section = Map.copyOf(standbyCluster);
      return d -> {
        DynamicConfig.Builder adjusted = adjust.apply(d);
        Map<String, Object> extra = new java.util.LinkedHashMap<>(adjusted.build().extra());
        extra.put(StandbyCluster.KEY, section);
        return adjusted.extra(extra);
      };
    }

    /**
     * {@code postgresql.pre_promote}: a program (and its arguments) run before this member promotes
     * PostgreSQL; a non-zero exit, or running longer than {@code timeout}, cancels the promotion
     * and gives the leader key up. Use it to fence the old primary (STONITH, cutting its network).
     */
    public Builder prePromote(List<String> command, Duration timeout) {
      fencing.prePromote(command, timeout);
      return this;
    }

    /**
     * {@code watchdog}: a Linux watchdog device armed before promotion and kept alive by the HA
     * loop, so that the host resets when the agent freezes while PostgreSQL runs as primary.
     */
    public Builder watchdog(WatchdogMode mode, Path device, Duration safetyMargin) {
      fencing.watchdog(mode, device, safetyMargin);
      return this;
    }

    /**
     * {@code watchdog.driver}: {@link WatchdogDriver#DEFAULT} for a Linux device (the default),
     * {@link WatchdogDriver#TESTING} for Patroni's test harness.
     */
    public Builder watchdogDriver(WatchdogDriver driver) {
      fencing.watchdogDriver(driver);
      return this;
    }

    /**
     * {@code bootstrap.post_bootstrap} (or {@code post_init}): a program (and its leading
     * arguments) run once by the member that bootstraps the cluster, after the cluster runs and
     * before it takes the leader key, with a connection string for the superuser as its last
     * argument and the password in a file named by {@code PGPASSFILE}. A non-zero exit, or running
     * longer than {@code timeout}, fails the bootstrap (the new data directory is removed and
     * another attempt is made), as in Patroni.
     */
    public Builder postBootstrap(List<String> command, Duration timeout) {
      this.postBootstrap = List.copyOf(command);
      this.postBootstrapTimeout = timeout;
      return this;
    }

    /**
     * A role of {@code bootstrap.users}, created after the {@linkplain #postBootstrap script} by
     * the member that bootstraps the cluster (deprecated in Patroni, still read by 3.0.2).
     *
     * @param username the role
     * @param password its password; null for none
     * @param options role attributes such as {@code createdb} (LOGIN is added unless {@code
     *     NOLOGIN} is given)
     */
    public Builder bootstrapUser(String username, String password, List<String> options) {
      this.bootstrapUsers.add(
          new AfterBootstrap.BootstrapUser(
              new Credentials(Objects.requireNonNull(username, "username"), password), options));
      return this;
    }

    /**
     * Checks every setting and returns the immutable configuration.
     *
     * @throws InvalidConfigurationException listing every problem found
     */
    public PghaConfig build() {
      ConfigChecks checks = new ConfigChecks();
      checks.identifier("scope", scope);
      checks.namespace(namespace);
      checks.identifier("name", name);
      EtcdSettings etcdSettings = etcd.build(checks);
      PostgresSettings postgresSettings = postgres.build(checks);
      RestApiSettings restApiSettings = restApi.build(checks);
      checks.tags(tags);
      checks.pgRpo(pgRpo, synchronousModeStrict);
      HaTimings timings = timing.build(checks);
      FencingSettings fencingSettings = fencing.build(checks, timings);
      // Asked for explicitly, the fast path must work as asked; left to its default, it is simply
      // off where the mode or the timing does not allow it (a ttl of 3 s, asynchronous mode).
      boolean explicit = Boolean.TRUE.equals(fastTakeover) || leaderSilenceTimeout != null;
      if (explicit
          && (leaderSilenceTimeout == null
              || checks.wholeSeconds("leader_silence_timeout", leaderSilenceTimeout))) {
        checks.fastTakeover(
            initialDynamicConfig(
                timings,
                pgRpo,
                synchronousModeStrict,
                failsafeMode,
                fastTakeover,
                silenceTimeoutOrDefault(leaderSilenceTimeout),
                bootstrapDcs));
      }
      new AfterBootstrap(bootstrapUsers, postBootstrap, postBootstrapTimeout).check(checks);
      if (standbyCluster != null) {
        StandbyCluster.problem(
                DynamicConfig.builder().extra(Map.of(StandbyCluster.KEY, standbyCluster)).build())
            .ifPresent(checks::problem);
      }
      checks.throwIfAny();
      return new PghaConfig(
          this,
          etcdSettings,
          postgresSettings,
          restApiSettings,
          timings,
          fencingSettings,
          checks.warnings());
    }
  }
}
