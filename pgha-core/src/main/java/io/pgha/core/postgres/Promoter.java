package io.pgha.core.postgres;

import io.pgha.core.postgres.PostgresControlException.Kind;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Promotes a running standby: {@code pg_promote}, the end of recovery watched closely, the member
 * told at once that the server takes writes, then what only a primary needs and writers do not wait
 * for: the files rewritten for a primary, a checkpoint so that pg_control shows the new timeline,
 * the timeline history. Called by {@link RoleChanges} under its lock.
 */
final class Promoter {
  private static final Logger LOG = LoggerFactory.getLogger(Promoter.class);

  /**
   * How often the end of recovery is asked for: PostgreSQL takes 15–40 ms to end it on a loaded
   * host, and every poll is a short query on a connection already open.
   */
  private static final Duration PROMOTION_POLL = Duration.ofMillis(2);

  private final PostgresConfig config;
  private final LocalSql sql;
  private final ServerSettings settings;
  private final Fencing fencing;
  private final PromotionConnection ready;

  Promoter(PostgresConfig config, LocalSql sql, ServerSettings settings, Fencing fencing) {
    this.config = config;
    this.sql = sql;
    this.settings = settings;
    this.fencing = fencing;
    this.ready = new PromotionConnection(config.name(), sql);
  }

  /**
   * Keeps a connection open for the next promotion while {@code status} is a standby that answers,
   * and gives it up otherwise.
   */
  void observed(PostgresStatus status) {
    if (status.isStandby()) {
      ready.prepare();
    } else {
      ready.discard();
    }
  }

  /** Closes the connection kept for a promotion: the server is about to stop. */
  void discardConnection() {
    ready.discard();
  }

  /**
   * @param fenceEpoch {@link Fencing#epoch()} when the promotion was asked for
   */
  Promotion promote(Duration timeout, Consumer<PostgresStatus> whenWritable, long fenceEpoch) {
    long started = System.nanoTime();
    int seconds = (int) Math.max(1, timeout.toSeconds());
    // One connection for the whole promotion, opened before the race when possible: on a loaded
    // host every new one costs a fork and an authentication, and writers are waiting.
    try (Connection c = standbyConnection(seconds + 10)) {
      long connected = System.nanoTime();
      fencing.promotionMayEndRecovery(fenceEpoch);
      // pg_promote(wait => true) looks for the end of recovery only every 100 ms; asking for the
      // promotion and watching for its end here tells it sooner.
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT pg_promote(false)")) {
        rs.next();
        if (!rs.getBoolean(1)) {
          throw new PostgresControlException(
              Kind.PROMOTE_FAILED, config.name() + " could not signal the promotion");
        }
      }
      long signalled = System.nanoTime();
      awaitEndOfRecovery(c, timeout);
      long writable = System.nanoTime();
      // Writers and a draining leader wait for the member key; nothing below is needed before it.
      whenWritable.accept(StatusQuery.read(c));
      long announced = System.nanoTime();
      settings.upstream(null);
      settings.write();
      // pg_control keeps the old timeline until the first checkpoint after promotion; pg_rewind
      // against this server reads it from there, so make it current now.
      try (Statement s = c.createStatement()) {
        s.execute("CHECKPOINT");
      }
      int timeline = TimelineQueries.currentTimeline(c);
      TimelineHistory history = TimelineHistory.parse(TimelineQueries.readHistory(c, timeline));
      TimelineHistory.Entry last =
          history.entries().isEmpty() ? null : history.entries().get(history.entries().size() - 1);
      Promotion promotion =
          new Promotion(
              last == null ? timeline - 1 : last.parentTimeline(),
              timeline,
              last == null ? null : last.switchLsn());
      LOG.info(
          "{}: promoted to primary on timeline {} (switched from {} at {}); writable after {} ms"
              + " (connection and checks {}, pg_promote {}, end of recovery {}), announced after"
              + " {} ms, done after {} ms",
          config.name(),
          timeline,
          promotion.previousTimeline(),
          promotion.switchLsn(),
          millis(started, writable),
          millis(started, connected),
          millis(connected, signalled),
          millis(signalled, writable),
          millis(started, announced),
          millis(started, System.nanoTime()));
      return promotion;
    } catch (SQLException e) {
      throw new PostgresControlException(
          Kind.PROMOTE_FAILED, "promoting " + config.name() + " failed: " + e.getMessage(), e);
    } finally {
      fencing.promotionOver();
    }
  }

  /**
   * A connection to the server, checked to be a standby: the one kept for this, or, when none is
   * kept or it broke since (a restart), a new one.
   */
  private Connection standbyConnection(int socketTimeoutSeconds) throws SQLException {
    Optional<Connection> kept = ready.take();
    if (kept.isPresent()) {
      Connection c = kept.get();
      try {
        c.setNetworkTimeout(Runnable::run, socketTimeoutSeconds * 1000);
        requireStandby(c);
        return c;
      } catch (SQLException e) {
        LOG.debug(
            "{}: the connection kept for a promotion broke: {}", config.name(), e.getMessage());
        close(c);
      } catch (RuntimeException e) {
        close(c);
        throw e;
      }
    }
    Connection c = connect(socketTimeoutSeconds);
    try {
      requireStandby(c);
      return c;
    } catch (SQLException | RuntimeException e) {
      close(c);
      throw e;
    }
  }

  private void requireStandby(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
      rs.next();
      if (!rs.getBoolean(1)) {
        throw notAStandby(config.name(), "promote", true);
      }
    }
  }

  private static void close(Connection c) {
    try {
      c.close();
    } catch (SQLException e) {
      // gone already
    }
  }

  private static long millis(long from, long to) {
    return (to - from) / 1_000_000;
  }

  private Connection connect(int socketTimeoutSeconds) {
    try {
      return sql.connect(socketTimeoutSeconds);
    } catch (SQLException e) {
      requireStandby(config.name(), "promote", PostgresStatus.notAnswering(true));
      throw new IllegalStateException("unreachable", e);
    }
  }

  private void awaitEndOfRecovery(Connection c, Duration timeout) throws SQLException {
    long deadline = Deadlines.deadline(timeout);
    try (Statement s = c.createStatement()) {
      while (true) {
        try (ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
          rs.next();
          if (!rs.getBoolean(1)) {
            return;
          }
        }
        if (Deadlines.passed(deadline)) {
          throw new PostgresControlException(
              Kind.PROMOTE_FAILED, config.name() + " did not finish promotion within " + timeout);
        }
        Deadlines.sleep(PROMOTION_POLL);
      }
    }
  }

  /**
   * @throws PostgresControlException WRONG_STATE unless {@code status} is a standby that answers
   */
  static void requireStandby(String member, String action, PostgresStatus status) {
    if (!status.isStandby()) {
      throw notAStandby(member, action, status.acceptingConnections());
    }
  }

  private static PostgresControlException notAStandby(
      String member, String action, boolean answers) {
    return new PostgresControlException(
        Kind.WRONG_STATE,
        action
            + " needs a running standby, but "
            + member
            + (answers ? " is a primary" : " is not answering"));
  }
}
