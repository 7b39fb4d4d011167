package io.pgha.core.ha;

import static io.pgha.core.ha.Situation.seconds;

import io.pgha.patroni.ClusterView;
import io.pgha.patroni.DynamicConfig;
import io.pgha.patroni.Member;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Patroni's failsafe mode ({@code failsafe_mode} in the dynamic configuration), as pure rules.
 *
 * <p>Without it, a leader that etcd cannot confirm demotes before its lease could expire. With it,
 * the leader may stay primary while every member of the last known member set (the {@code failsafe}
 * key, and the members of the last view) accepts it over the HTTP API ({@code POST /failsafe}). A
 * member that accepts promises not to race for the leader key for one {@code ttl} after the
 * heartbeat, so the leader counts on a round of confirmations only until {@code round start + ttl -
 * ttl/4}: the same margin as its lease. A single member that does not answer is enough to demote
 * the leader: only all of them can rule out a majority of members behind a partition, electing
 * someone else through a part of etcd the leader cannot see.
 */
public final class Failsafe {
  private Failsafe() {}

  /**
   * The leader's decision when its lease is not live although PostgreSQL runs read-write; empty to
   * demote as usual.
   */
  static Optional<Decision> withoutLease(Situation s) {
    if (!s.config().failsafeMode()) {
      return Optional.empty();
    }
    OptionalLong until = s.local().failsafeConfirmedUntilNanos();
    if (until.isEmpty() || s.now().nanos() - until.getAsLong() >= 0) {
      return Optional.empty();
    }
    String left = seconds(until.getAsLong() - s.now().nanos());
    if (!s.viewIsStale()) {
      Optional<String> other = s.otherLeader();
      if (other.isPresent()) {
        return Optional.empty();
      }
      if (s.view().isUnlocked()) {
        return Optional.of(
            Promotion.race(
                s,
                "etcd answers again but my leader key expired meanwhile; failsafe mode kept me"
                    + " primary (every member confirmed, for another "
                    + left
                    + "): taking the key back"));
      }
    }
    return Optional.of(
        Decision.of(
            "continuing to run as the leader because failsafe mode is enabled and all members"
                + " are accessible: etcd cannot confirm my lease, every member confirmed over the"
                + " API that it accepts me (for another "
                + left
                + ")",
            Action.of(ActionKind.WAIT)));
  }

  /**
   * The leader's decision after a member did not confirm it while etcd does not confirm its lease
   * (Patroni's "demoting self because DCS is not accessible and I was a leader"): PostgreSQL stops
   * taking writes and runs read-only, following nobody, until etcd confirms the lease again; the
   * leader key is not released (etcd cannot be written), so the member may lead again then. Empty
   * when there is no such refusal, failsafe mode is off, the cluster is paused, or this member
   * neither leads in its view nor runs read-write.
   *
   * <p>The agent does the demotion at once as a reflex, when the round is refused (the fence, then
   * the read-only start), as the lease reflex fences at the lease deadline: this rule is the same
   * answer, which the next cycle finds done (read-only: wait) or does itself.
   */
  static Optional<Decision> afterRefusal(Situation s) {
    LocalState local = s.local();
    if (!s.config().failsafeMode()
        || s.paused()
        || local.failsafeRefusal().isEmpty()
        || !(local.isReadWrite() || s.iAmLeader())) {
      return Optional.empty();
    }
    String why =
        "failsafe mode: etcd does not confirm my lease and " + local.failsafeRefusal().get() + ": ";
    if (local.isReadWrite()) {
      return Optional.of(
          Decision.of(
              why
                  + "demoting self because DCS is not accessible and I was a leader: stopping"
                  + " PostgreSQL and starting it read-only, following no one",
              Action.of(ActionKind.DEMOTE),
              Action.of(ActionKind.START_AS_REPLICA)));
    }
    if (local.running() || local.postmasterStarting() || local.dataDirectoryEmpty()) {
      return Optional.of(
          Decision.of(
              why + "staying read-only until etcd confirms my lease again",
              Action.of(ActionKind.WAIT)));
    }
    return Optional.of(
        Decision.of(
            why + "starting PostgreSQL read-only, following no one, until etcd confirms my lease",
            Action.of(ActionKind.START_AS_REPLICA)));
  }

  /**
   * Whether this cycle could not read etcd and its decision is a failsafe leader's demotion or
   * read-only start after a refusal ({@link #afterRefusal}).
   */
  static boolean demotesWithoutEtcd(Situation s) {
    return s.local().etcdReadFailed() && afterRefusal(s).isPresent();
  }

