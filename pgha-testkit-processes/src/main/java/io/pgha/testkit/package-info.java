/**
 * Real etcd, PostgreSQL and fault-injection processes for tests, demos and benchmarks.
 *
 * <p>Every process the kit starts runs in its own process group, writes its output to a log file
 * under {@link io.pgha.testkit.Testkit#baseDir()}, and is recorded by {@link
 * io.pgha.testkit.ProcessTracker}, which kills whatever is still running when the JVM exits. The
 * JUnit 5 extensions ({@link io.pgha.testkit.EtcdExtension}, {@link
 * io.pgha.testkit.PostgresExtension}) are optional: the launchers do not need JUnit.
 */
package io.pgha.testkit;
