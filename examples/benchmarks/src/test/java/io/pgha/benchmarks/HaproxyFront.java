package io.pgha.benchmarks;

import io.pgha.sidecar.HaproxyConfigCommand;
import io.pgha.testkit.LocalHaproxy;
import io.pgha.testkit.Testkit;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HAProxy with Pigsty's services in front of a cluster. The configuration is what the sidecar's
 * {@code haproxy-config} command writes from the members registered in etcd, so the benchmark
 * measures the same file an operator would deploy. When a member's HTTP API moved (a pgha member
 * restarted in-process gets a new port), {@link #refresh} writes the file again and restarts
 * HAProxy.
 */
final class HaproxyFront implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HaproxyFront.class);
  private static final Duration READY = Duration.ofSeconds(60);

  private final BenchCluster cluster;
  private final boolean fastChecks;
  final int primaryPort = Testkit.freePort();
  final int replicaPort = Testkit.freePort();
  private final int defaultPort = Testkit.freePort();
  private final int offlinePort = Testkit.freePort();
  private final Path dir = Testkit.newWorkDir("bench-haproxy");
  private List<String> apiUrls = List.of();
  private LocalHaproxy haproxy;

  /**
   * @param fastChecks whether the file is written with {@code --fast-checks}
   */
  HaproxyFront(BenchCluster cluster, boolean fastChecks) {
    this.cluster = cluster;
    this.fastChecks = fastChecks;
    refresh();
  }

  /**
   * Writes the configuration again and restarts HAProxy when a member's API moved; waits until the
   * primary service reaches the primary and the replica service a replica.
   *
   * @return whether HAProxy was (re)started
   */
  boolean refresh() {
    List<String> now = cluster.apiUrls();
    if (haproxy != null && now.equals(apiUrls)) {
      return false;
    }
    String config = generate();
    if (haproxy != null) {
      haproxy.close();
    }
    haproxy = LocalHaproxy.start(config, primaryPort);
    apiUrls = now;
    LOG.info(
        "haproxy started ({}): primary port {}, replica port {}",
        haproxy,
        primaryPort,
        replicaPort);
    // At start HAProxy deems every server up until its first check fails.
    if (!Waits.until(READY, () -> routes(primaryPort, false) && routes(replicaPort, true))) {
      throw new IllegalStateException(
          "haproxy did not route to the primary and a replica within "
              + READY
              + "; log:\n"
              + haproxy.logTail(40));
    }
    return true;
  }

  /** Whether five connections in a row through {@code port} land on a primary (or a replica). */
  private boolean routes(int port, boolean replica) {
    for (int i = 0; i < 5; i++) {
      Properties p = new Properties();
      p.setProperty("user", "postgres");
      if (cluster.password() != null) {
        p.setProperty("password", cluster.password());
      }
      p.setProperty("connectTimeout", "2");
      p.setProperty("socketTimeout", "5");
      try (Connection c =
              DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", p);
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("select pg_is_in_recovery()")) {
        if (!rs.next() || rs.getBoolean(1) != replica) {
          Waits.sleep(500);
          return false;
        }
      } catch (SQLException e) {
        Waits.sleep(500);
        return false;
      }
      Waits.sleep(200);
    }
    return true;
  }

  /**
   * The sidecar falls back to a one-member file when it cannot read etcd within its 3 s; on a busy
   * machine its first connection can take that long, so it gets a few tries.
   */
  private String generate() {
    IllegalStateException last = null;
    for (int attempt = 1; attempt <= 6; attempt++) {
      try {
        return generateOnce();
      } catch (IllegalStateException e) {
        LOG.warn(
            "haproxy-config attempt {} failed: {}",
            attempt,
            e.getMessage().lines().findFirst().orElse(""));
        last = e;
      }
    }
    throw last;
  }

  private String generateOnce() {
    String member = cluster.members().get(0);
    Path yaml = dir.resolve("reader.yml");
    String etcd = cluster.etcdEndpoints().get(0).replaceFirst("^https?://", "");
    String text =
        "scope: "
            + cluster.scope()
            + "\nnamespace: "
            + cluster.namespace()
            + "/\nname: "
            + member
            + "\nrestapi:\n  listen: 127.0.0.1:8008\n  connect_address: 127.0.0.1:8008\n"
            + "etcd3:\n  hosts: "
            + etcd
            + "\n  protocol: http\npostgresql:\n  listen: 127.0.0.1:"
            + cluster.pgPort(member)
            + "\n  connect_address: 127.0.0.1:"
            + cluster.pgPort(member)
            + "\n  data_dir: "
            + dir.resolve("unused-data")
            + "\n  authentication:\n    superuser:\n      username: postgres\n      password: unused"
            + "\n    replication:\n      username: replicator\n      password: unused\n";
    try {
      Files.writeString(yaml, text, StandardCharsets.UTF_8);
      HaproxyConfigCommand.Result r =
          HaproxyConfigCommand.run(
              "127.0.0.1",
              List.of(primaryPort, replicaPort, defaultPort, offlinePort),
              fastChecks,
              yaml);
      String config = r.out();
      if (r.status() != 0 || !config.contains("members read from etcd")) {
        throw new IllegalStateException(
            "pgha-sidecar haproxy-config did not read the members from etcd (exit "
                + r.status()
                + "): "
                + config.lines().filter(l -> l.startsWith("# written")).findFirst().orElse("")
                + "\n"
                + r.err());
      }
      return config;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    if (haproxy != null) {
      haproxy.close();
    }
  }
}
