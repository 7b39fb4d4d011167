package io.pgha.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pgha.testkit.Testkit;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The iptables rules of the replication partition are in place while cut, and gone after. */
class ReplicationPartitionTest {

  @Test
  void aCutAddsOneRuleAndCloseRemovesEveryRule() throws Exception {
    ReplicationPartition.Result probe = ReplicationPartition.probe();
    assumeTrue(probe.partition().isPresent(), "iptables unusable: " + probe.unavailableReason());
    int a = Testkit.freePort();
    int b = Testkit.freePort();
    try (ReplicationPartition cut = probe.partition().get()) {
      assertThat(cut.cut(a)).isEmpty();
      assertThat(cut.cut(b)).isEmpty();
      assertThat(rules()).contains("--dport " + a + " ", "--dport " + b + " ");
      assertThat(cut.heal(a)).isEmpty();
      assertThat(rules()).doesNotContain("--dport " + a + " ").contains("--dport " + b + " ");
    }
    assertThat(rules()).doesNotContain("--dport " + b + " ");
  }

  /** This JVM's rules, as {@code iptables -S OUTPUT} prints them. */
  private static String rules() throws IOException, InterruptedException {
    Process p = new ProcessBuilder("iptables", "-w", "5", "-S", "OUTPUT").start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    String mine = "pgha-chaos-" + ProcessHandle.current().pid();
    return String.join("\n", out.lines().filter(l -> l.contains(mine)).toList());
  }
}
