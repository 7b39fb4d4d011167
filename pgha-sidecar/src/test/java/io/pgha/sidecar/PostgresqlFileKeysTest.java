package io.pgha.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.sidecar.SidecarCluster.Member;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Patroni's keys for PostgreSQL's files and pg_basebackup, through the sidecar on real processes:
 * {@code postgresql.basebackup} options reach the clone (its backup label), {@code
 * postgresql.recovery_conf} reaches the replica and not the primary, {@code custom_conf} replaces
 * initdb's postgresql.conf, {@code pg_ident} is loaded; and the {@code config} key's {@code
 * postgresql.pg_hba} (from {@code bootstrap.dcs}), then {@code recovery_conf}, {@code pg_ident} and
 * {@code pg_hba} set with {@code PATCH /config}, reach every member without its own.
 */
class PostgresqlFileKeysTest {
  private static final Duration CONVERGE = Duration.ofSeconds(120);
  private static final String LABEL = "pgha-basebackup-option-test";

  private SidecarCluster cluster;

  @AfterEach
  void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void theCloneTakesTheBasebackupOptionsAndTheReplicaItsRecoveryConfPgIdentAndCustomConf()
      throws Exception {
    cluster =
        new SidecarCluster(
            2,
            name ->
                "  custom_conf: ../custom.conf\n"
                    + "  pg_ident:\n"
                    + "    - filemap  alice  postgres\n"
                    + (name.equals("pg2")
                        ? "  basebackup:\n"
                            + "    - verbose\n"
                            + "    - max-rate: 100M\n"
                            + "    - label: "
                            + LABEL
                            + "\n"
                            + "  recovery_conf:\n"
                            + "    restore_command: /bin/false %f %p\n"
                            + "    recovery_min_apply_delay: 10ms\n"
                            + "    primary_conninfo: host=127.0.0.1 port=1\n"
                        : ""),
            name -> "watchdog:\n  mode: off\n");
    for (Member m : cluster.members) {
      // custom_conf is relative to the data directory, as in Patroni.
      Files.writeString(m.dir.resolve("custom.conf"), "work_mem = '3MB'\n");
    }
    Member pg1 = cluster.member("pg1");
    Member pg2 = cluster.member("pg2");
    startPrimaryThenReplica(pg1, pg2);

    // basebackup: pg_basebackup ran with the label given (PostgreSQL kept it as backup_label.old).
    assertThat(query(pg2, "SELECT pg_read_file('backup_label.old')"))
        .singleElement()
        .asString()
        .contains("LABEL: " + LABEL);
    // recovery_conf: the replica's, not the primary's; the connection stays pgha's (it streams).
    assertThat(show(pg2, "restore_command")).isEqualTo("/bin/false %f %p");
    assertThat(show(pg2, "recovery_min_apply_delay")).isEqualTo("10ms");
    assertThat(show(pg2, "primary_conninfo")).doesNotContain("port='1'").contains(pg1.pgPort + "");
    assertThat(show(pg1, "restore_command")).isEmpty();
    // custom_conf replaces initdb's file, which is kept aside; pg_ident.conf as PostgreSQL reads
    // it.
    for (Member m : List.of(pg1, pg2)) {
      assertThat(show(m, "work_mem")).isEqualTo("3MB");
      assertThat(identMaps(m)).containsExactly("filemap alice postgres");
    }
    assertThat(pg1.dir.resolve("data").resolve("postgresql.base.conf")).exists();
    assertThat(Files.readString(pg1.dir.resolve("data").resolve("postgresql.conf")))
        .contains("include '../custom.conf'");
    execute(pg1, "CREATE TABLE t AS SELECT 'streamed' AS v");
    SidecarCluster.await(
        CONVERGE,
        "the row on pg2",
        () ->
            query(pg2, "SELECT count(*) FROM t").equals(List.of("1"))
                ? Optional.of(pg2)
                : Optional.empty());
  }

