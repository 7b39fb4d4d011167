package io.pgha.core.api;

import io.pgha.core.postgres.Lsn;
import io.pgha.core.postgres.PostgresStatus;
import io.pgha.core.postgres.ReplicationConnection;
import io.pgha.core.postgres.ServerState;
import io.pgha.patroni.ClusterStatus;
import io.pgha.patroni.ClusterView;
import io.pgha.patroni.DynamicConfig;
import io.pgha.patroni.Member;
import io.pgha.patroni.Role;
import io.pgha.patroni.SyncState;
import io.pgha.patroni.SynchronousMode;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Snapshots of the Patroni 3.0.2 sample cluster ({@code pg-test}, leader {@code pg-test-2},
 * replicas {@code pg-test-1} and {@code pg-test-3}), for tests of the health rules and the
 * documents.
 */
final class Snapshots {
  static final String SCOPE = "pg-test";
  static final long LSN = 67384848;

  /** A fixed {@link System#nanoTime()}; the HA loop ran one second before it. */
  static final long NOW = 5_000_000_000_000L;

  static final long LAST_LOOP = NOW - 1_000_000_000L;

  /** The leader's last confirmed renewal was sent 300 ms before {@link #NOW}. */
  static final long CONFIRMED = NOW - 300_000_000L;

  private Snapshots() {}

  static ClusterView view(DynamicConfig config) {
    return ClusterView.builder()
        .revision(42)
        .initialize("7712415343663771374")
        .leader("pg-test-2")
        .member(member("pg-test-1", 28008, 25432, Role.REPLICA))
        .member(member("pg-test-2", 28009, 25433, Role.PRIMARY))
        .member(member("pg-test-3", 28010, 25434, Role.REPLICA))
        .config(config)
        .configModRevision(7)
        .status(ClusterStatus.ofOptime(LSN))
        .build();
  }

  static ClusterView asyncView() {
    return view(
        DynamicConfig.builder()
            .ttl(30)
            .loopWait(10)
            .retryTimeout(10)
            .primaryStartTimeout(10)
            .usePgRewind(true)
            .parameters(Map.of("wal_level", "replica", "max_connections", 100))
            .build());
  }

  static ClusterView syncView() {
    return view(
            asyncView().config().orElseThrow().toBuilder()
                .synchronousMode(SynchronousMode.ON)
                .build())
        .toBuilder()
        .sync(SyncState.of("pg-test-2", List.of("pg-test-3")))
        .build();
  }

  static Member member(String name, int apiPort, int pgPort, Role role) {
    return Member.builder(name)
        .connUrl("postgres://127.0.0.1:" + pgPort + "/postgres")
        .apiUrl("http://127.0.0.1:" + apiPort + "/patroni")
        .state("running")
        .role(role)
        .version("3.0.2")
        .xlogLocation(LSN)
        .timeline(2)
        .build();
  }

  static PostgresStatus primaryStatus() {
    return new PostgresStatus(
        ServerState.PRIMARY,
        2,
        new Lsn(LSN),
        null,
        null,
        null,
        null,
        List.of(sender("pg-test-3", "async", 0), sender("pg-test-1", "async", 0)),
        OffsetDateTime.parse("2026-11-26T09:50:32.005667Z"),
        150018,
        "7712415343663771374",
        false);
  }

  static PostgresStatus replicaStatus(long received, long replayed, String receiver) {
    return new PostgresStatus(
        ServerState.STANDBY,
        2,
        null,
        new Lsn(received),
        new Lsn(replayed),
        receiver,
        false,
        List.of(),
        OffsetDateTime.parse("2026-11-26T09:50:51.303258Z"),
        150018,
        "7712415343663771374",
        false);
  }

  static ReplicationConnection sender(String name, String syncState, int priority) {
    return new ReplicationConnection(
        100, "replicator", name, "127.0.0.1", "streaming", syncState, priority, null, null, null);
  }

  /** {@code pg-test-2}, the leader. */
  static NodeSnapshot leader(ClusterView view) {
    return NodeSnapshot.builder("pg-test-2", SCOPE)
        .version("0.1.0")
        .postgresState("running")
        .role(Role.PRIMARY)
        .postgres(primaryStatus())
        .cluster(view)
        .holdsLeaderKey(true)
        .leaderConfirmedAtNanos(OptionalLong.of(CONFIRMED))
        .lastLoopNanos(LAST_LOOP)
        .lastDecision("no action. I am (pg-test-2), the leader with the lock")
        .dcsLastSeenEpochSeconds(1795686660)
        .apiUrl("http://127.0.0.1:28009/patroni")
        .connUrl("postgres://127.0.0.1:25433/postgres")
        .build();
  }

  static NodeSnapshot leader() {
    return leader(asyncView());
  }

  /** A streaming replica that has replayed everything; {@code pg-test-1} unless renamed. */
  static NodeSnapshot replica(String name, ClusterView view) {
    return NodeSnapshot.builder(name, SCOPE)
        .version("0.1.0")
        .postgresState("running")
        .role(Role.REPLICA)
        .postgres(replicaStatus(LSN, LSN, "streaming"))
        .cluster(view)
        .holdsLeaderKey(false)
        .lastLoopNanos(LAST_LOOP)
        .dcsLastSeenEpochSeconds(1795686660)
        .build();
  }

  static NodeSnapshot replica() {
    return replica("pg-test-1", asyncView());
  }
}
