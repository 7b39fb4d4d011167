package io.pgha.sidecar;

import io.pgha.testkit.LocalEtcd;
import io.pgha.testkit.OsUser;
import io.pgha.testkit.ProcessTracker;
import io.pgha.testkit.Testkit;
import io.pgha.testkit.TrackedProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Three pgha members run by the sidecar from Patroni configuration files, on one real etcd and real
 * PostgreSQL servers. Members run in this JVM ({@link Sidecar#run}) or as a separate {@code java}
 * process running {@link Sidecar#main} (to send it a real SIGTERM).
 */
final class SidecarCluster implements AutoCloseable {
  static final String SUPERUSER_PASSWORD = "sidecar-Superuser-Secret";
  static final String REPLICATION_PASSWORD = "sidecar-Replication-Secret";
  static final String NAMESPACE = "/pg";
  static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** One member: its file and what runs it now. */
  final class Member {
    final String name;
    final int pgPort;
    final int apiPort;
    final Path dir;
    final Path configFile;
    Sidecar inProcess;
    Process child;
    TrackedProcess tracked;

    Member(String name, int pgPort, int apiPort, Path dir, Path configFile) {
      this.name = name;
      this.pgPort = pgPort;
      this.apiPort = apiPort;
      this.dir = dir;
      this.configFile = configFile;
    }

    /** Runs the member in this JVM, as {@code java -jar pgha-sidecar.jar <file>} would. */
    void startInProcess() {
      inProcess = Sidecar.run(Sidecar.readConfig(configFile, Map.of()));
    }

    /**
     * Runs the member as its own JVM: {@code java io.pgha.sidecar.Sidecar <file>}, with the
     * superuser password given through {@code PATRONI_SUPERUSER_PASSWORD} (the file has a wrong
     * one), as operators keep secrets out of files.
     */
    void startAsProcess() throws IOException {
      startAsProcess(Map.of());
    }

    /** {@link #startAsProcess()} with more variables in the child JVM's environment. */
    void startAsProcess(Map<String, String> environment) throws IOException {
      Path log = dir.resolve("sidecar.log");
      ProcessBuilder b =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-cp",
                  System.getProperty("java.class.path"),
                  Sidecar.class.getName(),
                  configFile.toString())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      b.environment().put("PATRONI_SUPERUSER_PASSWORD", SUPERUSER_PASSWORD);
      b.environment().putAll(environment);
      child = b.start();
      tracked = ProcessTracker.adopt(name + "-sidecar", child.pid(), log);
    }

    /** SIGTERM to the child JVM; its exit status, once it has exited (at most 60 s). */
    int terminate() throws InterruptedException {
      child.destroy();
      if (!child.waitFor(60, TimeUnit.SECONDS)) {
        child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError(name + ": the sidecar did not exit within 60 s of SIGTERM");
      }
      return child.exitValue();
    }

    void stop() {
      if (inProcess != null) {
        inProcess.close();
        inProcess = null;
      }
      if (child != null && child.isAlive()) {
        child.destroy();
        try {
          if (!child.waitFor(60, TimeUnit.SECONDS)) {
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      if (tracked != null && tracked.isAlive()) {
        tracked.kill();
      }
    }

    Connection connect() throws SQLException {
      return SidecarCluster.connect(pgPort);
    }

    boolean isWritablePrimary() {
      return inRecovery().map(r -> !r).orElse(false);
    }

    boolean isStreamingReplica() {
      try (Connection c = connect();
          Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "SELECT pg_is_in_recovery(), (SELECT status FROM pg_stat_wal_receiver)")) {
        return rs.next() && rs.getBoolean(1) && "streaming".equals(rs.getString(2));
      } catch (SQLException e) {
        return false;
      }
    }

    Optional<Boolean> inRecovery() {
      try (Connection c = connect();
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
        return rs.next() ? Optional.of(rs.getBoolean(1)) : Optional.empty();
      } catch (SQLException e) {
        return Optional.empty();
      }
    }

    void killPostmaster() {
      try {
        Path pidFile = dir.resolve("data").resolve("postmaster.pid");
        if (Files.exists(pidFile)) {
          long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
          ProcessTracker.adopt(name + "-postmaster", pid, dir.resolve("data.log")).kill();
        }
      } catch (IOException | RuntimeException e) {
        // nothing left to kill
      }
    }

    @Override
    public String toString() {
      return name;
    }
  }

  final LocalEtcd etcd;
  final String scope;
  final Path workDir;
  final List<Member> members = new ArrayList<>();

  SidecarCluster(int size) throws IOException {
    this(size, name -> "", name -> "watchdog:\n  mode: off\n");
  }

  /**
   * A cluster whose members' files have more: {@code postgresqlKeys} gives lines for the {@code
   * postgresql} section of a member (by name), {@code watchdogSection} its {@code watchdog}
   * section.
   */
  SidecarCluster(
      int size, Function<String, String> postgresqlKeys, Function<String, String> watchdogSection)
      throws IOException {
    workDir = Testkit.newWorkDir("sidecar");
    scope = "sc-" + workDir.getFileName().toString().replaceAll("[^A-Za-z0-9]", "").substring(0, 8);
    etcd = LocalEtcd.start(1);
    OsUser os = OsUser.forPostgres();
    for (int i = 1; i <= size; i++) {
      String name = "pg" + i;
      Path dir = os.createOwnedDirectory(workDir.resolve(name));
      int pgPort = Testkit.freePort();
      int apiPort = Testkit.freePort();
      Path file = workDir.resolve(name + ".yml");
      Files.writeString(
          file,
          patroniYaml(name, pgPort, apiPort, dir, os)
              .replace("  parameters:\n", postgresqlKeys.apply(name) + "  parameters:\n")
              .replace("watchdog:\n  mode: off\n", watchdogSection.apply(name)));
      members.add(new Member(name, pgPort, apiPort, dir, file));
    }
  }

  /** A Patroni node configuration, in Patroni's own keys (plus pgha's run_as_user for root). */
  private String patroniYaml(String name, int pgPort, int apiPort, Path dir, OsUser os) {
    return "scope: "
        + scope
        + "\nnamespace: "
        + NAMESPACE
        + "/\nname: "
        + name
        + "\nrestapi:\n  listen: 127.0.0.1:"
        + apiPort
        + "\n  connect_address: 127.0.0.1:"
        + apiPort
        + "\netcd3:\n  hosts: "
        + etcdHostPort()
        + "\n  protocol: http\n"
        + "bootstrap:\n"
        + "  dcs:\n"
        + "    ttl: 10\n"
        + "    loop_wait: 1\n"
        + "    retry_timeout: 2\n"
        + "    maximum_lag_on_failover: 1048576\n"
        + "    primary_start_timeout: 10\n"
        + "    postgresql:\n"
        + "      use_pg_rewind: true\n"
        + "      use_slots: true\n"
        + "  initdb:\n"
        + "    - encoding: UTF8\n"
        + "    - data-checksums\n"
        + "    - no-sync\n"
        + "postgresql:\n"
        + "  listen: 127.0.0.1:"
        + pgPort
        + "\n  connect_address: 127.0.0.1:"
        + pgPort
        + "\n  data_dir: "
        + dir.resolve("data")
        + "\n  remove_data_directory_on_rewind_failure: true\n"
        + "  authentication:\n"
        + "    superuser:\n"
        + "      username: postgres\n"
        + "      password: "
        + (name.equals("pg3") ? "wrong-overridden-by-env" : SUPERUSER_PASSWORD)
        + "\n    replication:\n"
        + "      username: replicator\n"
        + "      password: "
        + REPLICATION_PASSWORD
        + "\n  parameters:\n"
        + "    fsync: 'off'\n"
        + "    shared_buffers: 16MB\n"
        + "    max_connections: 40\n"
        + "    wal_keep_size: 64MB\n"
        + "tags:\n"
        + "  nofailover: false\n"
        + "  noloadbalance: false\n"
        + "watchdog:\n"
        + "  mode: off\n"
        + (os.needsSwitch() ? "pgha:\n  run_as_user: " + os.name() + "\n" : "");
  }

  String etcdHostPort() {
    return etcd.clientEndpoints().get(0).replace("http://", "");
  }

  Member member(String name) {
    return members.stream().filter(m -> m.name.equals(name)).findFirst().orElseThrow();
  }

  /** The one writable primary whose peers all stream, within {@code timeout}. */
  Member awaitHealthy(Duration timeout) throws InterruptedException {
    return await(
        timeout,
        "one primary and streaming replicas",
        () -> {
          List<Member> primaries = members.stream().filter(Member::isWritablePrimary).toList();
          if (primaries.size() != 1) {
            return Optional.empty();
          }
          Member p = primaries.get(0);
          boolean streaming =
              members.stream().filter(m -> m != p).allMatch(Member::isStreamingReplica);
          return streaming ? Optional.of(p) : Optional.empty();
        });
  }

  /** Polls {@code probe} every 200 ms until it yields a value, at most {@code timeout}. */
  static <T> T await(Duration timeout, String what, java.util.function.Supplier<Optional<T>> probe)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Optional<T> v = probe.get();
      if (v.isPresent()) {
        return v.get();
      }
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("no " + what + " within " + timeout);
      }
      Thread.sleep(200);
    }
  }

  /** {@code PATCH /config} with {@code json} through {@code m}'s REST API; asserts 200. */
  static void patchConfig(Member m, String json) throws IOException, InterruptedException {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + m.apiPort + "/config"))
                .timeout(Duration.ofSeconds(10))
                .method("PATCH", HttpRequest.BodyPublishers.ofString(json))
                .header("Content-Type", "application/json")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new AssertionError("PATCH /config " + json + ": " + r.statusCode() + " " + r.body());
    }
  }

  static Connection connect(int port) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", "postgres");
    p.setProperty("password", SUPERUSER_PASSWORD);
    p.setProperty("connectTimeout", "3");
    p.setProperty("socketTimeout", "5");
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", p);
  }

  @Override
  public void close() {
    // Replicas first, so that the leader is not handed from one member to the next.
    List<Member> order = new ArrayList<>(members);
    order.sort((a, b) -> Boolean.compare(a.isWritablePrimary(), b.isWritablePrimary()));
    for (Member m : order) {
      try {
        m.stop();
      } catch (RuntimeException e) {
        // the kill below
      }
      m.killPostmaster();
    }
    etcd.close();
  }
}
