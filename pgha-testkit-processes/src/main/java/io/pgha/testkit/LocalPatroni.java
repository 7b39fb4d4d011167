package io.pgha.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node of a real Patroni cluster (the Debian package's {@code /usr/bin/patroni}, 3.x), run as
 * the unprivileged PostgreSQL user, with free ports on 127.0.0.1 and its own work directory
 * (config, data directory, {@code patroni.log}). Patroni itself starts, promotes and demotes its
 * PostgreSQL server; this class only starts and stops Patroni, and kills the "host" (Patroni and
 * its postmaster) to simulate a host failure.
 *
 * <pre>{@code
 * LocalPatroni node = LocalPatroni.builder("pg-test", "n1", etcd.clientEndpoints()).start();
 * }</pre>
 *
 * <p>Timings default to a fast profile (ttl 8 s, loop_wait 1 s, retry_timeout 3 s) so failovers in
 * tests take seconds. {@link LocalPatroniCluster} starts several nodes and waits until they are
 * healthy.
 */
public final class LocalPatroni implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LocalPatroni.class);
  private static final String PATRONI = "/usr/bin/patroni";
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

  private final String scope;
  private final String name;
  private final String namespace;
  private final int port;
  private final int apiPort;
  private final Path workDir;
  private final Path socketDir;
  private final Path dataDir;
  private final Path configFile;
  private final Path logFile;
  private final OsUser user;
  private volatile ManagedProcess process;
  private TrackedProcess trackedPostmaster;

  /** Set by {@link #freezeHost()}, cleared by {@link #thaw()} (and by a kill). */
  private boolean frozen;

  private LocalPatroni(Builder b) {
    this.scope = b.scope;
    this.name = b.name;
    this.namespace = b.namespace;
    this.user = OsUser.forPostgres();
    this.port = Ports.free();
    this.apiPort = Ports.free();
    this.workDir =
        user.createOwnedDirectory(Testkit.newWorkDir("patroni-" + b.name).resolve("node"));
    this.socketDir = SocketDirectory.choose(workDir.resolve("run"), user);
    this.dataDir = workDir.resolve("data");
    this.configFile = workDir.resolve("patroni.yml");
    this.logFile = workDir.resolve("patroni.log");
    writeConfig(b);
  }

  /**
   * A builder for one node.
   *
   * @param scope the cluster name (Patroni's {@code scope})
   * @param name this node's name
   * @param etcdEndpoints etcd client URLs ({@code http://127.0.0.1:PORT})
   */
  public static Builder builder(String scope, String name, List<String> etcdEndpoints) {
    return new Builder(scope, name, etcdEndpoints);
  }

  /** Starts Patroni (again) on the same configuration and data directory. Does not wait. */
  public synchronized LocalPatroni start() {
    if (isRunning()) {
      throw new IllegalStateException(
          "patroni " + name + " is already running (pid " + pid() + ")");
    }
    if (!Files.isExecutable(Path.of(PATRONI))) {
      throw new IllegalStateException(
          PATRONI + " not found: install the Debian package 'patroni' (3.x) to run node " + name);
    }
    killPostmaster(); // a postmaster orphaned by an earlier kill must not hold the data directory
    process =
        ManagedProcess.start(
            workDir.getParent().getFileName() + "/patroni",
            user.wrap(List.of(PATRONI, configFile.toString())),
            logFile);
    LOG.info(
        "patroni {} started: pid {}, postgres 127.0.0.1:{}, api {}, log {}",
        name,
        process.pid(),
        port,
        apiUrl(),
        logFile);
    return this;
  }

  /** Stops Patroni with SIGTERM (it stops PostgreSQL and releases the leader key) and waits. */
  public synchronized void stop() {
    thaw();
    ManagedProcess current = process;
    if (current == null) {
      return;
    }
    current.stop("TERM", STOP_TIMEOUT);
    Poll.until(Duration.ofSeconds(10), () -> postmaster().isEmpty());
    killPostmaster();
    process = null;
  }

  /**
   * Simulates a host failure: SIGKILL to Patroni and to its postmaster with all its backends. The
   * leader key stays in etcd until its TTL runs out.
   */
  public synchronized void kill() {
    ManagedProcess current = process;
    trackPostmaster();
    if (current != null) {
      current.kill();
    }
    killPostmaster();
    process = null;
    frozen = false; // SIGKILL ends stopped processes too
    LOG.info("patroni {} and its postmaster killed (SIGKILL)", name);
  }

  /**
   * Simulates a hung host: SIGSTOP to Patroni with everything it forked, then to its postmaster and
   * every backend. Sockets stay open and nothing answers; the leader key stays in etcd until its
   * TTL runs out. Undo with {@link #thaw()}; {@link #stop()}, {@link #close()} and a cluster's
   * close thaw a frozen node first.
   *
   * @throws IllegalStateException when Patroni does not run
   */
  public synchronized void freezeHost() {
    ManagedProcess current = process;
    if (current == null || !current.isAlive()) {
      throw new IllegalStateException("patroni " + name + " does not run");
    }
    // Patroni first: it must not see its PostgreSQL stop answering and act on it.
    current.pause();
    frozen = true;
    trackPostmaster();
    if (trackedPostmaster != null && trackedPostmaster.isAlive()) {
      trackedPostmaster.pause();
    }
    LOG.info("patroni {} and its postmaster frozen (SIGSTOP)", name);
  }

  /**
   * SIGCONT to the postmaster with its backends and to Patroni, undoing {@link #freezeHost()}. Does
   * nothing when nothing is frozen; safe to call twice.
   */
  public synchronized void thaw() {
    if (!frozen) {
      return;
    }
    if (trackedPostmaster != null) {
      trackedPostmaster.resume();
    }
    ManagedProcess current = process;
    if (current != null && current.isAlive()) {
      current.resume();
    }
    frozen = false;
    LOG.info("patroni {} and its postmaster thawed (SIGCONT)", name);
  }

  /** Whether {@link #freezeHost()} froze this node and {@link #thaw()} did not undo it yet. */
  public synchronized boolean isFrozen() {
    return frozen;
  }

  /** Stops the node; keeps the work directory for diagnosis. */
  @Override
  public synchronized void close() {
    try {
      stop();
    } finally {
      killPostmaster();
      SocketDirectory.release(socketDir, workDir);
    }
  }

  /**
   * Records the running postmaster with the kit's {@link ProcessTracker}. Patroni starts it in a
   * session of its own, outside the process tree the kit tracks, so without this a test that ends
   * early would leave it running. {@link LocalPatroniCluster} calls it whenever it waits.
   */
  public synchronized void trackPostmaster() {
    Optional<ProcessHandle> postmaster = postmaster();
    if (postmaster.isPresent()
        && (trackedPostmaster == null || trackedPostmaster.pid() != postmaster.get().pid())) {
      try {
        trackedPostmaster =
            ProcessTracker.adopt(name + "/postmaster", postmaster.get().pid(), logFile);
      } catch (IllegalArgumentException e) {
        // it exited in between: nothing to track
      }
    }
  }

  private synchronized void killPostmaster() {
    trackPostmaster();
    if (trackedPostmaster != null) {
      trackedPostmaster.kill();
    }
  }

  /** True while the Patroni process is alive. */
  public boolean isRunning() {
    ManagedProcess current = process;
    return current != null && current.isAlive();
  }

  /** The PID of Patroni, or -1 when it is not running. */
  public long pid() {
    ManagedProcess current = process;
    return current == null ? -1 : current.pid();
  }

  /** The postmaster, from {@code postmaster.pid}, if PostgreSQL runs. */
  public Optional<ProcessHandle> postmaster() {
    Path pidFile = dataDir.resolve("postmaster.pid");
    try {
      if (!Files.exists(pidFile)) {
        return Optional.empty();
      }
      String first = Files.readAllLines(pidFile, StandardCharsets.UTF_8).get(0).trim();
      return ProcessHandle.of(Long.parseLong(first))
          .filter(ProcessHandle::isAlive)
          .filter(h -> h.info().command().map(c -> c.endsWith("postgres")).orElse(false));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The node name. */
  public String name() {
    return name;
  }

  /** The cluster name. */
  public String scope() {
    return scope;
  }

  /** The etcd namespace, with the trailing slash ({@code /service/}). */
  public String namespace() {
    return namespace;
  }

  public String host() {
    return "127.0.0.1";
  }

  /** The PostgreSQL port. */
  public int port() {
    return port;
  }

  /** The REST API port. */
  public int apiPort() {
    return apiPort;
  }

  /** The REST API root, {@code http://127.0.0.1:PORT}. */
  public String apiUrl() {
    return "http://127.0.0.1:" + apiPort;
  }

  /** {@code jdbc:postgresql://127.0.0.1:PORT/postgres}. */
  public String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
  }

  public Path workDir() {
    return workDir;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** Patroni's YAML configuration, usable with {@code patronictl -c}. */
  public Path configFile() {
    return configFile;
  }

  public Path logFile() {
    return logFile;
  }

  /** A connection as the superuser {@code postgres} (trust on 127.0.0.1), with short timeouts. */
  public Connection connect() throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", "postgres");
    p.setProperty("connectTimeout", "2");
    p.setProperty("socketTimeout", "10");
    return DriverManager.getConnection(jdbcUrl(), p);
  }

  /**
   * The HTTP status of {@code GET <path>} on this node's API, or -1 when it does not answer. Health
   * paths answer 200 when the node matches ({@code /primary}, {@code /replica}, {@code /health}).
   */
  public int apiStatus(String path) {
    return http("GET", path, null).status();
  }

  /** The body of {@code GET <path>} on this node's API, or empty when it does not answer. */
  public Optional<String> apiGet(String path) {
    HttpResult r = http("GET", path, null);
    return r.status() < 0 ? Optional.empty() : Optional.of(r.body());
  }

  /** The status and body of an HTTP call to this node's API. */
  public record HttpResult(int status, String body) {}

  /** Calls this node's API; status -1 when it does not answer. */
  public HttpResult http(String method, String path, String jsonBody) {
    HttpRequest.Builder rb =
        HttpRequest.newBuilder(URI.create(apiUrl() + path)).timeout(Duration.ofSeconds(10));
    if (jsonBody == null) {
      rb.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      rb.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(jsonBody));
    }
    try {
      HttpResponse<String> response =
          HttpHolder.CLIENT.send(rb.build(), HttpResponse.BodyHandlers.ofString());
      return new HttpResult(response.statusCode(), response.body());
    } catch (IOException e) {
      return new HttpResult(-1, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new HttpResult(-1, "interrupted");
    }
  }

  private static final class HttpHolder {
    static final HttpClient CLIENT =
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  }

  @Override
  public String toString() {
    return "LocalPatroni{" + name + ", postgres 127.0.0.1:" + port + ", api " + apiPort + "}";
  }

  private void writeConfig(Builder b) {
    Map<String, String> parameters = new LinkedHashMap<>();
    parameters.put("wal_level", "replica");
    parameters.put("hot_standby", "'on'");
    parameters.put("max_connections", "100");
    parameters.put("max_wal_senders", "10");
    parameters.put("max_replication_slots", "10");
    parameters.put("wal_log_hints", "'on'");
    parameters.put("wal_keep_size", "64MB");
    parameters.put("shared_buffers", "16MB");
    // Tests kill processes, never the machine: the OS page cache survives, so fsync buys nothing.
    parameters.put("fsync", "'off'");
    parameters.putAll(b.parameters);
    String tags =
        b.tags.isEmpty()
            ? "  nofailover: false\n  noloadbalance: false\n"
            : b.tags.entrySet().stream()
                .map(e -> "  " + e.getKey() + ": " + e.getValue() + "\n")
                .collect(Collectors.joining());
    String yaml =
        "scope: "
            + scope
            + "\nnamespace: "
            + namespace
            + "\nname: "
            + name
            + "\n\nlog:\n  level: INFO\n\nrestapi:\n  listen: 127.0.0.1:"
            + apiPort
            + "\n  connect_address: 127.0.0.1:"
            + apiPort
            + "\n\netcd3:\n  hosts: "
            + b.etcdEndpoints.stream()
                .map(e -> e.replaceFirst("^https?://", ""))
                .collect(Collectors.joining(","))
            + "\n  protocol: http\n"
            // One address that is a proxy (a FaultProxy): Patroni must not discover and bypass it.
            + (b.useProxies ? "  use_proxies: true\n" : "")
            + "\nbootstrap:\n  dcs:\n    ttl: "
            + b.ttl
            + "\n    loop_wait: "
            + b.loopWait
            + "\n    retry_timeout: "
            + b.retryTimeout
            + "\n    primary_start_timeout: "
            + b.retryTimeout
            + "\n    maximum_lag_on_failover: 1048576\n    synchronous_mode: "
            + b.synchronousMode
            // Every replica synchronous: Patroni 3.0.2 lets an asynchronous replica that received
            // more WAL stop the only synchronous standby from promoting ("not the healthiest
            // node"), and then nobody promotes.
            + (b.synchronousMode ? "\n    synchronous_node_count: 2" : "")
            + "\n    postgresql:\n      use_pg_rewind: true\n"
            + "      use_slots: true\n      parameters:\n"
            + parameters.entrySet().stream()
                .map(e -> "        " + e.getKey() + ": " + e.getValue() + "\n")
                .collect(Collectors.joining())
            + "  initdb:\n    - encoding: UTF8\n    - locale: C\n\npostgresql:\n  listen: 127.0.0.1:"
            + port
            + "\n  connect_address: 127.0.0.1:"
            + port
            + "\n  data_dir: "
            + dataDir
            + "\n  bin_dir: "
            + postgresBinDir()
            + "\n  pgpass: "
            + workDir.resolve("pgpass")
            + "\n  authentication:\n    superuser: {username: postgres, password: postgres}\n"
            + "    replication: {username: replicator, password: replicator}\n"
            + "    rewind: {username: postgres, password: postgres}\n  parameters:\n"
            + "    unix_socket_directories: '"
            + socketDir
            + "'\n    logging_collector: 'off'\n  pg_hba:\n    - local all all trust\n"
            + "    - host all all 127.0.0.1/32 trust\n"
            + "    - host replication replicator 127.0.0.1/32 trust\n\ntags:\n"
            + tags;
    try {
      Files.writeString(configFile, yaml, StandardCharsets.UTF_8);
      if (user.needsSwitch()) {
        Files.setAttribute(
            configFile,
            "posix:owner",
            configFile
                .getFileSystem()
                .getUserPrincipalLookupService()
                .lookupPrincipalByName(user.name()));
      }
      Files.setPosixFilePermissions(configFile, PosixFilePermissions.fromString("rw-------"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + configFile, e);
    }
  }

  /**
   * The directory that really holds the PostgreSQL binaries. The kit may find them through PATH
   * symlinks (e.g. /usr/local/bin with only initdb, pg_ctl, postgres), but Patroni also runs
   * pg_controldata, pg_basebackup and pg_rewind from the same directory.
   */
  private static Path postgresBinDir() {
    Path postgres = PostgresInstall.locate().binary("postgres");
    try {
      return postgres.toRealPath().getParent();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot resolve " + postgres, e);
    }
  }

  /** Builds a {@link LocalPatroni}. */
  public static final class Builder {
    private final String scope;
    private final String name;
    private List<String> etcdEndpoints;
    private boolean useProxies;
    private String namespace = "/service/";
    private int ttl = 8;
    private int loopWait = 1;
    private int retryTimeout = 3;
    private boolean synchronousMode;
    private final Map<String, String> parameters = new LinkedHashMap<>();
    private final Map<String, String> tags = new LinkedHashMap<>();

    private Builder(String scope, String name, List<String> etcdEndpoints) {
      this.scope = requireName("scope", scope);
      this.name = requireName("name", name);
      if (etcdEndpoints == null || etcdEndpoints.isEmpty()) {
        throw new IllegalArgumentException(
            "etcdEndpoints (" + etcdEndpoints + ") must not be empty");
      }
      this.etcdEndpoints = List.copyOf(etcdEndpoints);
    }

    private static String requireName(String key, String value) {
      if (value == null || !value.matches("[A-Za-z0-9_.-]+")) {
        throw new IllegalArgumentException(
            key + " (" + value + ") must be letters, digits, '.', '_' or '-'");
      }
      return value;
    }

    /** This node's name, for a customizer that treats nodes differently. */
    public String name() {
      return name;
    }

    /**
     * Makes this node reach etcd only through {@code proxyEndpoints} (e.g. its own {@link
     * FaultProxy}), with Patroni's {@code use_proxies}: it does not discover etcd's members and so
     * cannot go around the proxy when a test cuts it.
     */
    public Builder etcdThroughProxies(List<String> proxyEndpoints) {
      if (proxyEndpoints == null || proxyEndpoints.isEmpty()) {
        throw new IllegalArgumentException(
            "proxyEndpoints (" + proxyEndpoints + ") must not be empty");
      }
      etcdEndpoints = List.copyOf(proxyEndpoints);
      useProxies = true;
      return this;
    }

    /** The etcd namespace; default {@code /service/}. */
    public Builder namespace(String value) {
      Objects.requireNonNull(value, "namespace");
      namespace = value.endsWith("/") ? value : value + "/";
      return this;
    }

    /**
     * Patroni's timings, bootstrap only (the first node to initialise the cluster writes them).
     *
     * @throws IllegalArgumentException unless {@code loop_wait + 2 * retry_timeout <= ttl}
     */
    public Builder timings(int ttlSeconds, int loopWaitSeconds, int retryTimeoutSeconds) {
      if (loopWaitSeconds < 1
          || retryTimeoutSeconds < 1
          || loopWaitSeconds + 2 * retryTimeoutSeconds > ttlSeconds) {
        throw new IllegalArgumentException(
            "ttl ("
                + ttlSeconds
                + "s) must be at least loop_wait + 2 * retry_timeout ("
                + loopWaitSeconds
                + "s + 2 * "
                + retryTimeoutSeconds
                + "s), each at least 1s");
      }
      ttl = ttlSeconds;
      loopWait = loopWaitSeconds;
      retryTimeout = retryTimeoutSeconds;
      return this;
    }

    /**
     * Patroni's {@code synchronous_mode} (bootstrap only): commits wait for a synchronous standby
     * and only that standby may be promoted, so a failover loses no acknowledged commit.
     */
    public Builder synchronousMode(boolean value) {
      synchronousMode = value;
      return this;
    }

    /** A PostgreSQL parameter in the bootstrap configuration (quote values YAML would mangle). */
    public Builder parameter(String key, String value) {
      parameters.put(key, value);
      return this;
    }

    /** A Patroni tag ({@code noloadbalance: true}, {@code nofailover: true}, ...). */
    public Builder tag(String key, String value) {
      tags.put(key, value);
      return this;
    }

    /** Writes the configuration and starts Patroni; does not wait for PostgreSQL. */
    public LocalPatroni start() {
      return new LocalPatroni(this).start();
    }
  }
}
