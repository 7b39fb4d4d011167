package io.pgha.core.ha;

import io.pgha.patroni.ClusterView;
import io.pgha.patroni.DynamicConfig;
import io.pgha.patroni.HistoryEntry;
import io.pgha.patroni.Member;
import io.pgha.patroni.Tags;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** The inputs of one decision and the facts derived from them that several rules share. */
record Situation(
    LocalState local,
    ClusterView view,
    DynamicConfig config,
    MemberIdentity me,
    PeerPositions peers,
    Now now) {

  String name() {
    return me.name();
  }

  boolean paused() {
    return config.pause();
  }

  boolean iAmLeader() {
    return view.isLeader(me.name());
  }

  Optional<String> otherLeader() {
    return view.leader().map(l -> l.name()).filter(n -> !n.equals(me.name()));
  }

  /** We hold a lease whose deadline has not passed: the only time we may act as leader. */
  boolean leaseLive() {
    return local.leaseDeadlineNanos().isPresent()
        && now.nanos() - local.leaseDeadlineNanos().getAsLong() < 0;
  }

  long viewAgeNanos() {
    return now.nanos() - local.viewConfirmedAtNanos();
  }

  /**
   * A view older than one ttl may miss a whole lease lifetime of changes (a leader that died and
   * one that replaced it), so nothing that depends on who leads is decided from it.
   */
  boolean viewIsStale() {
    return viewAgeNanos() > TimeUnit.SECONDS.toNanos(config.ttl());
  }

  /**
   * This standby streams from no one for at least {@code retry_timeout} while it is on an older
   * timeline than the leader: it received WAL the leader never had (a deposed primary's last WAL,
   * sent after the check that let it follow), and PostgreSQL will not switch to the leader's
   * timeline. Nothing fixes that but a rejoin (pg_rewind).
   */
  boolean stuckBehindLeaderTimeline() {
    int leaderTimeline = view.leaderMember().flatMap(m -> boxed(m.timeline())).orElse(0);
    return local.isReplica()
        && local.timeline() > 0
        && local.timeline() < leaderTimeline
        && local.notStreamingSinceNanos().isPresent()
        && now.nanos() - local.notStreamingSinceNanos().getAsLong()
            >= TimeUnit.SECONDS.toNanos(config.retryTimeout());
  }

  private static Optional<Integer> boxed(java.util.OptionalInt v) {
    return v.isPresent() ? Optional.of(v.getAsInt()) : Optional.empty();
  }

  long postgresDownForNanos() {
    return local.postgresDownSinceNanos().isPresent()
        ? Math.max(0, now.nanos() - local.postgresDownSinceNanos().getAsLong())
        : 0;
  }

  /** Patroni's cluster timeline: the one after the last recorded switch, 0 when unknown. */
  long clusterTimeline() {
    List<HistoryEntry> history = view.history();
    return history.isEmpty() ? 0 : history.get(history.size() - 1).timeline() + 1;
  }

  /** The tags another member publishes (none when it has no member key). */
  Tags tagsOf(String member) {
    return view.member(member).map(Member::tags).orElse(Tags.NONE);
  }

  static String seconds(long nanos) {
    return String.format(Locale.ROOT, "%.1fs", nanos / 1e9);
  }
}
