package io.pgha.spring.boot.agent;

import io.pgha.core.config.RtoPreset;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.DeprecatedConfigurationProperty;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.boot.convert.DurationUnit;

/**
 * The embedded HA agent ({@code pgha.agent.*}): a {@link io.pgha.core.PghaAgent} managing this
 * host's PostgreSQL, started and stopped with the application context. The keys mirror pgha's
 * (Patroni's) configuration; etcd, the cluster's scope and namespace are {@code pgha.etcd.*},
 * shared with the DataSource ({@link io.pgha.spring.boot.PghaEtcdProperties}).
 */
@ConfigurationProperties(prefix = "pgha.agent")
public class PghaAgentProperties {

  /**
   * Whether to run the pgha HA agent of this host's PostgreSQL inside the application
   * (sidecar-style applications on the database host).
   */
  private boolean enabled = false;

  /** This member's name, unique in the cluster; required. */
  private String name;

  /** Deprecated: use pgha.etcd.scope, which the DataSource shares. */
  private String scope;

  /** Deprecated: use pgha.etcd.namespace, which the DataSource shares. */
  private String namespace;

  /** Deprecated: use pgha.etcd.endpoints, which the DataSource shares. */
  private List<String> etcdEndpoints = new ArrayList<>();

  /** Deprecated: use pgha.etcd.username. */
  private String etcdUsername;

  /** Deprecated: use pgha.etcd.password. */
  private String etcdPassword;

  /** PostgreSQL's data directory (absolute); required. */
  private Path dataDir;

  /** Directory of PostgreSQL's programs (initdb, pg_ctl, ...); default: found on the PATH. */
  private Path binDir;

  /** host:port PostgreSQL listens on; required. */
  private String postgresListen;

  /** host:port other members and clients reach PostgreSQL at; default: postgres-listen. */
  private String postgresConnectAddress;

  /** PostgreSQL superuser the agent connects as. */
  private String superuserUsername = "postgres";

  /** The superuser's password; never logged. */
  private String superuserPassword;

  /** User replicas stream WAL as. */
  private String replicationUsername = "replicator";

  /** The replication user's password; never logged. */
  private String replicationPassword;

  /** host:port of the agent's Patroni-compatible HTTP API. */
  private String restApiListen = "127.0.0.1:8008";

  /** host:port other members reach the HTTP API at; default: rest-api-listen. */
  private String restApiConnectAddress;

  /** Who may use the HTTP API: credentials, allow-list, TLS (pgha.agent.rest-api.*). */
  @NestedConfigurationProperty private PghaRestApiProperties restApi = new PghaRestApiProperties();

  /** Member tags (nofailover, noloadbalance, ...). */
  private Map<String, String> tags = new LinkedHashMap<>();

  /**
   * Timing preset (ttl, loop wait, retry timeout) trading failover speed against false failovers.
   */
  private RtoPreset preset = RtoPreset.NORM;

  /** Leader lease ttl; overrides the preset's. */
  private Duration ttl;

  /** HA loop period; overrides the preset's. */
  private Duration loopWait;

  /** etcd and PostgreSQL retry bound; overrides the preset's. */
  private Duration retryTimeout;

  /** A replica further behind than this (bytes) is not promoted. */
  private long maximumLagOnFailover = 1048576;

  /** OS user PostgreSQL runs as when the JVM runs as root. */
  private String runAsUser;

  /** PostgreSQL parameters (postgresql.conf) the agent sets. */
  private Map<String, String> parameters = new LinkedHashMap<>();

  /**
   * Pigsty's pg_rto: start from the timing preset whose ttl is closest to this (whole seconds, at
   * least 1; a number without a unit is seconds); replaces preset.
   */
  @DurationUnit(ChronoUnit.SECONDS)
  private Duration pgRto;

  /**
   * How long a primary that crashed may take to start again before a failover is preferred (whole
   * seconds; a number without a unit is seconds); overrides the preset's.
   */
  @DurationUnit(ChronoUnit.SECONDS)
  private Duration primaryStartTimeout;

