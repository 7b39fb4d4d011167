package io.pgha.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A real 3-node cluster that {@link FailoverScenarios} run against: Patroni's or pgha's. Both speak
 * Patroni's etcd keys and HTTP API, so the scenarios drive them the same way.
 */
interface ClusterUnderTest extends AutoCloseable {

  /** One member: its PostgreSQL, its HTTP API, and the process pair that a host failure kills. */
  interface Node {
    String name();

    int port();

    String host();

    String apiUrl();

    /** A superuser connection straight to this member's PostgreSQL. */
    Connection connect() throws SQLException;

    /** Host failure: the HA process and PostgreSQL both die with SIGKILL. */
    void killHost();

    /**
     * Hung host: SIGSTOP of the HA process, the postmaster and every backend; sockets stay open and
     * nothing answers.
     */
    void freezeHost();

    /** Undoes {@link #freezeHost()}; does nothing when the member is not frozen. */
    void thaw();

    /**
     * Ends the freeze of a leader that was replaced meanwhile: a thaw where the HA layer handles a
     * thawed old leader safely (pgha fences it first). Patroni 3.0.2 does not: on etcd3, its {@code
     * _update_leader} puts the leader key unconditionally when the lease it finds in its (not yet
     * refreshed) cluster cache differs from the new lease it just made, so a thawed old leader can
     * take the key back from its successor, which is then demoted and rewound (acknowledged writes
     * lost). Seen here; that node is killed and restarted instead.
     */
    default void endFreezeOfReplacedLeader() {
      thaw();
    }

    void start();

    boolean isRunning();

    int apiStatus(String path);

    Optional<String> apiGet(String path);

    /** Any request to the member's API; the status and body Patroni's tools would see. */
    HttpResult http(String method, String path, String jsonBody);

    /** Whether the configuration this member serves ({@code GET /config}) is synchronous. */
    default boolean reportsSynchronousMode() {
      return apiGet("/config")
          .map(b -> b.replace(" ", "").contains("\"synchronous_mode\":true"))
          .orElse(false);
    }
  }

  record HttpResult(int status, String body) {}

  /** {@code b} with the user the DataSources connect as, and its password when it has one. */
  default PghaDataSourceConfig.Builder credentials(PghaDataSourceConfig.Builder b) {
    b.username(username());
    if (password() != null) {
      b.password(password());
    }
    return b;
  }

  String scope();

  List<String> etcdEndpoints();

  /** The superuser the DataSources connect as, and its password (null when trusted). */
  String username();

  String password();

  List<Node> nodes();

  /** The running member whose API answers 200 on {@code /primary}, if any. */
  Optional<Node> currentLeader();

  /**
   * Waits until one member leads, every other running member streams from it, and in synchronous
   * mode every replica is a synchronous standby.
   */
  void awaitHealthy(Duration timeout);

  @Override
  void close();

  default Node node(String name) {
    return nodes().stream()
        .filter(n -> n.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no node named " + name));
  }

  default Node leader() {
    return currentLeader().orElseThrow(() -> new IllegalStateException("no leader in " + scope()));
  }

  /** The running members that are not the leader. */
  default List<Node> replicas() {
    Optional<Node> leader = currentLeader();
    return nodes().stream()
        .filter(Node::isRunning)
        .filter(n -> leader.isEmpty() || !n.name().equals(leader.get().name()))
        .toList();
  }

  /** {@code POST /switchover} to the leader, as patronictl sends it. */
  default HttpResult switchover(String candidate) {
    Node leader = leader();
    return leader.http(
        "POST",
        "/switchover",
        "{\"leader\": \"" + leader.name() + "\", \"candidate\": \"" + candidate + "\"}");
  }
}
