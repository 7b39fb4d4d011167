package io.pgha.spring.boot;

import io.pgha.jdbc.routing.PghaMetrics;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The last leader changes the DataSource saw, newest first, for the {@code pgha} actuator endpoint.
 * It listens through {@link PghaMetrics#leaderChanged}; a change to no leader (a failover in
 * progress) is recorded too.
 */
public final class LeaderChangeHistory implements PghaMetrics {

  /** How many changes are kept. */
  public static final int CAPACITY = 20;

  /**
   * One change of the writable leader.
   *
   * @param at when the DataSource installed it
   * @param previous the previous leader, or null
   * @param current the new leader, or null while there is none
   */
  public record LeaderChange(Instant at, String previous, String current) {}

  private final Clock clock;
  private final Deque<LeaderChange> changes = new ArrayDeque<>();

  public LeaderChangeHistory() {
    this(Clock.systemUTC());
  }

  LeaderChangeHistory(Clock clock) {
    this.clock = clock;
  }

  @Override
  public void leaderChanged(String previous, String current) {
    synchronized (changes) {
      changes.addFirst(new LeaderChange(clock.instant(), previous, current));
      while (changes.size() > CAPACITY) {
        changes.removeLast();
      }
    }
  }

  /** The recorded changes, newest first. */
  public List<LeaderChange> changes() {
    synchronized (changes) {
      return new ArrayList<>(changes);
    }
  }
}
