package io.pgha.spring.boot.agent;

import io.pgha.core.config.RtoPreset;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.DeprecatedConfigurationProperty;
import org.springframework.boot.context.properties.NestedConfigurationProperty;

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
}
