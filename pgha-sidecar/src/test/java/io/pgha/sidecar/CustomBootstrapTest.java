package io.pgha.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.sidecar.SidecarCluster.Member;
import io.pgha.testkit.PostgresInstall;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Patroni's custom bootstrap through the sidecar ({@code bootstrap.method} with its {@code
 * command}, {@code recovery_conf}), on real processes: a member of a new cluster is made from a
 * {@code pg_basebackup} of another cluster, whose superuser has another password, and leads it with
 * the passwords of its own file (set over the Unix-domain socket, as Patroni does); its {@code
 * post_bootstrap} script and {@code users} run after it.
 */
class CustomBootstrapTest {
  private static final Duration CONVERGE = Duration.ofSeconds(90);
  private static final String CLONE_PASSWORD = "clone-Superuser-Secret";
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private static SidecarCluster cluster;
  private static Path script;

  @BeforeAll
  static void startSource() throws Exception {
    cluster = new SidecarCluster(3);
    Member source = cluster.member("pg1");
    source.startInProcess();
    SidecarCluster.await(
        CONVERGE, "pg1 as primary", () -> Optional.of(source).filter(Member::isWritablePrimary));
    try (Connection c = source.connect();
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE from_source (v text)");
      s.execute("INSERT INTO from_source VALUES ('copied')");
    }
    // Patroni's arguments come last: --scope=<scope> --datadir=<data_dir>.
    script = cluster.workDir.resolve("clone.sh");
    Files.writeString(
        script,
        "#!/bin/sh\n"
            + "for a in \"$@\"; do case \"$a\" in\n"
            + "  --datadir=*) dir=\"${a#--datadir=}\";;\n"
            + "  --scope=*) scope=\"${a#--scope=}\";;\n"
            + "esac; done\n"
            + "echo \"$scope $1\" > \"$dir.args\"\n"
            + "PGPASSWORD='"
            + SidecarCluster.REPLICATION_PASSWORD
            + "' exec '"
            + PostgresInstall.locate().binary("pg_basebackup")
            + "' -D \"$dir\" -c fast -X stream -d 'host=127.0.0.1 port="
            + source.pgPort
            + " user=replicator'\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aCloneOfAnotherClusterLeadsItsOwnClusterWithItsOwnPasswords() throws Exception {
    Member clone = cluster.member("pg2");
    String scope = cluster.scope + "-clone";
    configureClone(clone, scope, "", "");
    // Patroni's post_bootstrap and users run after a custom bootstrap too, with the file's
    // passwords already set.
    Path postBootstrap = cluster.workDir.resolve("post-bootstrap.sh");
    Files.writeString(
        postBootstrap,
        "echo \"$1\" > "
            + clone.dir.resolve("post-bootstrap.arg")
            + "\n"
            + "exec psql \"$1\" -v ON_ERROR_STOP=1 -c 'CREATE TABLE made_by_post_bootstrap ()'\n");
    Files.writeString(
        clone.configFile,
        Files.readString(clone.configFile)
            .replace(
                "bootstrap:\n",
                "bootstrap:\n  post_bootstrap: sh "
                    + postBootstrap
                    + "\n  users:\n    app:\n      password: app-Secret\n"
                    + "      options: [createdb]\n"));

    clone.startInProcess();

    awaitLeader(clone);
    assertThat(Files.readString(clone.dir.resolve("data.args")).strip())
        .isEqualTo(scope + " first word");
    try (Connection c = connect(clone);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT v FROM from_source")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("copied");
      s.execute("INSERT INTO from_source VALUES ('written on the clone')");
    }
    assertThat(Files.readString(clone.dir.resolve("post-bootstrap.arg")).strip())
        .startsWith("dbname=postgres user=postgres host=127.0.0.1 port=" + clone.pgPort)
        .doesNotContain(CLONE_PASSWORD);
    try (Connection c = connect(clone);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT to_regclass('made_by_post_bootstrap') IS NOT NULL,"
                    + " (SELECT rolcreatedb AND rolcanlogin FROM pg_roles WHERE rolname = 'app')")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getBoolean(1)).as("the table post_bootstrap made").isTrue();
      assertThat(rs.getBoolean(2)).as("bootstrap.users.app with createdb and login").isTrue();
    }
    try (Connection app =
        DriverManager.getConnection(
            "jdbc:postgresql://127.0.0.1:" + clone.pgPort + "/postgres", "app", "app-Secret")) {
      assertThat(app.isValid(5)).isTrue();
    }
  }

  @Test
  void aRestoreWithRecoveryConfRecoversThenPromotesWithTheSourcesSettings() throws Exception {
    Member clone = cluster.member("pg3");
    String scope = cluster.scope + "-restore";
    // Fewer connections than the source had: PostgreSQL refuses to recover with that, so pgha
    // raises it for the recovery, as Patroni does.
    configureClone(
        clone,
        scope,
        "    recovery_conf:\n"
            + "      restore_command: 'false'\n"
            + "      recovery_target_action: promote\n"
            + "      recovery_target_timeline: latest\n",
        "max_connections: 30");

    clone.startInProcess();

    awaitLeader(clone);
    try (Connection c = connect(clone);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT (SELECT v FROM from_source), timeline_id FROM pg_control_checkpoint()")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("copied");
      // Archive recovery ends with a promotion to a new timeline; a plain start stays on 1.
      assertThat(rs.getInt(2)).isEqualTo(2);
    }
  }

  /**
   * Another scope, another superuser password, pg_hba with a local line, and the custom method;
   * {@code maxConnections} replaces the file's max_connections when not empty.
   */
  private static void configureClone(
      Member clone, String scope, String recoveryConf, String maxConnections) throws Exception {
    String yaml = Files.readString(clone.configFile);
    yaml =
        yaml.replace("scope: " + cluster.scope + "\n", "scope: " + scope + "\n")
            .replace(
                "      password: wrong-overridden-by-env\n",
                "      password: " + CLONE_PASSWORD + "\n")
            .replace(
                "      password: " + SidecarCluster.SUPERUSER_PASSWORD + "\n",
                "      password: " + CLONE_PASSWORD + "\n")
            .replace(
                "bootstrap:\n",
                "bootstrap:\n  method: clone\n  clone:\n    command: "
                    + script
                    + " 'first word' second\n"
                    + recoveryConf)
            .replace(
                "\npostgresql:\n",
                "\npostgresql:\n  pg_hba:\n"
                    + "    - local all all trust\n"
                    + "    - host all all 127.0.0.1/32 scram-sha-256\n"
                    + "    - host replication all 127.0.0.1/32 scram-sha-256\n");
    // The socket psql reaches the new cluster through, in a directory of the PostgreSQL user.
    yaml =
        yaml.replace(
            "    fsync: 'off'\n",
            "    fsync: 'off'\n    unix_socket_directories: " + clone.dir + "\n");
    if (!maxConnections.isEmpty()) {
      yaml = yaml.replace("max_connections: 40", maxConnections);
    }
    Files.writeString(clone.configFile, yaml);
  }

  private static void awaitLeader(Member m) throws InterruptedException {
    SidecarCluster.await(
        CONVERGE,
        m + " leading its cluster",
        () -> {
          try (Connection c = connect(m);
              Statement s = c.createStatement();
              ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
            boolean primary = rs.next() && !rs.getBoolean(1);
            // The leader key, not only a primary: a bootstrapping member runs PostgreSQL as a
            // primary (and says "master") while post_bootstrap still runs, before it takes the key.
            return primary
                    && get(m, "/patroni").contains("\"role\":\"master\"")
                    && get(m, "/cluster").contains("\"role\":\"leader\"")
                ? Optional.of(m)
                : Optional.empty();
          } catch (SQLException e) {
            return Optional.empty();
          }
        });
  }

  private static Connection connect(Member m) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", "postgres");
    p.setProperty("password", CLONE_PASSWORD);
    p.setProperty("connectTimeout", "3");
    p.setProperty("socketTimeout", "5");
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + m.pgPort + "/postgres", p);
  }

  private static String get(Member m, String path) {
    try {
      return HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + m.apiPort + path))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.ofString())
          .body();
    } catch (Exception e) {
      return "";
    }
  }
}
