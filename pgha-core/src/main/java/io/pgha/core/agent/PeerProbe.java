package io.pgha.core.agent;

import io.pgha.core.cluster.ClusterView;
import io.pgha.core.cluster.Member;
import io.pgha.core.ha.PeerPosition;
import io.pgha.core.ha.PeerPositions;
import io.pgha.core.postgres.Lsn;
import io.pgha.core.postgres.PeerStatusReader;
import io.pgha.core.postgres.PostgresStatus;
import io.pgha.core.postgres.RoleCredentials;
import io.pgha.core.postgres.Upstream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks every other member's PostgreSQL for its WAL position, in parallel and within a time limit.
 * Member keys can be a whole loop old; before racing for leadership a member must know whether a
 * peer is further ahead right now.
 */
final class PeerProbe implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PeerProbe.class);

  private final String me;
  private final RoleCredentials superuser;
  private final ExecutorService pool;

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
          .ifPresent(
              server ->
                  asked.put(
                      member.name(),
                      CompletableFuture.supplyAsync(() -> ask(member.name(), server, timeout), pool)
                          .completeOnTimeout(
                              Optional.empty(), timeout.toMillis(), TimeUnit.MILLISECONDS)));
    }
    Map<String, PeerPosition> answered = new HashMap<>();
    asked.forEach((name, future) -> future.join().ifPresent(p -> answered.put(name, p)));
    return new PeerPositions(answered);
  }

  /** The position of {@code member} if it answers within {@code timeout}. */
  Optional<PeerPosition> position(ClusterView view, String member, Duration timeout) {
    return view.member(member)
        .flatMap(m -> ConnUrl.parse(m.connUrl()))
        .flatMap(server -> ask(member, server, timeout));
  }

  private Optional<PeerPosition> ask(String name, Upstream server, Duration timeout) {
    int seconds = (int) Math.max(1, timeout.toSeconds());
    Properties props = new Properties();
    props.setProperty("user", superuser.name());
    if (superuser.password() != null) {
      props.setProperty("password", superuser.password());
    }
    props.setProperty("connectTimeout", Integer.toString(seconds));
    props.setProperty("socketTimeout", Integer.toString(seconds));
    props.setProperty("loginTimeout", Integer.toString(seconds));
    props.setProperty("ApplicationName", "pgha-peer-probe");
    String url = "jdbc:postgresql://" + server.host() + ":" + server.port() + "/postgres";
    try (Connection c = DriverManager.getConnection(url, props)) {
      PostgresStatus status = PeerStatusReader.read(c);
      Lsn position = status.walPosition();
      return Optional.of(
          new PeerPosition(
              name,
              !Boolean.TRUE.equals(status.inRecovery()),
              status.timeline() == null ? 0 : status.timeline(),
              position == null ? 0 : position.value()));
    } catch (SQLException | RuntimeException e) {
      LOG.debug("[{}] peer {} at {} did not answer: {}", me, name, server, e.getMessage());
      return Optional.empty();
    }
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
