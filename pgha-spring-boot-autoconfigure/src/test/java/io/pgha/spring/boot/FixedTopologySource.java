package io.pgha.spring.boot;

import io.pgha.jdbc.topology.Member;
import io.pgha.jdbc.topology.MemberRole;
import io.pgha.jdbc.topology.Topology;
import io.pgha.jdbc.topology.TopologySource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A topology given by the test, for context tests that check which beans exist: creating a pool
 * opens no connection, so the addresses are never dialled unless a test runs a statement.
 */
final class FixedTopologySource implements TopologySource {
  private final Topology topology;

  FixedTopologySource(Topology topology) {
    this.topology = topology;
  }

  /** A leader {@code pg1} and a replica {@code pg2} on ports nothing listens on. */
  static FixedTopologySource leaderAndReplica() {
    return new FixedTopologySource(
        new Topology(
            "pg1",
            List.of(
                new Member("pg1", MemberRole.PRIMARY, "running", "127.0.0.1", 1, 0, true, Map.of()),
                new Member(
                    "pg2", MemberRole.REPLICA, "streaming", "127.0.0.1", 2, 0, true, Map.of()))));
  }

  @Override
  public void start(Consumer<Topology> listener, Duration timeout) {
    listener.accept(topology);
  }

  @Override
  public String describe() {
    return "fixed topology";
  }

  @Override
  public void close() {}
}