  /**
   * With maximum-lag-on-failover 0 (synchronous): block commits rather than fall back to
   * asynchronous replication when no synchronous standby is left.
   */
  private boolean synchronousModeStrict;

  /**
   * Failsafe mode for a new cluster: the leader may stay primary while etcd is unavailable as long
   * as every member confirms it over the HTTP API.
   */
  private boolean failsafeMode;

  /**
   * Fast takeover for a new cluster: a synchronous standby takes over from a leader whose lease
   * went silent for leader-silence-timeout, without waiting for the lease to expire. Default: on
   * exactly in synchronous mode; true is refused in asynchronous mode.
   */
  private Boolean fastTakeover;

  /**
   * How long the leader's lease must go unrenewed before a synchronous standby takes over (fast-
   * takeover); whole seconds, less than ttl - loop-wait; default 2s. A number without a unit is
   * seconds.
   */
  @DurationUnit(ChronoUnit.SECONDS)
  private Duration leaderSilenceTimeout;

  /**
   * The name the primary goes by in the member key, GET /patroni and on_role_change: primary
   * (Patroni 4) or master (Patroni 3).
   */
  private String primaryRoleName = "primary";

  /** Allow deleting the data directory and cloning again when pg_rewind fails. */
  private boolean removeDataDirectoryOnRewindFailure;

  /** Allow deleting the data directory when its timeline diverged from the leader's. */
  private boolean removeDataDirectoryOnDivergedTimelines;

  /**
   * Program (and its arguments) run before this member promotes PostgreSQL; a non-zero exit, or
   * running longer than pre-promote-timeout, cancels the promotion. Use it to fence the old
   * primary.
   */
  private List<String> prePromote = new ArrayList<>();

  /** How long pre-promote may run before it is killed and the promotion cancelled. */
  private Duration prePromoteTimeout = Duration.ofSeconds(30);

  /**
   * The watchdog that resets the host when the agent freezes while PostgreSQL runs as primary
   * (pgha.agent.watchdog.*).
   */
  @NestedConfigurationProperty
  private PghaWatchdogProperties watchdog = new PghaWatchdogProperties();

  /** A new cluster that follows another one (pgha.agent.standby-cluster.*). */
  @NestedConfigurationProperty
  private PghaStandbyClusterProperties standbyCluster = new PghaStandbyClusterProperties();

  /**
   * What a new cluster starts with: its dynamic configuration, a script and roles
   * (pgha.agent.bootstrap.*).
   */
  @NestedConfigurationProperty
  private PghaBootstrapProperties bootstrap = new PghaBootstrapProperties();

  /**
   * host:port of a connection pooler in front of this server, published in the member key as
   * proxy_url for clients to read; pgha never connects through it.
   */
  private String postgresProxyAddress;

  /** User pg_rewind connects as; default the superuser. */
  private String rewindUsername;

  /** The rewind user's password; never logged. */
  private String rewindPassword;

  /** TLS of the agent's own connections as the superuser (pgha.agent.superuser-tls.*). */
  @NestedConfigurationProperty
  private PghaConnectionTlsProperties superuserTls = new PghaConnectionTlsProperties();

  /**
   * TLS of the replication connections: primary_conninfo and pg_basebackup
   * (pgha.agent.replication-tls.*).
   */
  @NestedConfigurationProperty
  private PghaConnectionTlsProperties replicationTls = new PghaConnectionTlsProperties();

  /**
   * TLS of pg_rewind's connections; default the superuser's when no rewind user is set
   * (pgha.agent.rewind-tls.*).
   */
  @NestedConfigurationProperty
  private PghaConnectionTlsProperties rewindTls = new PghaConnectionTlsProperties();

  /**
   * The whole pg_hba.conf, one line each, written exactly as given (the lines must let the
   * replication user and the agent in); default: pgha's lines for its roles, then loopback with
   * passwords.
   */
  private List<String> pgHba = new ArrayList<>();

  /**
   * The whole pg_ident.conf, one line each, written exactly as given; default: the config key's, or
   * the file left as it is.
   */
  private List<String> pgIdent = new ArrayList<>();

