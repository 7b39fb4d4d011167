package io.pgha.core.agent;

import io.pgha.core.ha.PeerPosition;
import io.pgha.core.ha.PeerPositions;
import io.pgha.core.postgres.Lsn;
import io.pgha.core.postgres.PeerStatusReader;
import io.pgha.core.postgres.PostgresStatus;
import io.pgha.core.postgres.RoleCredentials;
import io.pgha.core.postgres.Upstream;
import io.pgha.patroni.ClusterView;
import io.pgha.patroni.Member;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks every other member's PostgreSQL for its WAL position, in parallel and within a time limit.
 * Member keys can be a whole loop old; before racing for leadership a member must know whether a
 * peer is further ahead right now.
 *
 * <p>A connection that answered is kept for the next question: a hand-over asks the same peers
 * several times within a second, and on a loaded host each new connection (a fork and an
 * authentication on the peer) costs more than the question. A kept connection that fails is
 * replaced by a new one at once, so a peer that restarted is not taken for one that is gone.
 */
final class PeerProbe implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PeerProbe.class);

  private final String me;
  private final RoleCredentials superuser;
  private final ExecutorService pool;
  private final Map<String, Connection> idle = new ConcurrentHashMap<>();
  private volatile boolean closed;

  PeerProbe(String me, RoleCredentials superuser) {
    this.me = me;
    this.superuser = superuser;
    this.pool =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "pgha-peers-" + me);
              t.setDaemon(true);
              return t;
            });
  }

  /** The positions of the peers that answered within {@code timeout}. */
  PeerPositions positions(ClusterView view, Duration timeout) {
    Map<String, CompletableFuture<Optional<PeerPosition>>> asked = new HashMap<>();
    for (Member member : view.members().values()) {
      if (member.name().equals(me)) {
        continue;
      }
      ConnUrl.parse(member.connUrl())
          .ifPresent(server -> asked.put(member.name(), bounded(member.name(), server, timeout)));
    }
    forgetAllBut(asked.keySet());
    Map<String, PeerPosition> answered = new HashMap<>();
    asked.forEach((name, future) -> future.join().ifPresent(p -> answered.put(name, p)));
    return new PeerPositions(answered);
  }

  /**
   * The position of {@code member} if it answers within {@code timeout}. A hung peer (its sockets
   * open, nothing answering) costs the caller {@code timeout}, not the driver's socket timeouts.
   */
  Optional<PeerPosition> position(ClusterView view, String member, Duration timeout) {
    return view.member(member)
        .flatMap(m -> ConnUrl.parse(m.connUrl()))
        .flatMap(server -> bounded(member, server, timeout).join());
  }

  private CompletableFuture<Optional<PeerPosition>> bounded(
      String name, Upstream server, Duration timeout) {
    return CompletableFuture.supplyAsync(() -> ask(name, server, timeout), pool)
        .completeOnTimeout(Optional.empty(), timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private Optional<PeerPosition> ask(String name, Upstream server, Duration timeout) {
    String key = name + "@" + server.host() + ":" + server.port();
    Connection kept = idle.remove(key);
    if (kept != null) {
      try {
        PeerPosition position = read(name, kept);
        keep(key, kept);
        return Optional.of(position);
      } catch (SQLException | RuntimeException e) {
        LOG.debug("[{}] kept connection to {} failed ({}); reconnecting", me, name, e.getMessage());
        closeQuietly(kept);
      }
    }
    Connection c = null;
    try {
      c = open(server, timeout);
      PeerPosition position = read(name, c);
      keep(key, c);
      return Optional.of(position);
    } catch (SQLException | RuntimeException e) {
      LOG.debug("[{}] peer {} at {} did not answer: {}", me, name, server, e.getMessage());
      closeQuietly(c);
      return Optional.empty();
    }
  }

  private Connection open(Upstream server, Duration timeout) throws SQLException {
    int seconds = (int) Math.max(1, timeout.toSeconds());
    Properties props = superuser.security().jdbcProperties();
    props.setProperty("user", superuser.name());
    if (superuser.password() != null) {
      props.setProperty("password", superuser.password());
    }
    props.setProperty("connectTimeout", Integer.toString(seconds));
    props.setProperty("socketTimeout", Integer.toString(seconds));
    props.setProperty("loginTimeout", Integer.toString(seconds));
    props.setProperty("ApplicationName", "pgha-peer-probe");
    String url = "jdbc:postgresql://" + server.host() + ":" + server.port() + "/postgres";
    return DriverManager.getConnection(url, props);
  }

  private static PeerPosition read(String name, Connection c) throws SQLException {
    PostgresStatus status = PeerStatusReader.read(c);
    Lsn position = status.walPosition();
    return new PeerPosition(
        name,
        !status.isStandby(),
        status.timeline() == null ? 0 : status.timeline(),
        position == null ? 0 : position.value());
  }

  private void keep(String key, Connection c) {
    Connection previous = idle.put(key, c);
    if (previous != null) {
      closeQuietly(previous);
    }
    if (closed) {
      closeIdle();
    }
  }

  /** Closes kept connections to members no longer in the cluster. */
  private void forgetAllBut(Set<String> names) {
    for (String key : idle.keySet()) {
      String name = key.substring(0, key.lastIndexOf('@'));
      if (!names.contains(name)) {
        Connection c = idle.remove(key);
        closeQuietly(c);
      }
    }
  }

  private void closeIdle() {
    for (String key : idle.keySet()) {
      closeQuietly(idle.remove(key));
    }
  }

  private static void closeQuietly(Connection c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (SQLException e) {
      // already gone
    }
  }

  @Override
  public void close() {
    closed = true;
    pool.shutdownNow();
    closeIdle();
  }
}
