package io.pgha.core.ha;

import static io.pgha.core.ha.ActionKind.ACQUIRE_LEADER;
import static io.pgha.core.ha.ActionKind.ADOPT_EXISTING_DATA;
import static io.pgha.core.ha.ActionKind.AWAIT_STARTUP;
import static io.pgha.core.ha.ActionKind.BOOTSTRAP;
import static io.pgha.core.ha.ActionKind.CLONE_FROM;
import static io.pgha.core.ha.ActionKind.DEMOTE;
import static io.pgha.core.ha.ActionKind.FOLLOW;
import static io.pgha.core.ha.ActionKind.HAND_OVER;
import static io.pgha.core.ha.ActionKind.PROMOTE;
import static io.pgha.core.ha.ActionKind.PROMOTION_GATE;
import static io.pgha.core.ha.ActionKind.REINITIALIZE;
import static io.pgha.core.ha.ActionKind.RENEW;
import static io.pgha.core.ha.ActionKind.RESTART_POSTGRES;
import static io.pgha.core.ha.ActionKind.REWIND_AND_FOLLOW;
import static io.pgha.core.ha.ActionKind.START_AS_REPLICA;
import static io.pgha.core.ha.ActionKind.STOP_CLEANLY;
import static io.pgha.core.ha.Given.ME;
import static io.pgha.core.ha.Given.sec;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.patroni.ClusterStatus;
import io.pgha.patroni.ClusterView;
import io.pgha.patroni.DynamicConfig;
import io.pgha.patroni.FailoverRequest;
import io.pgha.patroni.Member;
import io.pgha.patroni.SyncState;
import io.pgha.patroni.SynchronousMode;
import io.pgha.patroni.Tags;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Safety properties over many random situations (fixed seed, so a failure replays): whatever the
 * inputs, the decision never makes a second primary, never keeps a lease-less primary writing,
 * never acts as leader on a stale view, and does nothing automatic while paused.
 */
class DecisionInvariantsTest {

  private static final int SITUATIONS = 5_000;
  private static final List<String> NAMES = List.of(ME, "pg-2", "pg-3");
  private static final Set<ActionKind> LEADING =
      EnumSet.of(
          ACQUIRE_LEADER,
          PROMOTION_GATE,
          PROMOTE,
          RENEW,
          RESTART_POSTGRES,
          STOP_CLEANLY,
          HAND_OVER);
  private static final Set<ActionKind> AUTOMATIC =
      EnumSet.of(
          PROMOTE,
          DEMOTE,
          RESTART_POSTGRES,
          START_AS_REPLICA,
          FOLLOW,
          REWIND_AND_FOLLOW,
          REINITIALIZE,
          AWAIT_STARTUP);

  record Inputs(
      LocalState local,
      ClusterView view,
      DynamicConfig config,
      MemberIdentity me,
      PeerPositions peers,
      Now now) {
    Decision decide() {
      return HaDecider.decide(local, view, config, me, peers, now);
    }
  }

  @Test
  void safetyHoldsForRandomSituations() {
    Random random = new Random(20261126L);
    for (int i = 0; i < SITUATIONS; i++) {
      Inputs in = randomInputs(random);
      Decision d = in.decide();
      int index = i;
      Supplier<String> context = () -> "situation " + index + ": " + in + " -> " + d;
      Set<ActionKind> kinds = d.kinds().isEmpty() ? Set.of() : EnumSet.copyOf(d.kinds());
      boolean paused = in.config().pause();
      long now = in.now().nanos();
      boolean leaseLive =
          in.local().leaseDeadlineNanos().isPresent()
              && now - in.local().leaseDeadlineNanos().getAsLong() < 0;
      boolean stale = now - in.local().viewConfirmedAtNanos() > sec(in.config().ttl());
      boolean otherLeads = in.view().leader().filter(l -> !l.isHeldBy(ME)).isPresent();

      assertThat(d).as(context).isEqualTo(in.decide());
      assertThat(d.reason()).as(context).isNotBlank();
      if (otherLeads) {
        assertThat(kinds).as(context).doesNotContainAnyElementsOf(LEADING);
        assertThat(kinds).as(context).doesNotContain(BOOTSTRAP, ADOPT_EXISTING_DATA);
      }
      if (in.local().isReadWrite() && !leaseLive && !paused) {
        assertThat(d.kinds()).as(context).containsExactly(DEMOTE);
      }
      if (kinds.contains(PROMOTE)) {
        boolean takesTheKey = kinds.contains(ACQUIRE_LEADER) && in.view().isUnlocked();
        assertThat((in.view().isLeader(ME) || takesTheKey) && leaseLive).as(context).isTrue();
        assertThat(d.kinds().indexOf(PROMOTION_GATE))
            .as(context)
            .isNotNegative()
            .isLessThan(d.kinds().indexOf(PROMOTE));
      }
      if (kinds.contains(ACQUIRE_LEADER) && !kinds.contains(BOOTSTRAP)) {
        assertThat(in.view().isUnlocked() && leaseLive && !stale).as(context).isTrue();
      }
      if (stale) {
        assertThat(kinds).as(context).doesNotContainAnyElementsOf(LEADING);
      }
      if (paused) {
        // A member without data may still be cloned, and the clone started ...
        Set<ActionKind> automatic = EnumSet.copyOf(AUTOMATIC);
        // ... and an old primary that has just handed over to a named candidate follows it.
        if (kinds.contains(CLONE_FROM) || kinds.contains(HAND_OVER)) {
          automatic.remove(START_AS_REPLICA);
        }
        assertThat(kinds).as(context).doesNotContainAnyElementsOf(automatic);
      }
      if (!paused && !in.me().tags().isFailoverCandidate()) {
        assertThat(kinds)
            .as(context)
            .doesNotContain(ACQUIRE_LEADER, BOOTSTRAP, ADOPT_EXISTING_DATA);
      }
    }
  }

