package io.pgha.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.sidecar.SidecarCluster.Member;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Patroni's {@code PATRONI_<username>_PASSWORD} and {@code _OPTIONS} in the sidecar's own
 * environment: the roles are created when the cluster bootstraps, the variable winning over the
 * file's user of the same name, and neither the bootstrap script nor the log sees the passwords.
 */
class EnvironmentBootstrapUsersTest {
  private static final String APP_PASSWORD = "app-Env-Secret";
  private static final String REPORTER_PASSWORD = "reporter-Env-Secret";

  @Test
  void usersFromTheEnvironmentAreCreatedAndNoChildSeesTheirPasswords() throws Exception {
    try (SidecarCluster cluster = new SidecarCluster(1)) {
      Member m = cluster.member("pg1");
      Path seen = m.dir.resolve("post-bootstrap.env");
      Path script = cluster.workDir.resolve("post-bootstrap.sh");
      Files.writeString(script, "env > " + seen + "\n");
      Files.writeString(
          m.configFile,
          Files.readString(m.configFile)
              .replace(
                  "bootstrap:\n",
                  "bootstrap:\n  post_bootstrap: sh "
                      + script
                      + "\n  users:\n    app:\n      password: file-Secret\n"
                      + "      options: [nologin]\n"));

      m.startAsProcess(
          Map.of(
              "PATRONI_app_PASSWORD", APP_PASSWORD,
              "PATRONI_app_OPTIONS", "createdb",
              "PATRONI_reporter_PASSWORD", REPORTER_PASSWORD));

      // The roles are created after the script, before the member takes the leader key.
      boolean[] app =
          SidecarCluster.await(
              Duration.ofSeconds(90),
              "roles app and reporter",
              () -> {
                try (Connection c = m.connect();
                    Statement s = c.createStatement();
                    ResultSet rs =
                        s.executeQuery(
                            "SELECT rolcreatedb, rolcanlogin,"
                                + " (SELECT rolcanlogin FROM pg_roles WHERE rolname = 'reporter')"
                                + " FROM pg_roles WHERE rolname = 'app'")) {
                  return rs.next() && rs.getObject(3) != null
                      ? Optional.of(new boolean[] {rs.getBoolean(1), rs.getBoolean(2)})
                      : Optional.empty();
                } catch (SQLException e) {
                  return Optional.empty();
                }
              });
      assertThat(app)
          .as("app: the variable's createdb, not the file's nologin")
          .containsExactly(true, true);
      for (Map.Entry<String, String> role :
          Map.of("app", APP_PASSWORD, "reporter", REPORTER_PASSWORD).entrySet()) {
        try (Connection c =
            DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + m.pgPort + "/postgres",
                role.getKey(),
                role.getValue())) {
          assertThat(c.isValid(5))
              .as(role.getKey() + " logs in with the variable's password")
              .isTrue();
        }
      }
      assertThat(Files.readString(seen))
          .as("the bootstrap script's environment")
          .contains("PATH=")
          .doesNotContain(APP_PASSWORD, REPORTER_PASSWORD, "PATRONI_");
      assertThat(Files.readString(m.dir.resolve("sidecar.log")))
          .doesNotContain(APP_PASSWORD, REPORTER_PASSWORD);
    }
  }
}
