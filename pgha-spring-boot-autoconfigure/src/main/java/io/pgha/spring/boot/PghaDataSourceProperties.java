package io.pgha.spring.boot;

import io.pgha.jdbc.routing.ReadPolicy;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.DeprecatedConfigurationProperty;

/**
 * The topology-aware DataSource: where the cluster's topology comes from, the credentials, the
 * per-member pools and how reads are routed. Exactly one topology source is set: etcd ({@code
 * pgha.etcd.endpoints} with {@code pgha.etcd.scope}, see {@link PghaEtcdProperties}; the default
 * for production), {@code http-api-urls} or {@code static-hosts}.
 */
// Defaults are literals (not pgha-jdbc's constants) so that the configuration processor puts them
// in the metadata; PghaPropertiesDefaultsTest keeps them equal to pgha-jdbc's.
@ConfigurationProperties(prefix = "pgha.datasource")
public class PghaDataSourceProperties {

  /** Whether to create the topology-aware DataSource. */
  private boolean enabled = true;

  /** Deprecated: use pgha.etcd.endpoints, which the embedded agent shares. */
  private List<String> etcdEndpoints = new ArrayList<>();

  /** Deprecated: use pgha.etcd.scope, which the embedded agent shares. */
  private String scope;

  /** Deprecated: use pgha.etcd.namespace, which the embedded agent shares. */
  private String namespace;

  /**
   * Base URLs of the agents' HTTP API ({@code GET /cluster} is polled), for clients that cannot
   * reach etcd.
   */
  private List<URI> httpApiUrls = new ArrayList<>();

  /**
   * PostgreSQL servers as {@code host:port}, probed with {@code pg_is_in_recovery()}, when no agent
   * publishes the topology.
   */
  private List<String> staticHosts = new ArrayList<>();

  /** Interval of the HTTP and static-host sources: detection delay versus load on the agents. */
  private Duration pollInterval = Duration.ofSeconds(1);

  /** The database every member's pool connects to. */
  private String database = "postgres";

  /** The database user. */
  private String username;

  /** The database user's password; never logged. */
  private String password;

  /** pgjdbc connection properties applied to every member's pool (e.g. {@code sslmode}). */
  private Map<String, String> connectionProperties = new LinkedHashMap<>();

  /**
   * HikariCP settings applied to every member's pool, by HikariConfig property name as for {@code
   * spring.datasource.hikari.*} (e.g. {@code keepalive-time}, {@code leak-detection-threshold},
   * {@code connection-init-sql}, {@code data-source-properties.*}); an unknown name fails the
   * start. pgha keeps the pool's name, JDBC URL, initialization-fail-timeout and size by role.
   */
  private Map<String, String> hikari = new LinkedHashMap<>();

  /** Maximum connections of each member's pool. */
  private int maximumPoolSize = 10;

  /** Maximum connections of the leader's pool; 0 uses maximum-pool-size. */
  private int leaderMaximumPoolSize;

  /** Maximum connections of each replica's pool; 0 uses maximum-pool-size. */
  private int replicaMaximumPoolSize;

  /** Idle connections kept in each member's pool; 0 lets dead members cost nothing. */
  private int minimumIdle;

  /**
   * Bound of one borrow from a member's pool (at least 250 ms); also how long a write stalls on a
   * dead leader before the topology is checked again.
   */
  private Duration connectionTimeout = Duration.ofSeconds(2);

  /** How long a connection may sit idle in a pool before it is closed. */
  private Duration idleTimeout = Duration.ofMinutes(10);

  /** The longest life of a pooled connection (0 for no limit, otherwise at least 30 s). */
  private Duration maxLifetime = Duration.ofMinutes(30);

  /** How read-only work is spread over the replicas that qualify. */
  private ReadPolicy readPolicy = ReadPolicy.ROUND_ROBIN;

  /**
   * Replicas further behind the leader than this receive no reads (bytes of WAL); negative for no
   * bound. Staleness versus read capacity.
   */
  private long maxReplicaLagBytes = 16777216;

  /** Whether read-only work goes to the leader when no replica qualifies. */
  private boolean fallbackToLeader = true;

  /**
   * How long a write waits for a leader during a failover before failing with SQLState 08001; cover
   * the agents' ttl plus a promotion.
   */
  private Duration leaderWaitTimeout = Duration.ofSeconds(30);

  /**
   * How long the first topology read may take at start; an unreachable etcd or an unknown scope
   * fails the start after it.
   */
  private Duration startTimeout = Duration.ofSeconds(10);

  /** How often replicas are asked for their replay backlog; 0 turns the probe off. */
  private Duration replayLagProbeInterval = Duration.ofSeconds(1);

  /** How often a replica whose read failed is checked until it answers and takes reads again. */
  private Duration replicaCircuitOpenDuration = Duration.ofSeconds(5);

  /** TCP keep-alive on members' connections. */
  private boolean tcpKeepAlive = true;

  /** Bound of opening a TCP connection to a member (whole seconds). */
  private Duration connectTimeout = Duration.ofSeconds(5);

  /** Backstop for one read from a member's socket (whole seconds); 0 for none. */
  private Duration socketTimeout = Duration.ofSeconds(60);

  /** Prefix of the per-member pool names and of log lines. */
  private String poolName = "pgha";

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  @DeprecatedConfigurationProperty(replacement = "pgha.etcd.endpoints", since = "0.1.0")
  public List<String> getEtcdEndpoints() {
    return etcdEndpoints;
  }

