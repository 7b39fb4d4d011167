package io.pgha.core.postgres;

import io.pgha.core.postgres.PostgresControlException.Kind;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Promotes a running standby: {@code pg_promote}, the end of recovery watched closely, the files
 * rewritten for a primary, then a checkpoint so that pg_control shows the new timeline. Called by
 * {@link RoleChanges} under its lock.
 */
final class Promoter {
  private static final Logger LOG = LoggerFactory.getLogger(Promoter.class);
  private static final Duration PROMOTION_POLL = Duration.ofMillis(10);

  private final PostgresConfig config;
  private final LocalSql sql;
  private final ServerSettings settings;
  private final Fencing fencing;

  Promoter(PostgresConfig config, LocalSql sql, ServerSettings settings, Fencing fencing) {
    this.config = config;
    this.sql = sql;
    this.settings = settings;
    this.fencing = fencing;
  }

  /**
   * @param fenceEpoch {@link Fencing#epoch()} when the promotion was asked for
   */
  Promotion promote(Duration timeout, Consumer<PostgresStatus> whenWritable, long fenceEpoch) {
    int seconds = (int) Math.max(1, timeout.toSeconds());
    // One connection for the whole promotion: on a loaded host every new one costs a fork and an
    // authentication, and the promotion is what writers are waiting for.
    try (Connection c = connect(seconds + 10)) {
      requireStandby(config.name(), "promote", StatusQuery.read(c));
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
      awaitEndOfRecovery(c, timeout);
      settings.upstream(null);
      settings.write();
      whenWritable.accept(StatusQuery.read(c));
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
          "{}: promoted to primary on timeline {} (switched from {} at {})",
          config.name(),
          timeline,
          promotion.previousTimeline(),
          promotion.switchLsn());
      return promotion;
    } catch (SQLException e) {
      throw new PostgresControlException(
          Kind.PROMOTE_FAILED, "promoting " + config.name() + " failed: " + e.getMessage(), e);
    } finally {
      fencing.promotionOver();
    }
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
      throw new PostgresControlException(
          Kind.WRONG_STATE,
          action
              + " needs a running standby, but "
              + member
              + (status.acceptingConnections() ? " is a primary" : " is not answering"));
    }
  }
}
