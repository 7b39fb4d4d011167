package io.pgha.benchmarks;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** A failure the benchmark injects, by the name {@code -Dbench.scenarios} uses. */
enum Scenario {
  /** The primary's host dies: kill -9 of its agent (or Patroni) and of its PostgreSQL. */
  HOST("host", "primary host failure", true),
  /** The primary's PostgreSQL crashes (kill -9 of the postmaster); the agent survives. */
  PGCRASH("pgcrash", "primary PostgreSQL crash", false),
  /** A planned switchover: {@code POST /switchover} to the leader's API, as patronictl sends it. */
  SWITCHOVER("switchover", "planned switchover", false),
  /** A replica's host dies. */
  REPLICA("replica", "replica host failure", true),
  /** The primary's agent is cut off from etcd (its etcd proxy drops every packet). */
  ETCDCUT("etcdcut", "primary cut off from etcd", false),
  /**
   * The primary's host hangs: SIGSTOP of its agent (or Patroni) and of its PostgreSQL with every
   * backend; sockets stay open and nothing answers, nothing is reset. Healed by SIGCONT.
   */
  FREEZE("freeze", "primary host frozen", false),
  /** A replica's host hangs (SIGSTOP as for {@link #FREEZE}); healed by SIGCONT. */
  FREEZE_REPLICA("freezereplica", "replica host frozen", false);

  final String id;
  final String title;

  /** Whether healing restarts a host (the member's HTTP API may then listen on a new port). */
  final boolean restartsHost;

  Scenario(String id, String title, boolean restartsHost) {
    this.id = id;
    this.title = title;
    this.restartsHost = restartsHost;
  }

  /** Whether the scenario ends with a member other than the old leader leading. */
  boolean movesLeader() {
    return this == HOST || this == SWITCHOVER || this == ETCDCUT || this == FREEZE;
  }

  /** Whether the fault hits a replica rather than the leader. */
  boolean hitsReplica() {
    return this == REPLICA || this == FREEZE_REPLICA;
  }

  /** Whether the fault stops processes (the pgha agents must then run in JVMs of their own). */
  boolean freezes() {
    return this == FREEZE || this == FREEZE_REPLICA;
  }

  static Scenario byId(String id) {
    return Arrays.stream(values())
        .filter(s -> s.id.equals(id.trim()))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "bench.scenarios: unknown scenario '"
                        + id
                        + "'; allowed: "
                        + Arrays.stream(values()).map(s -> s.id).collect(Collectors.joining(","))));
  }

  static List<Scenario> parse(String list) {
    return Arrays.stream(list.split(",")).filter(s -> !s.isBlank()).map(Scenario::byId).toList();
  }
}
