/**
 * A real pgha cluster on this machine, for tests, demos and benchmarks: {@link
 * io.pgha.testkit.cluster.LocalPghaCluster} starts etcd (one or three members) and prepares N
 * members, each a {@link io.pgha.core.PghaAgent} managing a real PostgreSQL, reaching etcd through
 * {@link io.pgha.testkit.FaultProxy FaultProxies} of its own so that a test can cut it off.
 *
 * <pre>{@code
 * try (LocalPghaCluster cluster =
 *     new LocalPghaCluster(3, Duration.ofSeconds(10), Duration.ofSeconds(2), Duration.ofSeconds(4))) {
 *   cluster.startAll();
 *   LocalPghaCluster.Node primary = cluster.awaitHealthy(Duration.ofSeconds(60));
 *   primary.killHost();
 *   LocalPghaCluster.Node next = cluster.awaitNewPrimary(primary, Duration.ofSeconds(60));
 * }
 * }</pre>
 *
 * <p>Agents run embedded in this JVM, or each in a JVM of its own ({@link
 * io.pgha.testkit.cluster.LocalPghaCluster#agentsInOwnJvm}: {@link
 * io.pgha.testkit.cluster.LocalAgentMain} on this JVM's {@code java.class.path}), which a test can
 * SIGSTOP. Every process is recorded by {@link io.pgha.testkit.ProcessTracker} and ended on {@code
 * close()} or when the JVM exits. The process-level kit this builds on ({@code io.pgha.testkit}:
 * {@code LocalEtcd}, {@code LocalPostgres}, {@code FaultProxy}, ...) comes with this artifact.
 */
package io.pgha.testkit.cluster;
