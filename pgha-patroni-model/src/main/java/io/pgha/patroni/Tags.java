package io.pgha.patroni;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A member's tags, with Patroni's names and defaults.
 *
 * @param noFailover {@code nofailover}: never promoted automatically
 * @param failoverPriority {@code failover_priority} (default 1; 0 means never promoted)
 * @param noLoadBalance {@code noloadbalance}: not used for read traffic
 * @param cloneFrom {@code clonefrom}: preferred source for new replicas
 * @param noSync {@code nosync}: never chosen as a synchronous standby
 * @param syncPriority {@code sync_priority} (default 1)
 * @param replicateFrom {@code replicatefrom}: cascade from this member instead of the leader
 * @param noStream {@code nostream}: restore from archive only
 * @param custom every other tag, kept as read so it round-trips
 */
public record Tags(
    boolean noFailover,
    int failoverPriority,
    boolean noLoadBalance,
    boolean cloneFrom,
    boolean noSync,
    int syncPriority,
    Optional<String> replicateFrom,
    boolean noStream,
    Map<String, Object> custom) {

  public static final int DEFAULT_FAILOVER_PRIORITY = 1;
  public static final int DEFAULT_SYNC_PRIORITY = 1;

  /** No tags set. */
  public static final Tags NONE =
      new Tags(
          false,
          DEFAULT_FAILOVER_PRIORITY,
          false,
          false,
          false,
          DEFAULT_SYNC_PRIORITY,
          Optional.empty(),
          false,
          Map.of());

  public Tags {
    replicateFrom = replicateFrom == null ? Optional.empty() : replicateFrom;
    custom = Maps.immutableCopy(custom);
  }

  /**
   * Whether an automatic failover may promote this member. As in Patroni, {@code nofailover} wins
   * over {@code failover_priority}, and a priority of 0 or less means never.
   */
  public boolean isFailoverCandidate() {
    return !noFailover && failoverPriority > 0;
  }

  public Tags withNoFailover(boolean value) {
    return new Tags(
        value,
        failoverPriority,
        noLoadBalance,
        cloneFrom,
        noSync,
        syncPriority,
        replicateFrom,
        noStream,
        custom);
  }

  public Tags withFailoverPriority(int value) {
    return new Tags(
        noFailover,
        value,
        noLoadBalance,
        cloneFrom,
        noSync,
        syncPriority,
        replicateFrom,
        noStream,
        custom);
  }

  public Tags withNoLoadBalance(boolean value) {
    return new Tags(
        noFailover,
        failoverPriority,
        value,
        cloneFrom,
        noSync,
        syncPriority,
        replicateFrom,
        noStream,
        custom);
  }

  public Tags withNoSync(boolean value) {
    return new Tags(
        noFailover,
        failoverPriority,
        noLoadBalance,
        cloneFrom,
        value,
        syncPriority,
        replicateFrom,
        noStream,
        custom);
  }

  public Tags withCustom(String key, Object value) {
    Map<String, Object> copy = new TreeMap<>(custom);
    copy.put(key, value);
    return new Tags(
        noFailover,
        failoverPriority,
        noLoadBalance,
        cloneFrom,
        noSync,
        syncPriority,
        replicateFrom,
        noStream,
        copy);
  }
}
