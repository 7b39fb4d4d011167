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