  /**
   * Whether the last complete round of confirmations still lets the leader stay primary at {@code
   * nowNanos} without a lease etcd confirms.
   *
   * @param failsafeMode the configuration in effect has {@code failsafe_mode}
   * @param confirmedUntilNanos until when the last complete round covers the leader (see {@link
   *     #confirmedUntil}); empty when no round was complete since etcd last confirmed the lease
   */
  public static boolean confirmationsCover(
      boolean failsafeMode, OptionalLong confirmedUntilNanos, long nowNanos) {
    return failsafeMode
        && confirmedUntilNanos.isPresent()
        && nowNanos - confirmedUntilNanos.getAsLong() < 0;
  }

  /**
   * The lease reflex's question when etcd stops confirming the leader's lease: may the fence wait?
   * Yes while every member's confirmations cover this member and the view names no other leader;
   * the fence is then carried out the moment they lapse.
   *
   * @param leaderInView who the last view says holds the leader key
   * @return the sentence to log when the fence waits; empty to fence now
   */
  public static Optional<String> deferFencing(
      boolean failsafeMode,
      OptionalLong confirmedUntilNanos,
      Optional<String> leaderInView,
      String me,
      long nowNanos) {
    if (!confirmationsCover(failsafeMode, confirmedUntilNanos, nowNanos)
        || leaderInView.filter(l -> !l.equals(me)).isPresent()) {
      return Optional.empty();
    }
    return Optional.of(
        "not demoting yet: failsafe mode is on and every member confirmed me as leader (for"
            + " another "
            + TimeUnit.NANOSECONDS.toMillis(confirmedUntilNanos.getAsLong() - nowNanos)
            + "ms)");
  }

  /**
   * The heartbeat of another leader this member accepted within the last {@code ttl}, in failsafe
   * mode; empty otherwise.
   */
  static Optional<FailsafeContact> freshContact(Situation s) {
    if (!s.config().failsafeMode()) {
      return Optional.empty();
    }
    return s.local()
        .failsafeContact()
        .filter(c -> !c.leader().equals(s.name()))
        .filter(
            c ->
                s.now().nanos() - c.receivedAtNanos() < TimeUnit.SECONDS.toNanos(s.config().ttl()));
  }

  /** Why this member may not race for a free leader key in failsafe mode; empty if it may. */
  static Optional<String> whyNotRace(Situation s) {
    if (!s.config().failsafeMode()) {
      return Optional.empty();
    }
    Optional<FailsafeContact> contact = freshContact(s);
    if (contact.isPresent()) {
      long age = s.now().nanos() - contact.get().receivedAtNanos();
      return Optional.of(
          "("
              + contact.get().leader()
              + ") told me "
              + seconds(age)
              + " ago over the API that it still runs as primary (failsafe mode): not racing"
              + " within ttl of that");
    }
    Optional<Map<String, String>> failsafe = s.view().failsafe();
    if (failsafe.isPresent()
        && !failsafe.get().isEmpty()
        && !failsafe.get().containsKey(s.name())) {
      return Optional.of(
          "failsafe mode is on and I am not in the failsafe key's member list "
              + new TreeMap<>(failsafe.get()).keySet());
    }
    return Optional.empty();
  }

  /**
   * Why this member refuses a leader's failsafe heartbeat; empty to accept it.
   *
   * @param me this member
   * @param sender the member that claims to lead
   * @param runsReadWrite whether this member's PostgreSQL runs read-write
   */
  public static Optional<String> whyRefuseHeartbeat(
      String me, String sender, boolean runsReadWrite) {
    if (sender.equals(me)) {
      return Optional.of("(" + me + ") is this member: a leader does not confirm itself");
    }
    if (runsReadWrite) {
      return Optional.of("Running as a leader: (" + me + ") runs PostgreSQL read-write itself");
    }
    return Optional.empty();
  }

  /**
   * The {@code failsafe} key the leader keeps while healthy: every member that publishes an API
   * URL, name to {@code api_url}.
   */
  public static Map<String, String> topology(ClusterView view) {
    Map<String, String> members = new TreeMap<>();
    for (Member m : view.members().values()) {
      if (!m.apiUrl().isBlank()) {
        members.put(m.name(), m.apiUrl());
      }
    }
    return members;
  }

