package io.pgha.jdbc;

import com.zaxxer.hikari.HikariConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.pgha.jdbc.routing.PghaMetrics;
import io.pgha.jdbc.routing.ReadPolicy;
import io.pgha.jdbc.topology.EtcdAccess;
import io.pgha.jdbc.topology.TopologySource;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The immutable configuration of a {@link TopologyAwareDataSource}. Built with {@link #builder()};
 * {@link Builder#build()} checks every value and names the key, the value and the rule it breaks.
 *
 * <p>Exactly one topology source is configured: {@link Builder#etcd etcd} (default for production:
 * sees a new leader within milliseconds), {@link Builder#httpApi the agents' HTTP API}, {@link
 * Builder#staticHosts static hosts} probed with {@code pg_is_in_recovery()}, or a {@link
 * Builder#topologySource custom source}.
 */
public final class PghaDataSourceConfig {

  /** Which kind of topology source the configuration selects. */
  public enum SourceKind {
    /** etcd watch on Patroni's keys. */
    ETCD,
    /** Polling of {@code GET /cluster} on the agents' HTTP API. */
    HTTP,
    /** Probing of a static host list. */
    STATIC,
    /** A {@link TopologySource} supplied by the application. */
    CUSTOM
  }

  /** Default etcd namespace, as Patroni's. */
  public static final String DEFAULT_NAMESPACE = "/service";

  /** Default database. */
  public static final String DEFAULT_DATABASE = "postgres";

  /** Default per-member pool size. */
  public static final int DEFAULT_MAXIMUM_POOL_SIZE = 10;

  /** Default bound for one borrow from a member's pool. */
  public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(2);

  /** Default time a write waits for a leader to exist. */
  public static final Duration DEFAULT_LEADER_WAIT_TIMEOUT = Duration.ofSeconds(30);

  /** Default time the first topology read may take. */
  public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(10);

  /** Default interval of the HTTP and static-host sources. */
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);

  /** Default interval of the replay-lag probe of replicas. */
  public static final Duration DEFAULT_REPLAY_LAG_PROBE_INTERVAL = Duration.ofSeconds(1);

  /** Default maximum replica lag for reads: 16 MiB. */
  public static final long DEFAULT_MAX_REPLICA_LAG_BYTES = 16L * 1024 * 1024;

  /** Default interval at which a replica that failed a read is checked until it answers again. */
  public static final Duration DEFAULT_REPLICA_CIRCUIT_OPEN_DURATION = Duration.ofSeconds(5);

  /** Default bound of opening a TCP connection to a member (pgjdbc's {@code connectTimeout}). */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

  /**
   * Default backstop for one read from a member's socket (pgjdbc's {@code socketTimeout}): a
   * statement whose server sends nothing for this long fails. Failover does not rely on it: a
   * connection whose member leaves its role is aborted at once.
   */
  public static final Duration DEFAULT_SOCKET_TIMEOUT = Duration.ofSeconds(60);

  private static final Duration MIN_CONNECTION_TIMEOUT = Duration.ofMillis(250);
  private static final Duration MIN_POLL_INTERVAL = Duration.ofMillis(50);
  private static final Pattern HOST_PORT = Pattern.compile("[^\\s:/]+:\\d{1,5}");

  private final SourceKind sourceKind;
  private final EtcdAccess etcdAccess;
  private final String namespace;
  private final String scope;
  private final List<URI> httpEndpoints;
  private final List<String> staticHosts;
  private final TopologySource customSource;
  private final Duration pollInterval;
  private final String database;
  private final String username;
  private final String password;
  private final Map<String, String> connectionProperties;
  private final int maximumPoolSize;
  private final int leaderMaximumPoolSize;
  private final int replicaMaximumPoolSize;
  private final int minimumIdle;
  private final Duration connectionTimeout;
  private final Duration idleTimeout;
  private final Duration maxLifetime;
  private final ReadPolicy readPolicy;
  private final long maxReplicaLagBytes;
  private final boolean fallbackToLeader;
  private final Duration leaderWaitTimeout;
  private final Duration startTimeout;
  private final Duration replayLagProbeInterval;
  private final Duration replicaCircuitOpenDuration;
  private final boolean tcpKeepAlive;
  private final Duration connectTimeout;
  private final Duration socketTimeout;
  private final PghaMetrics metrics;
  private final Object meterRegistry;
  private final Consumer<HikariConfig> hikariCustomizer;
  private final CircuitBreakerRegistry circuitBreakerRegistry;
  private final String poolName;

  private PghaDataSourceConfig(Builder b) {
    this.sourceKind = b.sourceKind;
    this.etcdAccess =
        new EtcdAccess(
            b.etcdEndpoints,
            b.etcdUsername,
            b.etcdPassword,
            b.etcdCaFile,
            b.etcdCertFile,
            b.etcdKeyFile);
    this.namespace = b.namespace;
    this.scope = b.scope;
    this.httpEndpoints = List.copyOf(b.httpEndpoints);
    this.staticHosts = List.copyOf(b.staticHosts);
    this.customSource = b.customSource;
    this.pollInterval = b.pollInterval;
    this.database = b.database;
    this.username = b.username;
    this.password = b.password;
    this.connectionProperties = Map.copyOf(b.connectionProperties);
    this.maximumPoolSize = b.maximumPoolSize;
    this.leaderMaximumPoolSize =
        b.leaderMaximumPoolSize > 0 ? b.leaderMaximumPoolSize : b.maximumPoolSize;
    this.replicaMaximumPoolSize =
        b.replicaMaximumPoolSize > 0 ? b.replicaMaximumPoolSize : b.maximumPoolSize;
    this.minimumIdle = b.minimumIdle;
    this.connectionTimeout = b.connectionTimeout;
    this.idleTimeout = b.idleTimeout;
    this.maxLifetime = b.maxLifetime;
    this.readPolicy = b.readPolicy;
    this.maxReplicaLagBytes = b.maxReplicaLagBytes;
    this.fallbackToLeader = b.fallbackToLeader;
    this.leaderWaitTimeout = b.leaderWaitTimeout;
    this.startTimeout = b.startTimeout;
    this.replayLagProbeInterval = b.replayLagProbeInterval;
    this.replicaCircuitOpenDuration = b.replicaCircuitOpenDuration;
    this.tcpKeepAlive = b.tcpKeepAlive;
    this.connectTimeout = b.connectTimeout;
    this.socketTimeout = b.socketTimeout;
    this.metrics = b.metrics;
    this.meterRegistry = b.meterRegistry;
    this.hikariCustomizer = b.hikariCustomizer;
    this.circuitBreakerRegistry = b.circuitBreakerRegistry;
    this.poolName = b.poolName;
  }

  /** A new builder with the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder initialised from this configuration, to derive a variant. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.sourceKind = sourceKind;
    b.etcdEndpoints.addAll(etcdAccess.endpoints());
    b.etcdUsername = etcdAccess.username();
    b.etcdPassword = etcdAccess.password();
    b.etcdCaFile = etcdAccess.caFile();
    b.etcdCertFile = etcdAccess.certFile();
    b.etcdKeyFile = etcdAccess.keyFile();
    b.namespace = namespace;
    b.scope = scope;
    b.httpEndpoints.addAll(httpEndpoints);
    b.staticHosts.addAll(staticHosts);
    b.customSource = customSource;
    b.pollInterval = pollInterval;
    b.database = database;
    b.username = username;
    b.password = password;
    b.connectionProperties.putAll(connectionProperties);
    b.maximumPoolSize = maximumPoolSize;
    b.leaderMaximumPoolSize = leaderMaximumPoolSize;
    b.replicaMaximumPoolSize = replicaMaximumPoolSize;
    b.minimumIdle = minimumIdle;
    b.connectionTimeout = connectionTimeout;
    b.idleTimeout = idleTimeout;
    b.maxLifetime = maxLifetime;
    b.readPolicy = readPolicy;
    b.maxReplicaLagBytes = maxReplicaLagBytes;
    b.fallbackToLeader = fallbackToLeader;
    b.leaderWaitTimeout = leaderWaitTimeout;
    b.startTimeout = startTimeout;
    b.replayLagProbeInterval = replayLagProbeInterval;
    b.replicaCircuitOpenDuration = replicaCircuitOpenDuration;
    b.tcpKeepAlive = tcpKeepAlive;
    b.connectTimeout = connectTimeout;
    b.socketTimeout = socketTimeout;
    b.metrics = metrics;
    b.meterRegistry = meterRegistry;
    b.hikariCustomizer = hikariCustomizer;
    b.circuitBreakerRegistry = circuitBreakerRegistry;
    b.poolName = poolName;
    return b;
  }

  public SourceKind sourceKind() {
    return sourceKind;
  }

  public List<String> etcdEndpoints() {
    return etcdAccess.endpoints();
  }

  /** The etcd endpoints with their credentials and TLS files (the password masked in toString). */
  public EtcdAccess etcdAccess() {
    return etcdAccess;
  }

  public String namespace() {
    return namespace;
  }

  public String scope() {
    return scope;
  }

  /** The etcd prefix of the cluster's keys, {@code <namespace>/<scope>/}. */
  public String keyPrefix() {
    String ns = namespace.endsWith("/") ? namespace : namespace + "/";
    return ns + scope + "/";
  }

  public List<URI> httpEndpoints() {
    return httpEndpoints;
  }

  public List<String> staticHosts() {
    return staticHosts;
  }

  public TopologySource customSource() {
    return customSource;
  }

  public Duration pollInterval() {
    return pollInterval;
  }

  public String database() {
    return database;
  }

  public String username() {
    return username;
  }

  /** The password; never logged, never in {@link #toString()}. */
  public String password() {
    return password;
  }

  public Map<String, String> connectionProperties() {
    return connectionProperties;
  }

  public int maximumPoolSize() {
    return maximumPoolSize;
  }

  public int leaderMaximumPoolSize() {
    return leaderMaximumPoolSize;
  }

  public int replicaMaximumPoolSize() {
    return replicaMaximumPoolSize;
  }

  public int minimumIdle() {
    return minimumIdle;
  }

  public Duration connectionTimeout() {
    return connectionTimeout;
  }

  public Duration idleTimeout() {
    return idleTimeout;
  }

  public Duration maxLifetime() {
    return maxLifetime;
  }

  public ReadPolicy readPolicy() {
    return readPolicy;
  }

  /** The maximum lag of a replica that receives reads; negative means no bound. */
  public long maxReplicaLagBytes() {
    return maxReplicaLagBytes;
  }

  public boolean fallbackToLeader() {
    return fallbackToLeader;
  }

  public Duration leaderWaitTimeout() {
    return leaderWaitTimeout;
  }

  public Duration startTimeout() {
    return startTimeout;
  }

  /** How often replicas are asked for their replay backlog; zero disables the probe. */
  public Duration replayLagProbeInterval() {
    return replayLagProbeInterval;
  }

  /** How often a replica that failed a read is checked, in the background, until it answers. */
  public Duration replicaCircuitOpenDuration() {
    return replicaCircuitOpenDuration;
  }

  /** Whether connections to members use TCP keep-alive (pgjdbc's {@code tcpKeepAlive}). */
  public boolean tcpKeepAlive() {
    return tcpKeepAlive;
  }

  /** The bound of opening a TCP connection to a member (pgjdbc's {@code connectTimeout}). */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** The backstop for one read from a member's socket; zero means none. */
  public Duration socketTimeout() {
    return socketTimeout;
  }

  /**
   * The pgjdbc properties of every member's connections: the network settings above, then {@link
   * #connectionProperties()} (which win on the same key).
   */
  public Map<String, String> driverProperties() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("tcpKeepAlive", Boolean.toString(tcpKeepAlive));
    p.put("connectTimeout", Long.toString(wholeSeconds(connectTimeout)));
    p.put("socketTimeout", Long.toString(wholeSeconds(socketTimeout)));
    p.putAll(connectionProperties);
    return p;
  }

  /** pgjdbc counts these timeouts in whole seconds: a fraction rounds up (never to "none"). */
  private static long wholeSeconds(Duration d) {
    long s = d.getSeconds();
    return d.getNano() > 0 ? s + 1 : s;
  }

  public PghaMetrics metrics() {
    return metrics;
  }

  /** The Micrometer {@code MeterRegistry} the DataSource reports to, or null for none. */
  public Object meterRegistry() {
    return meterRegistry;
  }

  /** Adjusts every member pool's HikariCP configuration; does nothing by default. */
  public Consumer<HikariConfig> hikariCustomizer() {
    return hikariCustomizer;
  }

  /**
   * Where the members' read circuit breakers are registered, or null: each DataSource then keeps
   * them in a registry of its own.
   */
  public CircuitBreakerRegistry circuitBreakerRegistry() {
    return circuitBreakerRegistry;
  }

  public String poolName() {
    return poolName;
  }

  @Override
  public String toString() {
    return "PghaDataSourceConfig{source="
        + sourceKind
        + ", etcd="
        + etcdAccess.endpoints()
        + ", etcdUsername="
        + etcdAccess.username()
        + ", prefix="
        + (scope == null ? "-" : keyPrefix())
        + ", http="
        + httpEndpoints
        + ", static="
        + staticHosts
        + ", database="
        + database
        + ", username="
        + username
        + ", readPolicy="
        + readPolicy
        + ", maxReplicaLagBytes="
        + maxReplicaLagBytes
        + ", fallbackToLeader="
        + fallbackToLeader
        + ", leaderWaitTimeout="
        + leaderWaitTimeout
        + ", tcpKeepAlive="
        + tcpKeepAlive
        + ", connectTimeout="
        + connectTimeout
        + ", socketTimeout="
        + socketTimeout
        + "}";
  }

  /** Builds a {@link PghaDataSourceConfig}; not thread-safe. */
  public static final class Builder {
    private SourceKind sourceKind;
    private final List<String> etcdEndpoints = new ArrayList<>();
    private String etcdUsername;
    private String etcdPassword;
    private Path etcdCaFile;
    private Path etcdCertFile;
    private Path etcdKeyFile;
    private String namespace = DEFAULT_NAMESPACE;
    private String scope;
    private final List<URI> httpEndpoints = new ArrayList<>();
    private final List<String> staticHosts = new ArrayList<>();
    private TopologySource customSource;
    private Duration pollInterval = DEFAULT_POLL_INTERVAL;
    private String database = DEFAULT_DATABASE;
    private String username;
    private String password;
    private final Map<String, String> connectionProperties = new LinkedHashMap<>();
    private int maximumPoolSize = DEFAULT_MAXIMUM_POOL_SIZE;
    private int leaderMaximumPoolSize;
    private int replicaMaximumPoolSize;
    private int minimumIdle = 0;
    private Duration connectionTimeout = DEFAULT_CONNECTION_TIMEOUT;
    private Duration idleTimeout = Duration.ofMinutes(10);
    private Duration maxLifetime = Duration.ofMinutes(30);
    private ReadPolicy readPolicy = ReadPolicy.ROUND_ROBIN;
    private long maxReplicaLagBytes = DEFAULT_MAX_REPLICA_LAG_BYTES;
    private boolean fallbackToLeader = true;
    private Duration leaderWaitTimeout = DEFAULT_LEADER_WAIT_TIMEOUT;
    private Duration startTimeout = DEFAULT_START_TIMEOUT;
    private Duration replayLagProbeInterval = DEFAULT_REPLAY_LAG_PROBE_INTERVAL;
    private Duration replicaCircuitOpenDuration = DEFAULT_REPLICA_CIRCUIT_OPEN_DURATION;
    private boolean tcpKeepAlive = true;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration socketTimeout = DEFAULT_SOCKET_TIMEOUT;
    private PghaMetrics metrics = PghaMetrics.NOOP;
    private Object meterRegistry;
    private Consumer<HikariConfig> hikariCustomizer = config -> {};
    private CircuitBreakerRegistry circuitBreakerRegistry;
    private String poolName = "pgha";

    private Builder() {}

    /** Topology from an etcd watch; endpoints like {@code http://127.0.0.1:2379}. */
    public Builder etcd(List<String> endpoints) {
      sourceKind(SourceKind.ETCD);
      etcdEndpoints.clear();
      etcdEndpoints.addAll(endpoints);
      return this;
    }

    /**
     * etcd authentication for the etcd source (Patroni's {@code etcd3.username} and {@code
     * password}); both or neither.
     */
    public Builder etcdCredentials(String username, String password) {
      etcdUsername = username;
      etcdPassword = password;
      return this;
    }

    /**
     * TLS files for the etcd source (Patroni's {@code etcd3.cacert}, {@code cert}, {@code key}):
     * the CA that signed etcd's certificate (null for the JVM's trust store) and a client
     * certificate with its PEM PKCS#8 key (both null without one); https endpoints only.
     */
    public Builder etcdTls(Path caFile, Path certFile, Path keyFile) {
      etcdCaFile = caFile;
      etcdCertFile = certFile;
      etcdKeyFile = keyFile;
      return this;
    }

    /** Topology from polling {@code GET /cluster} on the agents' API base URLs. */
    public Builder httpApi(List<URI> apiBaseUrls) {
      sourceKind(SourceKind.HTTP);
      httpEndpoints.clear();
      httpEndpoints.addAll(apiBaseUrls);
      return this;
    }

    /** Topology from probing these {@code host:port} servers with {@code pg_is_in_recovery()}. */
    public Builder staticHosts(List<String> hostPorts) {
      sourceKind(SourceKind.STATIC);
      staticHosts.clear();
      staticHosts.addAll(hostPorts);
      return this;
    }

    /** Topology from an application-supplied source. */
    public Builder topologySource(TopologySource source) {
      sourceKind(SourceKind.CUSTOM);
      customSource = Objects.requireNonNull(source, "topologySource");
      return this;
    }

    private void sourceKind(SourceKind kind) {
      if (sourceKind != null && sourceKind != kind) {
        throw new IllegalArgumentException(
            "topology source is already "
                + sourceKind
                + "; configure exactly one of etcd, httpApi, staticHosts, topologySource (got "
                + kind
                + " too)");
      }
      sourceKind = kind;
    }

    /** The etcd namespace (Patroni's {@code namespace}); default {@code /service}. */
    public Builder namespace(String value) {
      namespace = value;
      return this;
    }

    /** The cluster name (Patroni's {@code scope}); required with etcd. */
    public Builder scope(String value) {
      scope = value;
      return this;
    }

    /** Interval of the HTTP and static-host sources; default 1 s. */
    public Builder pollInterval(Duration value) {
      pollInterval = value;
      return this;
    }

    public Builder database(String value) {
      database = value;
      return this;
    }

    public Builder username(String value) {
      username = value;
      return this;
    }

    public Builder password(String value) {
      password = value;
      return this;
    }

    /** A pgjdbc connection property applied to every member's pool. */
    public Builder connectionProperty(String key, String value) {
      connectionProperties.put(key, value);
      return this;
    }

    /** Maximum connections per member pool; default 10. */
    public Builder maximumPoolSize(int value) {
      maximumPoolSize = value;
      return this;
    }

    /** Overrides {@link #maximumPoolSize} for the leader's pool; 0 keeps the shared value. */
    public Builder leaderMaximumPoolSize(int value) {
      leaderMaximumPoolSize = value;
      return this;
    }

    /** Overrides {@link #maximumPoolSize} for replica pools; 0 keeps the shared value. */
    public Builder replicaMaximumPoolSize(int value) {
      replicaMaximumPoolSize = value;
      return this;
    }

    /** Idle connections kept per member pool; default 0 so dead members cost nothing. */
    public Builder minimumIdle(int value) {
      minimumIdle = value;
      return this;
    }

    /** Bound of one borrow from a member's pool (HikariCP's); default 2 s, at least 250 ms. */
    public Builder connectionTimeout(Duration value) {
      connectionTimeout = value;
      return this;
    }

    public Builder idleTimeout(Duration value) {
      idleTimeout = value;
      return this;
    }

    public Builder maxLifetime(Duration value) {
      maxLifetime = value;
      return this;
    }

    public Builder readPolicy(ReadPolicy value) {
      readPolicy = value;
      return this;
    }

    /** Replicas further behind receive no reads; negative for no bound; default 16 MiB. */
    public Builder maxReplicaLagBytes(long value) {
      maxReplicaLagBytes = value;
      return this;
    }

    /** Whether read-only work goes to the leader when no replica qualifies; default true. */
    public Builder fallbackToLeader(boolean value) {
      fallbackToLeader = value;
      return this;
    }

    /** How long a write waits for a leader before failing with 08001; default 30 s. */
    public Builder leaderWaitTimeout(Duration value) {
      leaderWaitTimeout = value;
      return this;
    }

    /** How long the first topology read may take at start; default 10 s. */
    public Builder startTimeout(Duration value) {
      startTimeout = value;
      return this;
    }

    /** How often replicas report their replay backlog; zero disables; default 1 s. */
    public Builder replayLagProbeInterval(Duration value) {
      replayLagProbeInterval = value;
      return this;
    }

    /**
     * A replica whose read failed (it went away or did not answer) takes no reads until a check in
     * the background reaches it again; this is the interval of that check; default 5 s.
     */
    public Builder replicaCircuitOpenDuration(Duration value) {
      replicaCircuitOpenDuration = value;
      return this;
    }

    /**
     * TCP keep-alive on members' connections (pgjdbc's {@code tcpKeepAlive}); default on. The
     * operating system's settings ({@code net.ipv4.tcp_keepalive_time}) say when a silent peer is
     * declared dead.
     */
    public Builder tcpKeepAlive(boolean value) {
      tcpKeepAlive = value;
      return this;
    }

    /**
     * Bound of opening a TCP connection to a member (pgjdbc's {@code connectTimeout}, whole
     * seconds, a fraction rounds up); default 5 s, at least 1 s.
     */
    public Builder connectTimeout(Duration value) {
      connectTimeout = value;
      return this;
    }

    /**
     * Backstop for one read from a member's socket (pgjdbc's {@code socketTimeout}, whole seconds,
     * a fraction rounds up; zero for none); default 60 s. Not the failover mechanism: connections
     * whose member leaves its role are aborted when the topology changes. It ends a statement whose
     * server sends nothing for that long — a network failure the cluster does not see. Work that
     * runs longer raises it for one connection with {@link java.sql.Connection#setNetworkTimeout}
     * and bounds itself with a query timeout.
     */
    public Builder socketTimeout(Duration value) {
      socketTimeout = value;
      return this;
    }

    /**
     * Hooks called on routing's events (leader changes, routed connections, leader waits,
     * failovers); kept alongside the meters of {@link #meterRegistry}.
     */
    public Builder metrics(PghaMetrics value) {
      metrics = value;
      return this;
    }

    /**
     * A Micrometer {@code io.micrometer.core.instrument.MeterRegistry} to report to; default none.
     * Each member's HikariCP pool then registers HikariCP's meters ({@code hikaricp.*}, tagged
     * {@code pool} = {@code <poolName>-<member>} and {@code member}), and the DataSource pgha's
     * meters ({@code pgha.*}, see {@link io.pgha.jdbc.metrics.MicrometerPghaMetrics}). Typed {@code
     * Object} so that pgha-jdbc runs without Micrometer: no Micrometer class is loaded unless a
     * registry is passed.
     */
    public Builder meterRegistry(Object value) {
      meterRegistry = value;
      return this;
    }

    /**
     * The registry each member's read circuit breaker is registered in, named {@code
     * <poolName>-<member>-reads}, so that what reports the registry (resilience4j-micrometer,
     * resilience4j-spring-boot) reports them; default a registry of the DataSource's own. The
     * circuit opens when a read on the member fails because its server went away or did not answer,
     * and closes when a background check every {@link #replicaCircuitOpenDuration} reaches the
     * server again (no read is spent on a trial): pgha drives its state and records no calls.
     */
    public Builder circuitBreakerRegistry(CircuitBreakerRegistry value) {
      circuitBreakerRegistry = Objects.requireNonNull(value, "circuitBreakerRegistry");
      return this;
    }

    /**
     * Adds a customizer of every member pool's HikariCP configuration, run after pgha's settings
     * and the customizers added before it (keepaliveTime, leakDetectionThreshold,
     * connectionInitSql, data source properties…). pgha then restores what routing relies on: the
     * pool's name and JDBC URL, {@code initializationFailTimeout} -1 (a pool never blocks or fails
     * while its member is down), a {@code validationTimeout} no longer than the {@code
     * connectionTimeout}; and it sizes each pool by its member's role. Called once per pool, on the
     * topology thread: it must be fast and must not throw.
     */
    public Builder hikari(Consumer<HikariConfig> value) {
      require(value != null, "hikari", null, "must not be null");
      hikariCustomizer = hikariCustomizer.andThen(value);
      return this;
    }

    /** Prefix of the per-member pool names; default {@code pgha}. */
    public Builder poolName(String value) {
      poolName = value;
      return this;
    }

    /**
     * Checks every value and returns the configuration.
     *
     * @throws IllegalArgumentException naming the first key that is wrong, its value and the rule
     */
    public PghaDataSourceConfig build() {
      if (sourceKind == null) {
        throw new IllegalArgumentException(
            "no topology source: configure one of etcd(endpoints), httpApi(urls),"
                + " staticHosts(host:port list) or topologySource(source)");
      }
      switch (sourceKind) {
        case ETCD -> {
          require(
              !etcdEndpoints.isEmpty(), "etcd", etcdEndpoints, "must list at least one endpoint");
          for (String e : etcdEndpoints) {
            require(
                e != null && e.matches("https?://[^\\s/]+:\\d{1,5}/?"),
                "etcd",
                e,
                "each endpoint must look like http://host:port");
          }
          checkEtcdAccess();
          require(
              scope != null && !scope.isBlank() && !scope.contains("/"),
              "scope",
              scope,
              "must be the cluster name, non-empty and without '/'");
          require(
              namespace != null && namespace.startsWith("/"),
              "namespace",
              namespace,
              "must start with '/' (Patroni's default is /service)");
        }
        case HTTP -> {
          require(!httpEndpoints.isEmpty(), "httpApi", httpEndpoints, "must list at least one URL");
          for (URI u : httpEndpoints) {
            require(
                u != null
                    && ("http".equals(u.getScheme()) || "https".equals(u.getScheme()))
                    && u.getHost() != null,
                "httpApi",
                u,
                "each URL must be absolute http(s)://host:port");
          }
        }
        case STATIC -> {
          require(
              !staticHosts.isEmpty(), "staticHosts", staticHosts, "must list at least one host");
          for (String h : staticHosts) {
            require(
                h != null && HOST_PORT.matcher(h).matches(),
                "staticHosts",
                h,
                "each entry must be host:port");
          }
        }
        case CUSTOM -> {}
      }
      require(
          pollInterval != null && pollInterval.compareTo(MIN_POLL_INTERVAL) >= 0,
          "pollInterval",
          pollInterval,
          "must be at least " + MIN_POLL_INTERVAL.toMillis() + "ms");
      require(database != null && !database.isBlank(), "database", database, "must not be empty");
      require(maximumPoolSize >= 1, "maximumPoolSize", maximumPoolSize, "must be at least 1");
      require(
          leaderMaximumPoolSize >= 0,
          "leaderMaximumPoolSize",
          leaderMaximumPoolSize,
          "must be 0 (use maximumPoolSize) or more");
      require(
          replicaMaximumPoolSize >= 0,
          "replicaMaximumPoolSize",
          replicaMaximumPoolSize,
          "must be 0 (use maximumPoolSize) or more");
      require(
          minimumIdle >= 0 && minimumIdle <= maximumPoolSize,
          "minimumIdle",
          minimumIdle,
          "must be between 0 and maximumPoolSize (" + maximumPoolSize + ")");
      require(
          connectionTimeout != null && connectionTimeout.compareTo(MIN_CONNECTION_TIMEOUT) >= 0,
          "connectionTimeout",
          connectionTimeout,
          "must be at least 250ms (HikariCP's minimum)");
      require(
          idleTimeout != null && !idleTimeout.isNegative(),
          "idleTimeout",
          idleTimeout,
          "must be zero or positive");
      require(
          maxLifetime != null && (maxLifetime.isZero() || maxLifetime.toSeconds() >= 30),
          "maxLifetime",
          maxLifetime,
          "must be zero (no limit) or at least 30s (HikariCP's minimum)");
      require(
          readPolicy != null,
          "readPolicy",
          null,
          "must be one of ROUND_ROBIN, LEAST_CONNECTIONS, LEAST_LAG");
      require(
          leaderWaitTimeout != null && !leaderWaitTimeout.isNegative(),
          "leaderWaitTimeout",
          leaderWaitTimeout,
          "must be zero (fail at once) or positive");
      require(
          startTimeout != null && startTimeout.toMillis() > 0,
          "startTimeout",
          startTimeout,
          "must be positive");
      require(
          replayLagProbeInterval != null
              && (replayLagProbeInterval.isZero()
                  || replayLagProbeInterval.compareTo(MIN_POLL_INTERVAL) >= 0),
          "replayLagProbeInterval",
          replayLagProbeInterval,
          "must be zero (off) or at least " + MIN_POLL_INTERVAL.toMillis() + "ms");
      require(
          replicaCircuitOpenDuration != null && replicaCircuitOpenDuration.toMillis() > 0,
          "replicaCircuitOpenDuration",
          replicaCircuitOpenDuration,
          "must be positive");
      require(
          connectTimeout != null && connectTimeout.compareTo(Duration.ofSeconds(1)) >= 0,
          "connectTimeout",
          connectTimeout,
          "must be at least 1s (pgjdbc counts whole seconds)");
      require(
          socketTimeout != null
              && (socketTimeout.isZero() || socketTimeout.compareTo(Duration.ofSeconds(1)) >= 0),
          "socketTimeout",
          socketTimeout,
          "must be zero (none) or at least 1s (pgjdbc counts whole seconds)");
      require(metrics != null, "metrics", null, "must not be null (use PghaMetrics.NOOP)");
      require(
          meterRegistry == null || isMeterRegistry(meterRegistry.getClass()),
          "meterRegistry",
          meterRegistry == null ? null : meterRegistry.getClass().getName(),
          "must be an io.micrometer.core.instrument.MeterRegistry");
      require(poolName != null && !poolName.isBlank(), "poolName", poolName, "must not be empty");
      return new PghaDataSourceConfig(this);
    }

    private void checkEtcdAccess() {
      require(
          (etcdUsername == null) == (etcdPassword == null),
          "etcdCredentials",
          etcdUsername == null ? "(no username)" : etcdUsername,
          "need both a username and a password");
      require(
          (etcdCertFile == null) == (etcdKeyFile == null),
          "etcdTls",
          etcdCertFile == null ? etcdKeyFile : etcdCertFile,
          "needs both a client certificate and its key");
      for (Path file : java.util.Arrays.asList(etcdCaFile, etcdCertFile, etcdKeyFile)) {
        require(
            file == null || (Files.isRegularFile(file) && Files.isReadable(file)),
            "etcdTls",
            file,
            "must be a readable file");
      }
      if (etcdCaFile != null || etcdCertFile != null) {
        for (String e : etcdEndpoints) {
          require(
              e.startsWith("https://"),
              "etcd",
              e,
              "must be https://host:port when TLS files are set");
        }
      }
    }

    /** By name, so that checking loads no Micrometer class. */
    private static boolean isMeterRegistry(Class<?> type) {
      for (Class<?> c = type; c != null; c = c.getSuperclass()) {
        if (c.getName().equals("io.micrometer.core.instrument.MeterRegistry")) {
          return true;
        }
      }
      return false;
    }

    private static void require(boolean ok, String key, Object value, String rule) {
      if (!ok) {
        throw new IllegalArgumentException("pgha: " + key + " (" + value + ") " + rule);
      }
    }
  }
}