  /** initdb options, each --name or --name=value; default --data-checksums --encoding=UTF8. */
  private List<String> initdbOptions = new ArrayList<>();

  /** Directory of PostgreSQL's Unix-domain socket (absolute); default none (TCP only). */
  private Path socketDirectory;

  /** Where the postmaster's output goes (absolute); default <data-dir>.log. */
  private Path logFile;

  /** How long cloning a replica may run before it is killed with every process it started. */
  private Duration createReplicaTimeout = Duration.ofHours(1);

  /**
   * Options added to pg_basebackup's command line when a replica is cloned, each --name or
   * --name=value (e.g. --max-rate=100M).
   */
  private List<String> basebackupOptions = new ArrayList<>();

  /**
   * Recovery parameters a replica gets besides pgha's (restore_command, recovery_min_apply_delay,
   * archive_cleanup_command, recovery_end_command).
   */
  private Map<String, String> recoveryConf = new LinkedHashMap<>();

  /**
   * A PostgreSQL configuration file postgresql.conf includes instead of the one initdb wrote;
   * relative to the data directory. It must exist on every member.
   */
  private Path customConf;

  /**
   * How long the start of the DataSource waits for the agent's first HA cycle (a bootstrap
   * included).
   */
  private Duration startWait = Duration.ofSeconds(60);

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  @DeprecatedConfigurationProperty(replacement = "pgha.etcd.scope", since = "0.1.0")
  public String getScope() {
    return scope;
  }

  public void setScope(String scope) {
    this.scope = scope;
  }

  @DeprecatedConfigurationProperty(replacement = "pgha.etcd.namespace", since = "0.1.0")
  public String getNamespace() {
    return namespace;
  }

  public void setNamespace(String namespace) {
    this.namespace = namespace;
  }

  @DeprecatedConfigurationProperty(replacement = "pgha.etcd.endpoints", since = "0.1.0")
  public List<String> getEtcdEndpoints() {
    return etcdEndpoints;
  }

  public void setEtcdEndpoints(List<String> etcdEndpoints) {
    this.etcdEndpoints = etcdEndpoints;
  }

  @DeprecatedConfigurationProperty(replacement = "pgha.etcd.username", since = "0.1.0")
  public String getEtcdUsername() {
    return etcdUsername;
  }

  public void setEtcdUsername(String etcdUsername) {
    this.etcdUsername = etcdUsername;
  }

  @DeprecatedConfigurationProperty(replacement = "pgha.etcd.password", since = "0.1.0")
  public String getEtcdPassword() {
    return etcdPassword;
  }

  public void setEtcdPassword(String etcdPassword) {
    this.etcdPassword = etcdPassword;
  }

  public Path getDataDir() {
    return dataDir;
  }

  public void setDataDir(Path dataDir) {
    this.dataDir = dataDir;
  }

  public Path getBinDir() {
    return binDir;
  }

  public void setBinDir(Path binDir) {
    this.binDir = binDir;
  }

  public String getPostgresListen() {
    return postgresListen;
  }

  public void setPostgresListen(String postgresListen) {
    this.postgresListen = postgresListen;
  }

  public String getPostgresConnectAddress() {
    return postgresConnectAddress;
  }

  public void setPostgresConnectAddress(String postgresConnectAddress) {
    this.postgresConnectAddress = postgresConnectAddress;
  }

  public String getSuperuserUsername() {
    return superuserUsername;
  }

  public void setSuperuserUsername(String superuserUsername) {
    this.superuserUsername = superuserUsername;
  }

  public String getSuperuserPassword() {
    return superuserPassword;
  }

  public void setSuperuserPassword(String superuserPassword) {
    this.superuserPassword = superuserPassword;
  }

  public String getReplicationUsername() {
    return replicationUsername;
  }

  public void setReplicationUsername(String replicationUsername) {
    this.replicationUsername = replicationUsername;
  }

  public String getReplicationPassword() {
    return replicationPassword;
  }

  public void setReplicationPassword(String replicationPassword) {
    this.replicationPassword = replicationPassword;
  }

