package io.pgha.examples.demo;

import io.pgha.core.LocalPghaCluster;
import io.pgha.core.LocalPghaCluster.Node;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Bounded waits on a {@link LocalPghaCluster}. */
final class Clusters {
  private Clusters() {}

  /** Waits until one member is primary and every other streams from it; returns the primary. */
  static Node awaitHealthy(LocalPghaCluster cluster, long timeoutSeconds) {
    return await(
        cluster,
        timeoutSeconds,
        "the cluster did not become healthy",
        primary ->
            cluster.nodes().stream().filter(n -> n != primary).allMatch(Node::isStreamingReplica));
  }

  /** Waits until a member other than {@code old} is the only primary. */
  static Node awaitNewPrimary(LocalPghaCluster cluster, Node old, long timeoutSeconds) {
    return await(cluster, timeoutSeconds, "no new primary", primary -> primary != old);
  }

  private static Node await(
      LocalPghaCluster cluster, long timeoutSeconds, String failure, Predicate<Node> done) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    while (System.nanoTime() - deadline < 0) {
      Optional<Node> primary = cluster.writablePrimary();
      if (primary.isPresent() && done.test(primary.get())) {
        return primary.get();
      }
      Workload.sleep(100);
    }
    throw new IllegalStateException(failure + " within " + timeoutSeconds + " s");
  }
}
