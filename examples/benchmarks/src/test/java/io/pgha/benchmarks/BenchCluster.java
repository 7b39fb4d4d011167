package io.pgha.benchmarks;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** A three-member cluster the benchmark injects faults into: pgha or Patroni. */
interface BenchCluster extends AutoCloseable {

  /** {@code pgha} or {@code patroni}. */
  String system();

  String scope();

  /** The etcd namespace, without the trailing slash ({@code /service}). */
  String namespace();

  /** etcd's client endpoints, directly (not through any member's proxy). */
  List<String> etcdEndpoints();

  /** The superuser's password (null when the cluster trusts local connections). */
  String password();

  List<String> members();

  /** The member whose API answers 200 on {@code /primary}, if any. */
  Optional<String> leader();

  /**
   * The leader silence, in milliseconds, after which a member took over by pgha's fast path
   * (synchronous mode, {@code leader_silence_timeout}) since {@code sinceNanos} (a {@link
   * System#nanoTime()} reading); empty when none did (always for Patroni, which has no fast path).
   */
  default OptionalLong fastTakeoverSilenceMs(long sinceNanos) {
    return OptionalLong.empty();
  }

  /** The status of {@code GET path} on the member's API; -1 when it does not answer. */
  int apiStatus(String member, String path);

  /** {@code POST path} with a JSON body to the member's API; returns the status code. */
  int post(String member, String path, String json);

  /** The members' HTTP API base URLs now (a restarted pgha member may listen elsewhere). */
  List<String> apiUrls();

  /** The member's PostgreSQL port. */
  int pgPort(String member);

  Connection connect(String member) throws SQLException;

  /** kill -9 of the member's agent (or Patroni) and its PostgreSQL. */
  void killHost(String member);

  /** kill -9 of the member's postmaster only. */
  void killPostgres(String member);

  /** Starts the member's agent (or Patroni) again on its data. */
  void startHost(String member);

  /** The member's agent can no longer reach etcd (every packet dropped). */
  void cutFromEtcd(String member);

  void healEtcd(String member);

  /** SIGSTOP of the member's agent (or Patroni) and of its postmaster with every backend. */
  void freezeHost(String member);

  /** SIGCONT, undoing {@link #freezeHost}. */
  void thaw(String member);

  /** The PID of the member's HA agent (the JVM, or Patroni's Python), while it runs. */
  OptionalLong agentPid(String member);

  /**
   * Waits until one member leads, every other running member streams from it, and in synchronous
   * mode a synchronous standby exists.
   *
   * @throws IllegalStateException when that does not happen within {@code timeout}
   */
  void awaitHealthy(Duration timeout);

  @Override
  void close();
}
