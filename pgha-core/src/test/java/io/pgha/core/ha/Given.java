package io.pgha.core.ha;

import io.pgha.patroni.ClusterView;
import io.pgha.patroni.DynamicConfig;
import io.pgha.patroni.Member;
import io.pgha.patroni.Role;
import io.pgha.patroni.Tags;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * A decision's inputs for tests, starting from a healthy 3-member cluster seen by {@code pg-1}: a
 * running replica on timeline 2 at WAL 1000, a fresh view (with a {@code config} key), a live
 * lease, no leader yet.
 */
final class Given {
  static final String ME = "pg-1";
  static final String SYSID = "7712415343663771374";
  static final long NOW = 5_000_000_000_000L;
  static final Instant WALL = Instant.parse("2026-11-26T12:00:00Z");

  LocalState.Builder local =
      LocalState.builder()
          .dataDirectoryEmpty(false)
          .systemIdentifier(SYSID)
          .running(true)
          .inRecovery(true)
          .timeline(2)
          .walPosition(1000)
          .viewConfirmedAtNanos(NOW)
          .leaseDeadlineNanos(NOW + sec(10));
  ClusterView.Builder view =
      ClusterView.builder()
          .initialize(SYSID)
          .config(DynamicConfig.defaults())
          .member(member(ME))
          .member(member("pg-2"))
          .member(member("pg-3"));
  DynamicConfig.Builder config = DynamicConfig.builder();
  MemberIdentity me = MemberIdentity.named(ME);
  PeerPositions peers = PeerPositions.none();
  long now = NOW;
  Instant wall = WALL;

  static Given given() {
    return new Given();
  }

  static long sec(double seconds) {
    return (long) (seconds * TimeUnit.SECONDS.toNanos(1));
  }

  static Member member(String name) {
    return Member.builder(name).state("running").role(Role.REPLICA).timeline(2).build();
  }

  static Member member(String name, Tags tags) {
    return member(name).toBuilder().tags(tags).build();
  }

  Given local(UnaryOperator<LocalState.Builder> change) {
    local = change.apply(local);
    return this;
  }

  Given view(UnaryOperator<ClusterView.Builder> change) {
    view = change.apply(view);
    return this;
  }

  Given config(UnaryOperator<DynamicConfig.Builder> change) {
    config = change.apply(config);
    return this;
  }

  Given me(MemberIdentity identity) {
    me = identity;
    return this;
  }

  Given myTags(Tags tags) {
    me =
        new MemberIdentity(
            me.name(),
            tags,
            me.removeDataDirectoryOnRewindFailure(),
            me.createsReplicaWithoutLeader());
    view.member(member(me.name(), tags));
    return this;
  }

  Given peers(PeerPosition... positions) {
    peers = PeerPositions.of(positions);
    return this;
  }

  Given later(long nanos) {
    now += nanos;
    wall = wall.plusNanos(nanos);
    return this;
  }

  Given wall(Instant instant) {
    wall = instant;
    return this;
  }

  /** PostgreSQL running read-write. */
  Given primary() {
    return local(l -> l.running(true).inRecovery(false).lastRunAsPrimary(true));
  }

  /** PostgreSQL stopped since {@code secondsAgo}. */
  Given down(double secondsAgo) {
    return local(l -> l.running(false).postgresDownSinceNanos(now - sec(secondsAgo)));
  }

  Given leader(String name) {
    return view(v -> v.leader(name));
  }

  Given paused() {
    return config(c -> c.pause(true));
  }

  Decision decide() {
    return HaDecider.decide(
        local.build(), view.build(), config.build(), me, peers, new Now(now, wall));
  }
}
