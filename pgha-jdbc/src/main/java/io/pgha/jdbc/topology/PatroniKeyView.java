package io.pgha.jdbc.topology;

import io.pgha.patroni.DcsKeys;
import io.pgha.patroni.Drain;
import io.pgha.patroni.PatroniCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's keys under {@code <namespace>/<scope>/} as last seen, turned into a {@link
 * Topology} on demand. Values are read by pgha-patroni-model's {@link PatroniCodec}, as the agent
 * reads them. A malformed member value is logged and the member's last good value kept, so one bad
 * write cannot take a member out of routing. Not thread-safe: one source thread owns it.
 */
public final class PatroniKeyView {

  private static final Logger LOG = LoggerFactory.getLogger(PatroniKeyView.class);

  private final String prefix;
  private final Map<String, RoutingMembers.MemberKey> members = new TreeMap<>();
  private String leader;
  private long statusOptime = -1;
  private String drainingLeader;
  private long drainUntilNanos;

  /**
   * @param prefix the key prefix, {@code <namespace>/<scope>/}
   */
  public PatroniKeyView(String prefix) {
    this.prefix = prefix;
  }

  /** Forgets everything, before a full re-read. */
  public void clear() {
    members.clear();
    leader = null;
    statusOptime = -1;
    drainingLeader = null;
  }

  /** True when no key of the cluster has been seen. */
  public boolean isEmpty() {
    return members.isEmpty() && leader == null;
  }

  /** Applies a put of {@code key} (full key, with the prefix). */
  public void put(String key, String value) {
    String rel = relative(key);
    if (rel == null) {
      return;
    }
    if (rel.equals(DcsKeys.LEADER)) {
      leader = leaderName(key, value);
    } else if (rel.equals(DcsKeys.STATUS)) {
      statusOptime = statusOptime(key, value);
    } else if (rel.equals(DcsKeys.DRAIN)) {
      try {
        Drain drain = PatroniCodec.decodeDrain(key, value, w -> LOG.warn("{}", w));
        drainingLeader = drain.leader();
        // Counted from when this client saw it: the bound holds whatever the clocks say.
        drainUntilNanos =
            System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(drain.timeout().toMillis());
      } catch (IllegalArgumentException e) {
        LOG.warn("ignoring malformed value of {}drain ({})", prefix, e.getMessage());
      }
    } else if (rel.startsWith(DcsKeys.MEMBERS)) {
      String name = rel.substring(DcsKeys.MEMBERS.length());
      try {
        members.put(name, RoutingMembers.memberKey(key, name, value));
      } catch (IllegalArgumentException e) {
        LOG.warn(
            "ignoring malformed value of {}{} ({}); keeping the last good value of member {}",
            prefix,
            rel,
            e.getMessage(),
            name);
      }
    }
  }

  /** Applies a delete of {@code key}. */
  public void delete(String key) {
    String rel = relative(key);
    if (rel == null) {
      return;
    }
    if (rel.equals(DcsKeys.LEADER)) {
      leader = null;
    } else if (rel.equals(DcsKeys.STATUS)) {
      statusOptime = -1;
    } else if (rel.equals(DcsKeys.DRAIN)) {
      drainingLeader = null;
    } else if (rel.startsWith(DcsKeys.MEMBERS)) {
      members.remove(rel.substring(DcsKeys.MEMBERS.length()));
    }
  }

  /** The topology these keys describe, with each replica's lag behind the leader. */
  public Topology topology() {
    long leaderPosition = statusOptime;
    RoutingMembers.MemberKey leaderKey = leader == null ? null : members.get(leader);
    if (leaderKey != null) {
      leaderPosition = Math.max(leaderPosition, leaderKey.walPosition());
    }
    List<Member> list = new ArrayList<>(members.size());
    for (RoutingMembers.MemberKey k : members.values()) {
      list.add(k.member().withLag(lag(k, leaderPosition)));
    }
    return new Topology(leader, list, drainRemainingNanos() > 0 ? drainingLeader : null);
  }

  /**
   * How long the leader's drain still holds writes back, in nanoseconds; 0 when there is none. A
   * source republishes the topology when it runs out, in case the key outlives its deadline.
   */
  public long drainRemainingNanos() {
    if (drainingLeader == null) {
      return 0;
    }
    return Math.max(0, drainUntilNanos - System.nanoTime());
  }

  private static long lag(RoutingMembers.MemberKey k, long leaderPosition) {
    if (k.member().role() == MemberRole.PRIMARY) {
      return 0;
    }
    // Patroni 4.x and pgha publish the replay position; 3.x only the received one.
    long position = k.replayPosition() >= 0 ? k.replayPosition() : k.walPosition();
    if (leaderPosition < 0 || position < 0) {
      return Member.UNKNOWN_LAG;
    }
    return Math.max(0, leaderPosition - position);
  }

  /** The leader key's value, or null when it is blank or unreadable. */
  private static String leaderName(String key, String value) {
    try {
      return PatroniCodec.decodePlain(key, value);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** The {@code optime} of the {@code status} key, -1 if absent or unreadable. */
  private static long statusOptime(String key, String value) {
    try {
      return PatroniCodec.decodeStatus(key, value, RoutingMembers::ignored).optime().orElse(-1);
    } catch (IllegalArgumentException e) {
      return -1;
    }
  }

  private String relative(String key) {
    return key.startsWith(prefix) ? key.substring(prefix.length()) : null;
  }
}
