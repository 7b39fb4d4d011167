package io.pgha.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.pgha.sidecar.SidecarCluster.Member;
import io.pgha.testkit.Patronictl;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The real {@code patronictl}'s {@code version}, {@code query} and {@code remove} against a
 * two-member cluster run by the sidecar. {@code remove} runs last: it deletes the cluster's keys;
 * as Patroni's, the leader creates its key again and keeps running (the same member leads, on the
 * same timeline, its PostgreSQL not restarted), and the cluster's keys come back (the same system
 * identifier in {@code initialize}, the last {@code config} seen with its edits, every member's
 * key, the replica streaming) with no committed row lost.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PatronictlQueryRemoveVersionTest {
  private static final Duration CONVERGE = Duration.ofSeconds(120);
  private static final String PASSWORD_PROMPT = SidecarCluster.SUPERUSER_PASSWORD + "\n";

  private static SidecarCluster cluster;
  private static Patronictl patronictl;
  private static Member leader;
  private static Member replica;

  @BeforeAll
  static void startCluster() throws Exception {
    assumeTrue(
        Patronictl.binary().isPresent(), "patronictl is not installed (apt install patroni)");
    cluster = new SidecarCluster(2);
    cluster.member("pg1").startInProcess();
    cluster.member("pg2").startInProcess();
    leader = cluster.awaitHealthy(CONVERGE);
    replica = cluster.members.stream().filter(m -> m != leader).findFirst().orElseThrow();
    patronictl =
        Patronictl.forCluster(
            cluster.workDir, cluster.etcdHostPort(), SidecarCluster.NAMESPACE, cluster.scope);
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void versionPrintsEachMembersVersionFromItsRestApi() throws Exception {
    String serverVersion;
    try (Connection c = leader.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SHOW server_version")) {
      rs.next();
      serverVersion = rs.getString(1).split(" ")[0];
    }
    String out = patronictl.run("version", cluster.scope).ok();
    assertThat(out).startsWith("patronictl version 3.");
    for (Member m : cluster.members) {
      // "pg1: Patroni pgha-0.1.0 PostgreSQL 15.18": GET /patroni's patroni.version (pgha's own)
      // and server_version.
      assertThat(out)
          .containsPattern(
              "(?m)^"
                  + m.name
                  + ": Patroni pgha-\\d+\\.\\d+\\.\\d+ PostgreSQL "
                  + serverVersion.replace(".", "\\.")
                  + "$");
    }
    String one = patronictl.run("version", cluster.scope, replica.name).ok();
    assertThat(one).contains(replica.name + ": Patroni ").doesNotContain(leader.name + ": ");
  }

  @Test
  @Order(2)
  void queryRunsOnTheLeaderOnAReplicaWithRoleAndOnANamedMember() {
    String sql = "SELECT pg_is_in_recovery(), inet_server_port()";
    assertThat(query(sql)).containsPattern("(?m)^False\t" + leader.pgPort + "$");
    assertThat(query(sql, "-r", "replica")).containsPattern("(?m)^True\t" + replica.pgPort + "$");
    String onMember = query("SELECT inet_server_port()", "-m", replica.name);
    assertThat(onMember).containsPattern("(?m)^" + replica.pgPort + "$");
  }

  @Test
  @Order(3)
  void removeDeletesTheKeysAndTheMembersFormTheClusterAgain() throws Exception {
    String sysidBefore = key("initialize").orElseThrow();
    try (Connection c = leader.connect();
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE remove_probe AS SELECT 42 AS answer");
    }
    // On the replica too, so that a member that leads after the remove has it.
    SidecarCluster.await(
        CONVERGE, "the row on " + replica, () -> answer(replica).filter(a -> a == 42));
    // An edit the members must keep: the key written back is the last one seen, not the file's
    // bootstrap section (maximum_lag_on_failover: 1048576), as Patroni writes its dynamic
    // configuration back.
    patronictl.run("edit-config", "--set", "maximum_lag_on_failover=2097152", "--force").ok();
    for (Member m : cluster.members) {
      Path cache = m.dir.resolve("data").resolve("patroni.dynamic.json");
      SidecarCluster.await(
          CONVERGE,
          "the edit in " + cache,
          () ->
              Files.exists(cache) && read(cache).contains("2097152")
                  ? Optional.of(true)
                  : Optional.empty());
    }
    // Nothing of pgha's writes this key: its absence afterwards proves the delete.
    put("pgha-test-marker", "remove me");
    // The leader's PostgreSQL must not be restarted nor promoted again by the remove.
    String startedBefore = primaryFacts(leader).orElseThrow();

    String wrongName =
        patronictl.runWithInput("not-" + cluster.scope + "\n", "remove", cluster.scope).output();
    assertThat(wrongName).contains("Cluster names specified do not match");
    assertThat(key("pgha-test-marker")).contains("remove me");

    String out =
        patronictl
            .runWithInput(
                cluster.scope + "\nYes I am aware\n" + leader.name + "\n", "remove", cluster.scope)
            .ok();
    assertThat(out).contains("Please specify the leader name to continue");
    assertThat(key("pgha-test-marker")).isEmpty();

    String newLeader =
        SidecarCluster.await(
            CONVERGE,
            "the cluster's keys written again",
            () -> {
              Map<String, String> keys = keys();
              boolean back =
                  keys.containsKey("leader")
                      && sysidBefore.equals(keys.get("initialize"))
                      && keys.containsKey("config")
                      && keys.containsKey("members/" + leader.name)
                      && keys.containsKey("members/" + replica.name);
              return back ? Optional.of(keys.get("leader")) : Optional.empty();
            });
    assertThat(key("config").orElseThrow()).contains("\"maximum_lag_on_failover\":2097152");
    // As Patroni: no failover. The leader took its key back; its PostgreSQL ran on throughout.
    assertThat(newLeader).isEqualTo(leader.name);
    Member now = cluster.awaitHealthy(CONVERGE);
    assertThat(now.name).isEqualTo(leader.name);
    assertThat(primaryFacts(leader)).contains(startedBefore);
    assertThat(answer(now)).contains(42);
    String list = patronictl.run("list").ok();
    assertThat(Patronictl.row(list, now.name)).contains("Leader");
    SidecarCluster.await(
        CONVERGE,
        replica + " listed as a replica",
        () ->
            Patronictl.row(patronictl.run("list").ok(), replica.name).contains("Replica")
                ? Optional.of(true)
                : Optional.empty());
  }

  /**
   * On a primary: when its postmaster started and its current timeline, e.g. "2026-12-06
   * 14:00:00.1+00 timeline 00000001"; empty if it does not answer or is not a primary.
   */
  private static Optional<String> primaryFacts(Member m) {
    try (Connection c = m.connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT pg_postmaster_start_time()::text || ' timeline '"
                    + " || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8),"
                    + " pg_is_in_recovery()")) {
      return rs.next() && !rs.getBoolean(2) ? Optional.of(rs.getString(1)) : Optional.empty();
    } catch (java.sql.SQLException e) {
      return Optional.empty();
    }
  }

  /**
   * {@code patronictl query <scope> <selector> -U postgres --password -c <sql>}, the password typed
   * at its prompt; its output.
   */
  private static String query(String sql, String... selector) {
    List<String> args = new ArrayList<>(List.of("query", cluster.scope));
    args.addAll(List.of(selector));
    args.addAll(List.of("-U", "postgres", "--password", "-c", sql));
    return patronictl.runWithInput(PASSWORD_PROMPT, args.toArray(String[]::new)).ok();
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (java.io.IOException e) {
      return "";
    }
  }

  private static Optional<Integer> answer(Member m) {
    try (Connection c = m.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT answer FROM remove_probe")) {
      return rs.next() ? Optional.of(rs.getInt(1)) : Optional.empty();
    } catch (java.sql.SQLException e) {
      return Optional.empty();
    }
  }

  private static String prefix() {
    return SidecarCluster.NAMESPACE + "/" + cluster.scope + "/";
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  /** The cluster's keys, by their names under the prefix, with their values. */
  private static Map<String, String> keys() {
    try (Client client =
        Client.builder().endpoints(cluster.etcd.clientEndpoints().get(0)).build()) {
      List<KeyValue> kvs =
          client
              .getKVClient()
              .get(bytes(prefix()), GetOption.builder().isPrefix(true).build())
              .get(10, TimeUnit.SECONDS)
              .getKvs();
      return kvs.stream()
          .collect(
              Collectors.toMap(
                  kv -> kv.getKey().toString(StandardCharsets.UTF_8).substring(prefix().length()),
                  kv -> kv.getValue().toString(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new AssertionError("cannot read the cluster's keys", e);
    }
  }

  private static Optional<String> key(String name) {
    return Optional.ofNullable(keys().get(name));
  }

  private static void put(String name, String value) throws Exception {
    try (Client client =
        Client.builder().endpoints(cluster.etcd.clientEndpoints().get(0)).build()) {
      client.getKVClient().put(bytes(prefix() + name), bytes(value)).get(10, TimeUnit.SECONDS);
    }
  }
}