  private static Inputs randomInputs(Random r) {
    long now = Given.NOW;
    boolean running = r.nextBoolean();
    LocalState.Builder local =
        LocalState.builder()
            .dataDirectoryEmpty(r.nextInt(8) == 0)
            .systemIdentifier(pick(r, Given.SYSID, Given.SYSID, Given.SYSID, "42", null))
            .running(running)
            .inRecovery(r.nextBoolean())
            .timeline(1 + r.nextInt(3))
            .walPosition(r.nextInt(3_000_000))
            .lastRunAsPrimary(r.nextBoolean())
            .following(pick(r, null, "pg-2", "pg-3", ME))
            .rejoinFailed(r.nextInt(5) == 0)
            .viewConfirmedAtNanos(now - sec(pick(r, 0, 1, 29, 31, 300)));
    if (!running) {
      local.postgresDownSinceNanos(now - sec(pick(r, 0, 5, 299, 301)));
    }
    switch (r.nextInt(3)) {
      case 0 -> local.noLease();
      case 1 -> local.leaseDeadlineNanos(now - sec(pick(r, 0, 1, 20)));
      default -> local.leaseDeadlineNanos(now + sec(pick(r, 1, 10)));
    }
    if (r.nextInt(4) == 0) {
      local.leaderKeyVacatedUntilNanos(now + sec(pick(r, -1, 0, 5)));
    }

    ClusterView.Builder view = ClusterView.builder();
    if (r.nextInt(6) != 0) {
      view.initialize(Given.SYSID);
    }
    view.leader(pick(r, null, null, ME, "pg-2", "pg-3"));
    List<PeerPosition> answered = new ArrayList<>();
    for (String name : NAMES) {
      Tags tags = randomTags(r);
      view.member(
          Member.builder(name).state(pick(r, "running", "running", "stopped")).tags(tags).build());
      if (!name.equals(ME) && r.nextBoolean()) {
        answered.add(
            new PeerPosition(name, r.nextInt(6) == 0, 1 + r.nextInt(3), r.nextInt(3_000_000)));
      }
    }
    if (r.nextBoolean()) {
      view.status(ClusterStatus.ofOptime(r.nextInt(3_000_000)));
    }
    if (r.nextInt(3) == 0) {
      view.sync(SyncState.of(pick(r, ME, "pg-2"), List.of(pick(r, ME, "pg-2", "pg-3"))));
    }
    if (r.nextInt(3) == 0) {
      FailoverRequest request =
          new FailoverRequest(
              Optional.ofNullable(pick(r, null, ME, "pg-2")),
              Optional.ofNullable(pick(r, null, ME, "pg-2", "pg-3")),
              Optional.empty(),
              0);
      view.failover(request);
    }

    DynamicConfig config =
        DynamicConfig.builder()
            .pause(r.nextInt(4) == 0)
            .checkTimeline(r.nextBoolean())
            .synchronousMode(r.nextInt(4) == 0 ? SynchronousMode.ON : SynchronousMode.OFF)
            .build();
    Tags myTags = view.build().member(ME).orElseThrow().tags();
    MemberIdentity me = new MemberIdentity(ME, myTags, r.nextBoolean());
    return new Inputs(
        local.build(),
        view.build(),
        config,
        me,
        PeerPositions.of(answered.toArray(PeerPosition[]::new)),
        new Now(now, Instant.parse("2026-11-26T12:00:00Z")));
  }

  private static Tags randomTags(Random r) {
    Tags tags = Tags.NONE;
    if (r.nextInt(5) == 0) {
      tags = tags.withNoFailover(true);
    }
    if (r.nextInt(5) == 0) {
      tags = tags.withFailoverPriority(r.nextInt(3));
    }
    return tags;
  }

  @SafeVarargs
  private static <T> T pick(Random r, T... choices) {
    return choices[r.nextInt(choices.length)];
  }
}
