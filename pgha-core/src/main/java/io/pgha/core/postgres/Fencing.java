package io.pgha.core.postgres;

import io.pgha.core.postgres.PostgresControlException.Kind;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fencing: stops a server that takes writes, or may soon (a promotion under way), at once, by
 * SIGQUIT to its postmaster ({@link PostmasterSupervisor#quit}). It takes no lock and opens no
 * connection: neither a role change in progress (with its checkpoint or pg_rewind) nor a hung
 * server holds it up.
 *
 * <p>It counts the fences. A role change notes the count when it is called ({@link #epoch()}) and
 * does not make the server writable if a fence came since ({@link #requireNoneSince}): its caller
 * decided before the fence. A promotion announces itself ({@link #promotionMayEndRecovery}) before
 * it checks, and a fence counts itself before it looks: one of the two always sees the other.
 */
final class Fencing {
  private final String member;
  private final PostmasterSupervisor supervisor;
  private final ServerSettings settings;
  private final AtomicLong fences = new AtomicLong();
  private volatile boolean promoting;

  Fencing(String member, PostmasterSupervisor supervisor, ServerSettings settings) {
    this.member = member;
    this.supervisor = supervisor;
    this.settings = settings;
  }

  /**
   * Quits the postmaster unless it is a standby ({@code standby.signal}: PostgreSQL removes it
   * before it takes a write) with no promotion under way; waits at most {@code timeout} for the
   * exit.
   *
   * @return whether a postmaster was told to quit
   * @throws PostgresControlException STOP_FAILED when it still runs after {@code timeout}
   */
  boolean fence(Duration timeout) {
    fences.incrementAndGet();
    if (!promoting && settings.standbySignal()) {
      return false;
    }
    return supervisor.quit(timeout).isPresent();
  }

  /** How many fences came so far, for {@link #requireNoneSince}. */
  long epoch() {
    return fences.get();
  }

  /**
   * @throws PostgresControlException WRONG_STATE when a fence came since {@code epoch}
   */
  void requireNoneSince(long epoch, String action) {
    if (fences.get() != epoch) {
      throw new PostgresControlException(
          Kind.WRONG_STATE,
          action + " on " + member + " refused: PostgreSQL was fenced since it was asked");
    }
  }

  /**
   * Called by a promotion right before it ends recovery: from now on a fence quits the server even
   * though it is a standby still.
   *
   * @throws PostgresControlException WRONG_STATE when a fence came since {@code epoch}
   */
  void promotionMayEndRecovery(long epoch) {
    promoting = true;
    requireNoneSince(epoch, "promoting");
  }

  void promotionOver() {
    promoting = false;
  }
}
