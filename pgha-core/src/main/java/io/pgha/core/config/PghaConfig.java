package io.pgha.core.config;

import io.pgha.patroni.DynamicConfig;
import io.pgha.patroni.SynchronousMode;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * The static configuration of one pgha member. Immutable; build it with {@link #builder()}. {@link
 * Builder#build()} checks everything at once and throws one {@link InvalidConfigurationException}
 * listing every problem, each with the key, the bad value and the rule.
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
  private final FencingSettings fencing;
  private final UnaryOperator<DynamicConfig.Builder> bootstrapDcs;

  private PghaConfig(Builder b, EtcdSettings etcd, PostgresSettings postgres, RestApiSettings api) {
    this.scope = b.scope;
    this.namespace = stripTrailingSlash(b.namespace);
    this.name = b.name;
    this.etcd = etcd;
    this.postgres = postgres;
    this.restApi = api;
    this.tags = Collections.unmodifiableMap(new TreeMap<>(b.tags));
    this.preset = b.preset;
    this.timings = b.timings();
    this.maximumLagOnFailover = b.pgRpo;
    this.synchronousMode = b.pgRpo == 0;
    this.synchronousModeStrict = b.synchronousModeStrict;
    this.failsafeMode = b.failsafeMode;
    this.fencing = b.fencing();
    this.bootstrapDcs = b.bootstrapDcs;
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

  public EtcdSettings etcd() {
    return etcd;
  }

  public PostgresSettings postgres() {
    return postgres;
  }

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
    DynamicConfig.Builder b =
        DynamicConfig.builder()
            .ttl(Math.toIntExact(timings.ttl().getSeconds()))
            .loopWait(Math.toIntExact(timings.loopWait().getSeconds()))
            .retryTimeout(Math.toIntExact(timings.retryTimeout().getSeconds()))
            .primaryStartTimeout(Math.toIntExact(timings.primaryStartTimeout().getSeconds()))
            .maximumLagOnFailover(maximumLagOnFailover)
            .synchronousMode(synchronousMode ? SynchronousMode.ON : SynchronousMode.OFF)
            .synchronousModeStrict(synchronousModeStrict)
            .failsafeMode(failsafeMode)
            .usePgRewind(true)
            .useSlots(true);
    return bootstrapDcs.apply(b).build();
  }

  @Override
  public String toString() {
    return "PghaConfig[scope="
        + scope
        + ", namespace="
        + namespace
        + ", name="
        + name
        + ", etcd="
        + etcd
        + ", postgres="
        + postgres
        + ", restApi="
        + restApi
        + ", tags="
        + tags
        + ", preset="
        + preset
        + ", timings="
        + timings
        + ", maximumLagOnFailover="
        + maximumLagOnFailover
        + ", synchronousMode="
        + synchronousMode
        + ", synchronousModeStrict="
        + synchronousModeStrict
        + ", failsafeMode="
        + failsafeMode
        + ", fencing="
        + fencing
        + "]";
  }

  private static String stripTrailingSlash(String namespace) {
    return namespace.endsWith("/") ? namespace.substring(0, namespace.length() - 1) : namespace;
  }

  /**
   * Collects settings; nothing is checked until {@link #build()}, which reports every problem at
   * once. Not thread-safe.
   */
  public static final class Builder {
    private String scope;
    private String namespace = DEFAULT_NAMESPACE;
    private String name;
    private List<String> etcdEndpoints = List.of();
    private String etcdUsername;
    private String etcdPassword;
    private Path etcdCaFile;
    private Path etcdCertFile;
    private Path etcdKeyFile;
    private Path dataDir;
    private Path binDir;
    private String postgresListen;
    private String postgresConnectAddress;
    private Credentials superuser = new Credentials("postgres", null);
    private Credentials replication = new Credentials("replicator", null);
    private Credentials rewind;
    private boolean removeDataDirectoryOnRewindFailure;
    private boolean removeDataDirectoryOnDivergedTimelines;
    private String restApiListen = "127.0.0.1:8008";
    private String restApiConnectAddress;
    private final Map<String, String> tags = new TreeMap<>();
    private RtoPreset preset = DEFAULT_PRESET;
    private Integer pgRto;
    private Duration ttl;
    private Duration loopWait;
    private Duration retryTimeout;
    private Duration primaryStartTimeout;
    private long pgRpo = DEFAULT_PG_RPO_BYTES;
    private boolean synchronousModeStrict;
    private boolean failsafeMode;
    private List<String> prePromote = List.of();
    private Duration prePromoteTimeout = FencingSettings.DEFAULT_PRE_PROMOTE_TIMEOUT;
    private WatchdogMode watchdogMode = WatchdogMode.OFF;
    private Path watchdogDevice = FencingSettings.DEFAULT_WATCHDOG_DEVICE;
    private Duration watchdogSafetyMargin = FencingSettings.DEFAULT_SAFETY_MARGIN;
    private UnaryOperator<DynamicConfig.Builder> bootstrapDcs = UnaryOperator.identity();

    private Builder() {}

    /**
     * {@code failsafe_mode} for a new cluster: the leader may stay primary while etcd is
     * unavailable as long as every member confirms it over the HTTP API.
     */
    public Builder failsafeMode(boolean enabled) {
      this.failsafeMode = enabled;
      return this;
    }

    /**
     * {@code postgresql.pre_promote}: a program (and its arguments) run before this member promotes
     * PostgreSQL; a non-zero exit, or running longer than {@code timeout}, cancels the promotion
     * and gives the leader key up. Use it to fence the old primary (STONITH, cutting its network).
     */
    public Builder prePromote(List<String> command, Duration timeout) {
      this.prePromote = command == null ? List.of() : List.copyOf(command);
      this.prePromoteTimeout = timeout;
      return this;
    }

    /**
     * {@code watchdog}: a Linux watchdog device armed before promotion and kept alive by the HA
     * loop, so that the host resets when the agent freezes while PostgreSQL runs as primary.
     */
    public Builder watchdog(WatchdogMode mode, Path device, Duration safetyMargin) {
      this.watchdogMode = mode;
      this.watchdogDevice = device;
      this.watchdogSafetyMargin = safetyMargin;
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

    /** etcd client URLs, {@code http://host:port} or {@code https://host:port}. Required. */
    public Builder etcdEndpoints(List<String> endpoints) {
      this.etcdEndpoints = List.copyOf(endpoints);
      return this;
    }

    /** etcd client URLs, see {@link #etcdEndpoints(List)}. */
    public Builder etcdEndpoints(String... endpoints) {
      return etcdEndpoints(List.of(endpoints));
    }

    /** etcd user and password; both or neither. */
    public Builder etcdCredentials(String username, String password) {
      this.etcdUsername = username;
      this.etcdPassword = password;
      return this;
    }

    /** The CA that signed etcd's server certificate (PEM). */
    public Builder etcdCaFile(Path caFile) {
      this.etcdCaFile = caFile;
      return this;
    }

    /** A client certificate and its key (PEM) for etcd; both or neither. */
    public Builder etcdClientCertificate(Path certFile, Path keyFile) {
      this.etcdCertFile = certFile;
      this.etcdKeyFile = keyFile;
      return this;
    }

    /** PostgreSQL's data directory, absolute. Required. */
    public Builder postgresDataDir(Path dataDir) {
      this.dataDir = dataDir;
      return this;
    }

    /** Where the PostgreSQL binaries are; located automatically when not set. */
    public Builder postgresBinDir(Path binDir) {
      this.binDir = binDir;
      return this;
    }

    /** {@code host:port} PostgreSQL listens on. Required. */
    public Builder postgresListen(String hostPort) {
      this.postgresListen = hostPort;
      return this;
    }

    /** {@code host:port} others reach PostgreSQL at; default the listen address. */
    public Builder postgresConnectAddress(String hostPort) {
      this.postgresConnectAddress = hostPort;
      return this;
    }

    /** The superuser; default {@code postgres} without a password. */
    public Builder superuser(String username, String password) {
      this.superuser = new Credentials(Objects.requireNonNull(username, "username"), password);
      return this;
    }

    /** The replication user; default {@code replicator} without a password. */
    public Builder replicationUser(String username, String password) {
      this.replication = new Credentials(Objects.requireNonNull(username, "username"), password);
      return this;
    }

    /** The user pg_rewind connects as; default the superuser. */
    public Builder rewindUser(String username, String password) {
      this.rewind = new Credentials(Objects.requireNonNull(username, "username"), password);
      return this;
    }

    /** Allow deleting the data directory and cloning again when pg_rewind fails. Default off. */
    public Builder removeDataDirectoryOnRewindFailure(boolean allowed) {
      this.removeDataDirectoryOnRewindFailure = allowed;
      return this;
    }

    /** Allow deleting the data directory when its timeline diverged. Default off. */
    public Builder removeDataDirectoryOnDivergedTimelines(boolean allowed) {
      this.removeDataDirectoryOnDivergedTimelines = allowed;
      return this;
    }

    /** {@code host:port} the HTTP API binds; default {@code 127.0.0.1:8008}. */
    public Builder restApiListen(String hostPort) {
      this.restApiListen = hostPort;
      return this;
    }

    /** {@code host:port} others reach the HTTP API at; default the listen address. */
    public Builder restApiConnectAddress(String hostPort) {
      this.restApiConnectAddress = hostPort;
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
      this.preset = Objects.requireNonNull(preset, "preset");
      this.pgRto = null;
      return this;
    }

    /** Pigsty's {@code pg_rto}: start from the preset whose ttl is closest to these seconds. */
    public Builder pgRto(int seconds) {
      this.pgRto = seconds;
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
     * Adjusts the dynamic configuration a new cluster starts with, after the timings and {@code
     * pg_rpo} are applied (Patroni's {@code bootstrap.dcs}: {@code synchronous_mode}, {@code
     * failsafe_mode}, {@code postgresql.parameters}, ...). Timings set here are not checked: set
     * them with {@link #ttl}, {@link #loopWait} and {@link #retryTimeout}.
     */
    public Builder bootstrapDcs(UnaryOperator<DynamicConfig.Builder> adjust) {
      this.bootstrapDcs = Objects.requireNonNull(adjust, "adjust");
      return this;
    }

    /** Overrides the preset's ttl (whole seconds, at least 2: etcd's shortest lease). */
    public Builder ttl(Duration ttl) {
      this.ttl = ttl;
      return this;
    }

    /** Overrides the preset's loop_wait (whole seconds, at least 1). */
    public Builder loopWait(Duration loopWait) {
      this.loopWait = loopWait;
      return this;
    }

    /** Overrides the preset's retry_timeout (whole seconds, at least 1). */
    public Builder retryTimeout(Duration retryTimeout) {
      this.retryTimeout = retryTimeout;
      return this;
    }

    /** Overrides the preset's primary_start_timeout (whole seconds, 0 or more). */
    public Builder primaryStartTimeout(Duration primaryStartTimeout) {
      this.primaryStartTimeout = primaryStartTimeout;
      return this;
    }

    /**
     * Checks every setting and returns the immutable configuration.
     *
     * @throws InvalidConfigurationException listing every problem found
     */
    public PghaConfig build() {
      if (pgRto != null && pgRto >= 1) {
        preset = RtoPreset.closestTo(pgRto);
      }
      ConfigChecks checks = new ConfigChecks();
      checks.identifier("scope", scope);
      checks.namespace(namespace);
      checks.identifier("name", name);
      List<URI> endpoints = checks.etcdEndpoints(etcdEndpoints);
      checks.pair("etcd.username", etcdUsername, "etcd.password", etcdPassword != null);
      checks.readableFileIfSet("etcd.cacert", etcdCaFile);
      checks.pair("etcd.cert", etcdCertFile, "etcd.key", etcdKeyFile != null);
      checks.readableFileIfSet("etcd.cert", etcdCertFile);
      checks.readableFileIfSet("etcd.key", etcdKeyFile);
      checks.absolutePath("postgresql.data_dir", dataDir);
      checks.directoryIfSet("postgresql.bin_dir", binDir);
      HostPort pgListen = checks.hostPort("postgresql.listen", postgresListen, true);
      HostPort pgConnect =
          checks.connectAddress(
              "postgresql.connect_address", postgresConnectAddress, "postgresql.listen", pgListen);
      HostPort apiListen = checks.hostPort("restapi.listen", restApiListen, true);
      HostPort apiConnect =
          checks.connectAddress(
              "restapi.connect_address", restApiConnectAddress, "restapi.listen", apiListen);
      checks.user("postgresql.authentication.superuser.username", superuser);
      checks.user("postgresql.authentication.replication.username", replication);
      checks.user("postgresql.authentication.rewind.username", rewind);
      checks.tags(tags);
      checks.pgRto(pgRto);
      checks.pgRpo(pgRpo, synchronousModeStrict);
      checks.timings(timings());
      FencingSettings fencing = null;
      if (prePromoteTimeout == null
          || watchdogMode == null
          || watchdogDevice == null
          || watchdogSafetyMargin == null) {
        checks.problem(
            "postgresql.pre_promote_timeout, watchdog.mode, watchdog.device and"
                + " watchdog.safety_margin must not be null");
      } else {
        fencing = fencing();
        checks.fencing(fencing, timings());
      }
      checks.throwIfAny();

      EtcdSettings etcd =
          new EtcdSettings(
              endpoints, etcdUsername, etcdPassword, etcdCaFile, etcdCertFile, etcdKeyFile);
      PostgresSettings postgres =
          new PostgresSettings(
              dataDir,
              binDir,
              pgListen,
              pgConnect,
              superuser,
              replication,
              rewind == null ? superuser : rewind,
              removeDataDirectoryOnRewindFailure,
              removeDataDirectoryOnDivergedTimelines);
      return new PghaConfig(this, etcd, postgres, new RestApiSettings(apiListen, apiConnect));
    }

    private FencingSettings fencing() {
      return new FencingSettings(
          prePromote, prePromoteTimeout, watchdogMode, watchdogDevice, watchdogSafetyMargin);
    }

    private HaTimings timings() {
      HaTimings base = preset.timings();
      return new HaTimings(
          ttl != null ? ttl : base.ttl(),
          loopWait != null ? loopWait : base.loopWait(),
          retryTimeout != null ? retryTimeout : base.retryTimeout(),
          primaryStartTimeout != null ? primaryStartTimeout : base.primaryStartTimeout());
    }
  }
}