  @Test
  void theConfigKeysPgHbaRecoveryConfAndPgIdentReachEveryMemberWithoutItsOwn() throws Exception {
    cluster = new SidecarCluster(2);
    for (Member m : cluster.members) {
      String yaml = Files.readString(m.configFile);
      Files.writeString(
          m.configFile,
          yaml.replace(
              "      use_slots: true\n",
              "      use_slots: true\n"
                  + "      pg_hba:\n"
                  + "        - host replication replicator 127.0.0.1/32 scram-sha-256\n"
                  + "        - host all bootstrap_marker 127.0.0.1/32 reject\n"
                  + "        - host all all 127.0.0.1/32 scram-sha-256\n"));
    }
    Member pg1 = cluster.member("pg1");
    Member pg2 = cluster.member("pg2");
    startPrimaryThenReplica(pg1, pg2);
    for (Member m : List.of(pg1, pg2)) {
      assertThat(hbaUsers(m)).containsExactly("replicator", "bootstrap_marker", "all");
    }

    SidecarCluster.patchConfig(
        pg1,
        "{\"postgresql\": {"
            + "\"recovery_conf\": {\"restore_command\": \"/bin/false %f\","
            + " \"recovery_min_apply_delay\": 20},"
            + "\"pg_ident\": [\"keymap bob postgres\"],"
            + "\"pg_hba\": [\"host replication replicator 127.0.0.1/32 scram-sha-256\","
            + " \"host all patched_marker 127.0.0.1/32 reject\","
            + " \"host all all 127.0.0.1/32 scram-sha-256\"]}}");

    for (Member m : List.of(pg1, pg2)) {
      SidecarCluster.await(
          CONVERGE,
          "the patched pg_hba and pg_ident on " + m,
          () ->
              hbaUsers(m).contains("patched_marker")
                      && identMaps(m).equals(List.of("keymap bob postgres"))
                  ? Optional.of(m)
                  : Optional.empty());
      assertThat(hbaUsers(m)).containsExactly("replicator", "patched_marker", "all");
    }
    SidecarCluster.await(
        CONVERGE,
        "the recovery_conf on the replica",
        () ->
            show(pg2, "restore_command").equals("/bin/false %f")
                ? Optional.of(pg2)
                : Optional.empty());
    assertThat(show(pg2, "recovery_min_apply_delay")).isEqualTo("20ms");
    assertThat(show(pg1, "restore_command")).isEmpty();
    assertThat(pg2.isStreamingReplica()).isTrue();
  }

  /** Starts {@code primary}, then, once it leads, {@code replica}; waits until it streams. */
  private void startPrimaryThenReplica(Member primary, Member replica) throws InterruptedException {
    primary.startInProcess();
    SidecarCluster.await(
        CONVERGE,
        primary + " as primary",
        () -> Optional.of(primary).filter(Member::isWritablePrimary));
    replica.startInProcess();
    assertThat(cluster.awaitHealthy(CONVERGE)).isSameAs(primary);
  }

  private static String show(Member m, String setting) {
    List<String> v = query(m, "SHOW " + setting);
    return v.isEmpty() ? "(unreachable)" : v.get(0);
  }

  /** The user names of the lines of pg_hba.conf as PostgreSQL reads it, in order. */
  private static List<String> hbaUsers(Member m) {
    return query(
        m, "SELECT array_to_string(user_name, ',') FROM pg_hba_file_rules ORDER BY line_number");
  }

  /** The mappings of pg_ident.conf as PostgreSQL reads it. */
  private static List<String> identMaps(Member m) {
    return query(
        m,
        "SELECT map_name || ' ' || sys_name || ' ' || pg_username FROM pg_ident_file_mappings"
            + " ORDER BY line_number");
  }

  private static List<String> query(Member m, String sql) {
    List<String> values = new ArrayList<>();
    try (Connection c = m.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        values.add(rs.getString(1));
      }
    } catch (SQLException e) {
      return List.of();
    }
    return values;
  }

  private static void execute(Member m, String sql) throws SQLException {
    try (Connection c = m.connect();
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