  public void setEtcdEndpoints(List<String> etcdEndpoints) {
    this.etcdEndpoints = etcdEndpoints;
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

  public List<URI> getHttpApiUrls() {
    return httpApiUrls;
  }

  public void setHttpApiUrls(List<URI> httpApiUrls) {
    this.httpApiUrls = httpApiUrls;
  }

  public List<String> getStaticHosts() {
    return staticHosts;
  }

  public void setStaticHosts(List<String> staticHosts) {
    this.staticHosts = staticHosts;
  }

  public Duration getPollInterval() {
    return pollInterval;
  }

  public void setPollInterval(Duration pollInterval) {
    this.pollInterval = pollInterval;
  }

  public String getDatabase() {
    return database;
  }

  public void setDatabase(String database) {
    this.database = database;
  }

  public String getUsername() {
    return username;
  }

  public void setUsername(String username) {
    this.username = username;
  }

  public String getPassword() {
    return password;
  }

  public void setPassword(String password) {
    this.password = password;
  }

  public Map<String, String> getConnectionProperties() {
    return connectionProperties;
  }

  public void setConnectionProperties(Map<String, String> connectionProperties) {
    this.connectionProperties = connectionProperties;
  }

  public Map<String, String> getHikari() {
    return hikari;
  }

  public void setHikari(Map<String, String> hikari) {
    this.hikari = hikari;
  }

  public int getMaximumPoolSize() {
    return maximumPoolSize;
  }

  public void setMaximumPoolSize(int maximumPoolSize) {
    this.maximumPoolSize = maximumPoolSize;
  }

  public int getLeaderMaximumPoolSize() {
    return leaderMaximumPoolSize;
  }

  public void setLeaderMaximumPoolSize(int leaderMaximumPoolSize) {
    this.leaderMaximumPoolSize = leaderMaximumPoolSize;
  }

  public int getReplicaMaximumPoolSize() {
    return replicaMaximumPoolSize;
  }

  public void setReplicaMaximumPoolSize(int replicaMaximumPoolSize) {
    this.replicaMaximumPoolSize = replicaMaximumPoolSize;
  }

  public int getMinimumIdle() {
    return minimumIdle;
  }

  public void setMinimumIdle(int minimumIdle) {
    this.minimumIdle = minimumIdle;
  }

  public Duration getConnectionTimeout() {
    return connectionTimeout;
  }

  public void setConnectionTimeout(Duration connectionTimeout) {
    this.connectionTimeout = connectionTimeout;
  }

  public Duration getIdleTimeout() {
    return idleTimeout;
  }

  public void setIdleTimeout(Duration idleTimeout) {
    this.idleTimeout = idleTimeout;
  }

  public Duration getMaxLifetime() {
    return maxLifetime;
  }

  public void setMaxLifetime(Duration maxLifetime) {
    this.maxLifetime = maxLifetime;
  }

  public ReadPolicy getReadPolicy() {
    return readPolicy;
  }

  public void setReadPolicy(ReadPolicy readPolicy) {
    this.readPolicy = readPolicy;
  }

  public long getMaxReplicaLagBytes() {
    return maxReplicaLagBytes;
  }

  public void setMaxReplicaLagBytes(long maxReplicaLagBytes) {
    this.maxReplicaLagBytes = maxReplicaLagBytes;
  }

  public boolean isFallbackToLeader() {
    return fallbackToLeader;
  }

  public void setFallbackToLeader(boolean fallbackToLeader) {
    this.fallbackToLeader = fallbackToLeader;
  }

  public Duration getLeaderWaitTimeout() {
    return leaderWaitTimeout;
  }

  public void setLeaderWaitTimeout(Duration leaderWaitTimeout) {
    this.leaderWaitTimeout = leaderWaitTimeout;
  }

  public Duration getStartTimeout() {
    return startTimeout;
  }

  public void setStartTimeout(Duration startTimeout) {
    this.startTimeout = startTimeout;
  }

  public Duration getReplayLagProbeInterval() {
    return replayLagProbeInterval;
  }

  public void setReplayLagProbeInterval(Duration replayLagProbeInterval) {
    this.replayLagProbeInterval = replayLagProbeInterval;
  }

  public Duration getReplicaCircuitOpenDuration() {
    return replicaCircuitOpenDuration;
  }

  public void setReplicaCircuitOpenDuration(Duration replicaCircuitOpenDuration) {
    this.replicaCircuitOpenDuration = replicaCircuitOpenDuration;
  }

  public boolean isTcpKeepAlive() {
    return tcpKeepAlive;
  }

  public void setTcpKeepAlive(boolean tcpKeepAlive) {
    this.tcpKeepAlive = tcpKeepAlive;
  }

  public Duration getConnectTimeout() {
    return connectTimeout;
  }

  public void setConnectTimeout(Duration connectTimeout) {
    this.connectTimeout = connectTimeout;
  }

  public Duration getSocketTimeout() {
    return socketTimeout;
  }

  public void setSocketTimeout(Duration socketTimeout) {
    this.socketTimeout = socketTimeout;
  }

  public String getPoolName() {
    return poolName;
  }

  public void setPoolName(String poolName) {
    this.poolName = poolName;
  }
}