  public String getRestApiListen() {
    return restApiListen;
  }

  public void setRestApiListen(String restApiListen) {
    this.restApiListen = restApiListen;
  }

  public PghaRestApiProperties getRestApi() {
    return restApi;
  }

  public void setRestApi(PghaRestApiProperties restApi) {
    this.restApi = restApi;
  }

  public String getRestApiConnectAddress() {
    return restApiConnectAddress;
  }

  public void setRestApiConnectAddress(String restApiConnectAddress) {
    this.restApiConnectAddress = restApiConnectAddress;
  }

  public Map<String, String> getTags() {
    return tags;
  }

  public void setTags(Map<String, String> tags) {
    this.tags = tags;
  }

  public RtoPreset getPreset() {
    return preset;
  }

  public void setPreset(RtoPreset preset) {
    this.preset = preset;
  }

  public Duration getTtl() {
    return ttl;
  }

  public void setTtl(Duration ttl) {
    this.ttl = ttl;
  }

  public Duration getLoopWait() {
    return loopWait;
  }

  public void setLoopWait(Duration loopWait) {
    this.loopWait = loopWait;
  }

  public Duration getRetryTimeout() {
    return retryTimeout;
  }

  public void setRetryTimeout(Duration retryTimeout) {
    this.retryTimeout = retryTimeout;
  }

  public long getMaximumLagOnFailover() {
    return maximumLagOnFailover;
  }

  public void setMaximumLagOnFailover(long maximumLagOnFailover) {
    this.maximumLagOnFailover = maximumLagOnFailover;
  }

  public String getRunAsUser() {
    return runAsUser;
  }

  public void setRunAsUser(String runAsUser) {
    this.runAsUser = runAsUser;
  }

  public Map<String, String> getParameters() {
    return parameters;
  }

  public void setParameters(Map<String, String> parameters) {
    this.parameters = parameters;
  }

  public Duration getStartWait() {
    return startWait;
  }

  public void setStartWait(Duration startWait) {
    this.startWait = startWait;
  }

  public Duration getPgRto() {
    return pgRto;
  }

  public void setPgRto(Duration pgRto) {
    this.pgRto = pgRto;
  }

  public Duration getPrimaryStartTimeout() {
    return primaryStartTimeout;
  }

  public void setPrimaryStartTimeout(Duration primaryStartTimeout) {
    this.primaryStartTimeout = primaryStartTimeout;
  }

  public boolean isSynchronousModeStrict() {
    return synchronousModeStrict;
  }

  public void setSynchronousModeStrict(boolean synchronousModeStrict) {
    this.synchronousModeStrict = synchronousModeStrict;
  }

  public boolean isFailsafeMode() {
    return failsafeMode;
  }

  public void setFailsafeMode(boolean failsafeMode) {
    this.failsafeMode = failsafeMode;
  }

  public Boolean getFastTakeover() {
    return fastTakeover;
  }

  public void setFastTakeover(Boolean fastTakeover) {
    this.fastTakeover = fastTakeover;
  }

  public Duration getLeaderSilenceTimeout() {
    return leaderSilenceTimeout;
  }

  public void setLeaderSilenceTimeout(Duration leaderSilenceTimeout) {
    this.leaderSilenceTimeout = leaderSilenceTimeout;
  }

  public String getPrimaryRoleName() {
    return primaryRoleName;
  }

  public void setPrimaryRoleName(String primaryRoleName) {
    this.primaryRoleName = primaryRoleName;
  }

  public boolean isRemoveDataDirectoryOnRewindFailure() {
    return removeDataDirectoryOnRewindFailure;
  }

  public void setRemoveDataDirectoryOnRewindFailure(boolean removeDataDirectoryOnRewindFailure) {
    this.removeDataDirectoryOnRewindFailure = removeDataDirectoryOnRewindFailure;
  }

  public boolean isRemoveDataDirectoryOnDivergedTimelines() {
    return removeDataDirectoryOnDivergedTimelines;
  }

