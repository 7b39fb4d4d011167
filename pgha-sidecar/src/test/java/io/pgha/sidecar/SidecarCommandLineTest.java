package io.pgha.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pgha.testkit.LocalHaproxy;
import io.pgha.testkit.Testkit;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sub-commands, their output and their exit status. */
class SidecarCommandLineTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return Sidecar.execute(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8),
        Map.of(),
        false);
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  private static Path file(Path dir, String text) throws Exception {
    Path f = dir.resolve("patroni.yml");
    Files.writeString(f, text);
    return f;
  }

  private static String config(int etcdPort) {
    return "scope: demo\n"
        + "namespace: /pg\n"
        + "name: m1\n"
        + "restapi:\n  listen: 127.0.0.1:8008\n"
        + "etcd3:\n  hosts: 127.0.0.1:"
        + etcdPort
        + "\n"
        + "postgresql:\n"
        + "  listen: 127.0.0.1:5432\n"
        + "  data_dir: /var/lib/pg/data\n"
        + "  authentication:\n"
        + "    superuser: {username: postgres, password: su-secret}\n"
        + "    replication: {username: replicator, password: repl-secret}\n"
        + "  use_unix_socket: true\n";
  }

  @Test
  void validateAcceptsAGoodFileAndPrintsItsWarnings(@TempDir Path dir) throws Exception {
    assertThat(run("validate", file(dir, config(2379)).toString())).isZero();
    assertThat(out()).contains("OK: member m1 of cluster demo at /pg/demo/ (1 warnings)");
    assertThat(err()).contains("warning: line 14: postgresql.use_unix_socket is ignored");
  }

  @Test
  void validateExitsWithStatus2OnAMalformedFile(@TempDir Path dir) throws Exception {
    Path f = file(dir, "scope: demo\nname: m1\netcd3:\n  hosts: [127.0.0.1:2379\n");
    assertThat(run("validate", f.toString())).isEqualTo(2);
    assertThat(err()).contains(f.toString()).contains("line 5").contains("not valid YAML");
    assertThat(out()).isEmpty();
  }

  @Test
  void aMissingFileOrABadCommandLineExitsWith2(@TempDir Path dir) {
    assertThat(run("validate", dir.resolve("nope.yml").toString())).isEqualTo(2);
    assertThat(err()).contains("nope.yml: cannot use this configuration").contains("no such file");
    assertThat(run()).isEqualTo(2);
    assertThat(run("validate")).isEqualTo(2);
    assertThat(err()).contains("Usage: pgha-sidecar");
    assertThat(run("validate", "a.yml", "b.yml")).isEqualTo(2);
    assertThat(err()).contains("Unmatched argument");
    assertThat(run("--no-such-option")).isEqualTo(2);
    assertThat(err()).contains("Unknown option: '--no-such-option'");
  }

  @Test
  void helpListsTheCommandsAndTheExitStatuses() {
    assertThat(run("--help")).isZero();
    assertThat(out())
        .contains("Usage: pgha-sidecar [-hV] [<patroni.yml>] [COMMAND]")
        .contains("validate")
        .contains("haproxy-config")
        .contains("Exit status:")
        .containsPattern("\\n  1 +the member could not start")
        .containsPattern("\\n  2 +the configuration file is unusable")
        .containsPattern("\\n  143 +a running member stopped by SIGTERM");
    assertThat(err()).isEmpty();
  }

  @Test
  void eachCommandHasItsHelp() {
    assertThat(run("haproxy-config", "--help")).isZero();
    assertThat(out()).contains("Usage: pgha-sidecar haproxy-config").contains("--ports=P,R,D,O");
  }

  @Test
  void versionNamesTheBuildAndTheJvm() {
    assertThat(run("--version")).isZero();
    assertThat(out())
        .containsPattern("pgha-sidecar \\d+\\.\\d+\\.\\d+")
        .contains("Java " + System.getProperty("java.version"));
  }

  @Test
  void runningWithABadFileExitsWith2BeforeTouchingAnything(@TempDir Path dir) throws Exception {
    Path f = file(dir, config(2379).replace("/var/lib/pg/data", "not/absolute"));
    assertThat(run(f.toString())).isEqualTo(2);
    assertThat(err()).contains("postgresql.data_dir (not/absolute)");
  }

  @Test
  void haproxyConfigFallsBackToThisMemberWhenEtcdIsDownAndHaproxyAcceptsIt(@TempDir Path dir)
      throws Exception {
    int closedPort = Testkit.freePort();
    Path f = file(dir, config(closedPort));
    assertThat(
            run(
                "haproxy-config",
                "--bind",
                "127.0.0.1",
                "--ports",
                "15433,15434,15436,15438",
                f.toString()))
        .isZero();
    String cfg = out();
    assertThat(cfg)
        .contains("members of the configuration file only: etcd could not be read")
        .contains("listen demo-primary\n    bind 127.0.0.1:15433")
        .contains("frontend demo-replica\n    bind 127.0.0.1:15434")
        .contains("listen demo-default\n    bind 127.0.0.1:15436")
        .contains("listen demo-offline\n    bind 127.0.0.1:15438")
        .contains("http-check send meth OPTIONS uri /primary")
        .contains("http-check send meth OPTIONS uri /replica")
        .contains("server m1 127.0.0.1:5432 check port 8008");
    assertHaproxyAccepts(dir, cfg);
  }

  @Test
  void haproxyConfigOffersChecksThatFollowTheFastTakeover(@TempDir Path dir) throws Exception {
    Path f = file(dir, config(Testkit.freePort()));
    assertThat(run("haproxy-config", "--bind", "127.0.0.1", "--fast-checks", f.toString()))
        .isZero();
    String cfg = out();
    assertThat(cfg)
        .contains("timeout check 1s\n")
        .contains("default-server inter 500ms fastinter 250ms downinter 500ms rise 1 fall 2 ")
        .doesNotContain("inter 3s");
    assertHaproxyAccepts(dir, cfg);
  }

  private static void assertHaproxyAccepts(Path dir, String cfg) throws Exception {
    assumeTrue(LocalHaproxy.binary().isPresent(), "haproxy is not installed");
    Path cfgFile = dir.resolve("haproxy.cfg");
    Files.writeString(cfgFile, cfg);
    Process check =
        new ProcessBuilder(LocalHaproxy.binary().get().toString(), "-c", "-f", cfgFile.toString())
            .redirectErrorStream(true)
            .start();
    assertThat(check.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String said = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(check.exitValue()).as(said).isZero();
  }

  @Test
  void badPortsAreAUsageError(@TempDir Path dir) throws Exception {
    Path f = file(dir, config(2379));
    assertThat(run("haproxy-config", "--ports", "1,2,3", f.toString())).isEqualTo(2);
    assertThat(err()).contains("--ports (1,2,3) must list four ports");
  }
}