  /**
   * What the leader should write to the {@code failsafe} key after a cycle: the topology when
   * failsafe mode is on and the key differs; an empty map to delete a key left over when it is off;
   * empty when nothing is to be done.
   */
  public static Optional<Map<String, String>> keyUpdate(ClusterView view, DynamicConfig config) {
    Optional<Map<String, String>> current = view.failsafe();
    if (!config.failsafeMode()) {
      return current.isPresent() ? Optional.of(Map.of()) : Optional.empty();
    }
    Map<String, String> wanted = topology(view);
    if (wanted.isEmpty() || current.map(wanted::equals).orElse(false)) {
      return Optional.empty();
    }
    return Optional.of(wanted);
  }

  /**
   * Every member that must confirm the leader, name to {@code api_url}: the last known {@code
   * failsafe} key together with the members of the last view (the larger set is the safer one),
   * without the leader itself. A member known only without an API URL maps to an empty string: it
   * cannot confirm, so the leader cannot stay.
   */
  public static Map<String, String> membersToConfirm(ClusterView view, String me) {
    Map<String, String> members = new LinkedHashMap<>();
    view.failsafe().ifPresent(members::putAll);
    for (Member m : view.members().values()) {
      if (!m.apiUrl().isBlank() || !members.containsKey(m.name())) {
        members.put(m.name(), m.apiUrl());
      }
    }
    members.remove(me);
    return members;
  }

  /**
   * Whether {@code me} leads a cluster of one: the {@code failsafe} key, which the leader wrote
   * while etcd answered (it has no lease, so an outage does not shorten it), names only {@code me},
   * and the last view holds no other member. Patroni keeps such a leader running in an outage:
   * every member there is (none) has accepted it, and a member that appears only later has no data
   * to be promoted with. Without the key, or with any other member known, this is false.
   */
  public static boolean aloneInFailsafeKey(ClusterView view, String me) {
    return view.failsafe().map(k -> k.keySet().equals(java.util.Set.of(me))).orElse(false)
        && view.members().keySet().stream().allMatch(me::equals);
  }

  /**
   * Whether the leader should ask every member for a confirmation now: failsafe mode is on, it runs
   * as the primary and etcd has not confirmed its lease for {@code dueAfterNanos} ({@link
   * #heartbeatDueAfterNanos}), or the lease is gone. Asking while etcd answers would make the
   * members wait a ttl before racing after a clean switchover.
   *
   * @param lastConfirmedSendNanos when the last keep-alive etcd confirmed was sent; 0 for no lease
   */
  public static boolean heartbeatDue(
      boolean failsafeMode,
      boolean leadingReadWrite,
      long lastConfirmedSendNanos,
      long dueAfterNanos,
      long nowNanos) {
    if (!failsafeMode || !leadingReadWrite) {
      return false;
    }
    return lastConfirmedSendNanos == 0 || nowNanos - lastConfirmedSendNanos > dueAfterNanos;
  }

  /**
   * How long etcd may leave the leader's lease unconfirmed before the leader asks the members:
   * {@code retry_timeout}, the time Patroni retries etcd before it calls it unreachable and turns
   * to the members, but at least a second (many renewals) and at most half a ttl (a round must
   * finish well before the lease's deadline, {@code ttl - ttl/4} after the last renewal).
   */
  public static long heartbeatDueAfterNanos(DynamicConfig config) {
    long ttl = TimeUnit.SECONDS.toNanos(config.ttl());
    long retry = TimeUnit.SECONDS.toNanos(config.retryTimeout());
    return Math.max(TimeUnit.SECONDS.toNanos(1), Math.min(retry, ttl / 2));
  }

  /**
   * Whether a round that not every member accepted demotes the leader at once: etcd had not
   * confirmed its lease for {@code dueAfterNanos} ({@link #heartbeatDueAfterNanos}) when the round
   * started, or there is no lease. Otherwise the lease covers the leader (a round after one failed
   * read, while renewals go through).
   *
   * @param lastConfirmedSendNanos when the last keep-alive etcd confirmed was sent; 0 for no lease
   */
  public static boolean refusalDemotes(
      long lastConfirmedSendNanos, long roundStartNanos, long dueAfterNanos) {
    return lastConfirmedSendNanos == 0 || roundStartNanos - lastConfirmedSendNanos > dueAfterNanos;
  }

  /**
   * Until when a round of confirmations that started at {@code roundStartNanos} lets the leader
   * stay primary: each member waits a ttl from its own (later) receipt, the leader keeps a quarter
   * of it as margin for fencing and clock drift, as for its lease.
   */
  public static long confirmedUntil(long roundStartNanos, long ttlNanos) {
    return roundStartNanos + ttlNanos - ttlNanos / 4;
  }
}
