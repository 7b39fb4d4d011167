package io.pgha.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.testkit.cluster.LocalPghaCluster;
import io.pgha.testkit.cluster.LocalPghaCluster.Node;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Patroni's {@code postgresql.basebackup}, {@code recovery_conf}, {@code custom_conf} and {@code
 * pg_ident} set through {@code PghaConfig} (the embedded agent's way), on a real 2-member cluster:
 * the replica is cloned with the options given and gets the recovery parameters, the primary does
 * not; both include the custom file instead of initdb's and have the pg_ident.conf given.
 */
class PghaConfigFileKeysTest {
  private static final Duration CONVERGE = Duration.ofSeconds(90);
  private static final String LABEL = "pgha-config-basebackup-label";

  @Test
  void theReplicaIsClonedWithTheOptionsGivenAndGetsRecoveryConfCustomConfAndPgIdent()
      throws Exception {
    try (LocalPghaCluster cluster =
        new LocalPghaCluster(
            2, Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofSeconds(2))) {
      for (Node node : cluster.nodes()) {
        Path custom = node.dataDir().resolveSibling("custom.conf");
        Files.createDirectories(custom.getParent());
        Files.writeString(custom, "work_mem = '3MB'\n");
        node.configure(
            b ->
                b.postgres(
                    pg ->
                        pg.basebackupOptions(List.of("--label=" + LABEL, "--max-rate=100M"))
                            .recoveryConf(
                                Map.of(
                                    "restore_command", "/bin/false %f %p",
                                    "recovery_min_apply_delay", "10ms"))
                            .customConf(custom)
                            .pgIdent(List.of("cfgmap  carol  postgres"))));
      }
      cluster.startAll();
      Node leader = cluster.awaitHealthy(CONVERGE);
      Node replica = cluster.othersThan(leader).get(0);

      assertThat(NodeQueries.firstColumn(replica, "SELECT pg_read_file('backup_label.old')"))
          .singleElement()
          .asString()
          .contains("LABEL: " + LABEL);
      assertThat(setting(replica, "restore_command")).isEqualTo("/bin/false %f %p");
      assertThat(setting(replica, "recovery_min_apply_delay")).isEqualTo("10ms");
      assertThat(setting(leader, "restore_command")).isEmpty();
      for (Node node : cluster.nodes()) {
        assertThat(setting(node, "work_mem")).isEqualTo("3MB");
        // Patroni's: the scope names the cluster in process titles.
        assertThat(setting(node, "cluster_name")).isEqualTo(cluster.scope());
        assertThat(
                NodeQueries.firstColumn(
                    node,
                    "SELECT map_name || ' ' || sys_name || ' ' || pg_username"
                        + " FROM pg_ident_file_mappings"))
            .containsExactly("cfgmap carol postgres");
      }
      leader.execute("CREATE TABLE t AS SELECT 1 AS v");
      assertThat(
              ClusterKeys.within(
                  CONVERGE,
                  () ->
                      NodeQueries.firstColumn(replica, "SELECT count(*) FROM t")
                          .equals(List.of("1"))))
          .as("the replica streams")
          .isTrue();
    }
  }

  private static String setting(Node node, String name) {
    return NodeQueries.firstColumn(node, "SHOW " + name).stream()
        .findFirst()
        .orElse("(unreachable)");
  }
}