  public void setRemoveDataDirectoryOnDivergedTimelines(
      boolean removeDataDirectoryOnDivergedTimelines) {
    this.removeDataDirectoryOnDivergedTimelines = removeDataDirectoryOnDivergedTimelines;
  }

  public List<String> getPrePromote() {
    return prePromote;
  }

  public void setPrePromote(List<String> prePromote) {
    this.prePromote = prePromote;
  }

  public Duration getPrePromoteTimeout() {
    return prePromoteTimeout;
  }

  public void setPrePromoteTimeout(Duration prePromoteTimeout) {
    this.prePromoteTimeout = prePromoteTimeout;
  }

  public PghaWatchdogProperties getWatchdog() {
    return watchdog;
  }

  public void setWatchdog(PghaWatchdogProperties watchdog) {
    this.watchdog = watchdog;
  }

  public PghaStandbyClusterProperties getStandbyCluster() {
    return standbyCluster;
  }

  public void setStandbyCluster(PghaStandbyClusterProperties standbyCluster) {
    this.standbyCluster = standbyCluster;
  }

  public PghaBootstrapProperties getBootstrap() {
    return bootstrap;
  }

  public void setBootstrap(PghaBootstrapProperties bootstrap) {
    this.bootstrap = bootstrap;
  }

  public String getPostgresProxyAddress() {
    return postgresProxyAddress;
  }

  public void setPostgresProxyAddress(String postgresProxyAddress) {
    this.postgresProxyAddress = postgresProxyAddress;
  }

  public String getRewindUsername() {
    return rewindUsername;
  }

  public void setRewindUsername(String rewindUsername) {
    this.rewindUsername = rewindUsername;
  }

  public String getRewindPassword() {
    return rewindPassword;
  }

  public void setRewindPassword(String rewindPassword) {
    this.rewindPassword = rewindPassword;
  }

  public PghaConnectionTlsProperties getSuperuserTls() {
    return superuserTls;
  }

  public void setSuperuserTls(PghaConnectionTlsProperties superuserTls) {
    this.superuserTls = superuserTls;
  }

  public PghaConnectionTlsProperties getReplicationTls() {
    return replicationTls;
  }

  public void setReplicationTls(PghaConnectionTlsProperties replicationTls) {
    this.replicationTls = replicationTls;
  }

  public PghaConnectionTlsProperties getRewindTls() {
    return rewindTls;
  }

  public void setRewindTls(PghaConnectionTlsProperties rewindTls) {
    this.rewindTls = rewindTls;
  }

  public List<String> getPgHba() {
    return pgHba;
  }

  public void setPgHba(List<String> pgHba) {
    this.pgHba = pgHba;
  }

  public List<String> getPgIdent() {
    return pgIdent;
  }

  public void setPgIdent(List<String> pgIdent) {
    this.pgIdent = pgIdent;
  }

  public List<String> getInitdbOptions() {
    return initdbOptions;
  }

  public void setInitdbOptions(List<String> initdbOptions) {
    this.initdbOptions = initdbOptions;
  }

  public Path getSocketDirectory() {
    return socketDirectory;
  }

  public void setSocketDirectory(Path socketDirectory) {
    this.socketDirectory = socketDirectory;
  }

  public Path getLogFile() {
    return logFile;
  }

  public void setLogFile(Path logFile) {
    this.logFile = logFile;
  }

  public Duration getCreateReplicaTimeout() {
    return createReplicaTimeout;
  }

  public void setCreateReplicaTimeout(Duration createReplicaTimeout) {
    this.createReplicaTimeout = createReplicaTimeout;
  }

  public List<String> getBasebackupOptions() {
    return basebackupOptions;
  }

  public void setBasebackupOptions(List<String> basebackupOptions) {
    this.basebackupOptions = basebackupOptions;
  }

  public Map<String, String> getRecoveryConf() {
    return recoveryConf;
  }

  public void setRecoveryConf(Map<String, String> recoveryConf) {
    this.recoveryConf = recoveryConf;
  }

  public Path getCustomConf() {
    return customConf;
  }

  public void setCustomConf(Path customConf) {
    this.customConf = customConf;
  }
}
