package io.pgha.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** The files in {@code examples/sidecar}: accepted by the tools they are written for. */
class SidecarExamplesTest {
  static final Path EXAMPLES = Path.of("..", "examples", "sidecar");

  /** vip-manager 2.x's configuration keys (the table in its README). */
  private static final List<String> VIP_MANAGER_KEYS =
      List.of(
          "ip",
          "netmask",
          "interface",
          "trigger-key",
          "trigger-value",
          "manager-type",
          "dcs-type",
          "dcs-endpoints",
          "etcd-user",
          "etcd-password",
          "etcd-ca-file",
          "etcd-cert-file",
          "etcd-key-file",
          "consul-token",
          "interval",
          "retry-after",
          "retry-num",
          "verbose");

  @Test
  void promtoolAcceptsThePrometheusExampleAndItsAlerts() throws Exception {
    Optional<Path> promtool = onPath("promtool");
    assumeTrue(
        promtool.isPresent(),
        "promtool is not installed (Debian: apt install prometheus); the example is not checked");

    Process p =
        new ProcessBuilder(promtool.get().toString(), "check", "config", "prometheus.yml")
            .directory(EXAMPLES.toFile())
            .redirectErrorStream(true)
            .start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("promtool finished").isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("SUCCESS: 5 rules found");
  }

  @Test
  void theVipManagerExampleFollowsTheLeaderKeyOfTheSidecarExample() throws IOException {
    Map<String, Object> vip = yaml(EXAMPLES.resolve("vip-manager.yml"));

    assertThat(vip)
        .containsEntry("dcs-type", "etcd")
        .containsEntry("trigger-key", "/pg/pg-test/leader")
        .containsEntry("trigger-value", "pg-test-1")
        .containsKeys("ip", "netmask", "interface", "dcs-endpoints");
    assertThat(VIP_MANAGER_KEYS).containsAll(vip.keySet());
  }

  static Optional<Path> onPath(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, program);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  private static Map<String, Object> yaml(Path file) throws IOException {
    return new Yaml().load(Files.readString(file));
  }
}
