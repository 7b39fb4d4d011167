package io.pgha.core.agent;

import io.pgha.core.dcs.Dcs;
import io.pgha.core.dcs.DcsException;
import io.pgha.core.ha.Action;
import io.pgha.core.ha.Decision;
import io.pgha.core.ha.FailsafeKey;
import io.pgha.core.ha.LogicalSlotCopy;
import io.pgha.core.ha.PrimaryCluster;
import io.pgha.core.ha.Publication;
import io.pgha.core.ha.Rejoin;
import io.pgha.core.ha.SlotPlan;
import io.pgha.core.ha.SyncPlan;
import io.pgha.core.ha.Takeover;
import io.pgha.core.ha.UpstreamRole;
import io.pgha.core.postgres.PostgresControlException;
import io.pgha.core.postgres.PostgresController;
import io.pgha.core.postgres.PostgresStatus;
import io.pgha.patroni.ClusterView;
import io.pgha.patroni.DynamicConfig;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out a {@link Decision} on etcd and PostgreSQL: the only place where the HA loop changes
 * anything. It interprets the plan and chooses nothing: the actions run in order, each bounded in
 * time; the first that fails (or throws) is followed by the fallbacks the decision named for it,
 * and the rest of the plan is dropped (the next cycle decides again from fresh state). The member
 * key is published when the decision's {@link Publication} says.
 *
 * <p>This class dispatches; the steps live with their family: {@link BootstrapSteps}, {@link
 * LeadershipSteps}, {@link PromotionSteps}, {@link FollowSteps}, {@link SwitchoverSteps}, {@link
 * StandbyLeaderSteps}, and the keepers of synchronous replication ({@link SyncKeeper}) and slots
 * ({@link SlotKeeper}).
 */
final class ActionExecutor {
  private static final Logger LOG = LoggerFactory.getLogger(ActionExecutor.class);

  private final String name;
  private final PostgresController postgres;
  private final AgentTimeouts timeouts;
  private final SyncKeeper sync;
  private final SlotKeeper slots;
  private final MemberPublisher publisher;
  private final BootstrapSteps bootstrap;
  private final LeadershipSteps leadership;
  private final PromotionSteps promotion;
  private final FollowSteps following;
  private final SwitchoverSteps switchover;
  private final StandbyLeaderSteps standbyLeader;

  ActionExecutor(
      String name,
      Dcs dcs,
      PostgresController postgres,
      MemberState state,
      EventPublisher events,
      AgentTimeouts timeouts,
      DynamicConfig bootstrapConfig,
      PromotionGate gate,
      PeerProbe peers,
      MemberRecord memberRecord,
      SyncKeeper sync,
      SlotKeeper slots,
      LeaderChecksHold checksHold) {
    this.name = name;
    this.postgres = postgres;
    this.timeouts = timeouts;
    this.sync = sync;
    this.slots = slots;
    this.publisher = new MemberPublisher(name, dcs, postgres, state, memberRecord);
    this.bootstrap =
        new BootstrapSteps(name, dcs, postgres, state, events, timeouts, bootstrapConfig);
    this.leadership = new LeadershipSteps(name, dcs, postgres, state, events, timeouts);
    this.promotion =
        new PromotionSteps(
            name, dcs, postgres, state, events, timeouts, gate, memberRecord, checksHold);
    this.following = new FollowSteps(name, postgres, state, events, timeouts);
    this.switchover = new SwitchoverSteps(name, dcs, postgres, events, timeouts, peers);
    this.standbyLeader = new StandbyLeaderSteps(name, dcs, postgres, state, events, timeouts);
  }

  /**
   * What carrying out a decision came to.
   *
   * @param status the local PostgreSQL as last seen: the observation, or the probe after the
   *     actions when the decision asked for one
   * @param decideAgain the decision asked for the next cycle at once
   * @param completed every action succeeded
   */
  record Outcome(PostgresStatus status, boolean decideAgain, boolean completed) {}

  /** The cycle an action runs in: what was seen and decided, and what the actions asked for. */
  static final class Run {
    final Observation seen;
    final String why;
    boolean decideAgain;

    /** Why the promotion this cycle happens, for {@code history}, when not the usual reason. */
    String promotionReason;

    Run(Observation seen, String why) {
      this.seen = seen;
      this.why = why;
    }

    ClusterView view() {
      return seen.view();
    }

    DynamicConfig config() {
      return seen.config();
    }
  }

  /**
   * Publishes and performs the decision's actions in order, as the decision says; stops at the
   * first that fails, after its fallbacks.
   */
  Outcome execute(Decision decision, Observation seen) {
    Publication publication = decision.publication();
    boolean paused = seen.config().pause();
    if (publication.observedBefore()) {
      publisher.publish(
          seen.status(),
          decision,
          paused,
          seen.config(),
          publication.leaderOptime(),
          publication.permanentSlots());
    }
    Run run = new Run(seen, decision.reason());
    boolean completed = true;
    for (Action action : decision.actions()) {
      Result result = attempt(action, run);
      completed &= result == Result.DONE;
      if (result == Result.FAILED) {
        Run fallback =
            new Run(seen, action.kind() + " did not succeed (" + decision.reason() + ")");
        action.otherwise().forEach(f -> attempt(f, fallback));
      }
      if (result != Result.DONE) {
        break;
      }
    }
    PostgresStatus latest = seen.status();
    if (publication.probedAfter()) {
      latest = postgres.probe();
      publisher.publish(latest, decision, paused, seen.config(), OptionalLong.empty());
    }
    return new Outcome(latest, run.decideAgain, completed);
  }

  /** How an action came out. */
  private enum Result {
    DONE,
    /** It failed or did not apply: its fallbacks follow. */
    FAILED,
    /**
     * etcd could not be asked: neither done nor refused, so no fallback (a leader that cannot renew
     * is not fenced for that here: the lease reflex, or failsafe mode, decides).
     */
    ETCD_UNREACHABLE
  }

  /** Performs one action. */
  private Result attempt(Action action, Run run) {
    try {
      return perform(action, run) ? Result.DONE : Result.FAILED;
    } catch (DcsException e) {
      LOG.warn("[{}] {} failed: {}", name, action.kind(), e.getMessage());
      return Result.ETCD_UNREACHABLE;
    } catch (PostgresControlException | IllegalStateException e) {
      LOG.warn("[{}] {} failed: {}", name, action.kind(), e.getMessage());
      return Result.FAILED;
    } catch (RuntimeException e) {
      LOG.error("[{}] {} failed unexpectedly", name, action.kind(), e);
      return Result.FAILED;
    }
  }

  private boolean perform(Action action, Run run) throws DcsException {
    ClusterView view = run.view();
    return switch (action.kind()) {
      case BOOTSTRAP -> bootstrap.bootstrap();
      case WRITE_INITIAL_CONFIG -> bootstrap.writeInitialConfig();
      case ADOPT_EXISTING_DATA -> bootstrap.adoptExistingData(run);
      case BOOTSTRAP_STANDBY ->
          standbyLeader.bootstrap(((PrimaryCluster) payload(action)).section());
      case START_AS_STANDBY_LEADER ->
          standbyLeader.start(((PrimaryCluster) payload(action)).section());
      case FOLLOW_PRIMARY_CLUSTER ->
          standbyLeader.follow(((PrimaryCluster) payload(action)).section());
      case CLONE_FROM -> bootstrap.cloneFrom(view, member(action));
      case CLONE_WITHOUT_LEADER -> bootstrap.cloneWithoutLeader();
      case ACQUIRE_LEADER -> leadership.acquireLeader();
      case FAST_TAKEOVER -> promotion.takeOver(run, (Takeover) payload(action));
      case RENEW -> leadership.renew();
      case PROMOTION_GATE -> promotion.passGate(run.config());
      case SYNC_REPLICATION -> sync.carryOut((SyncPlan) payload(action), run.config());
      case PROMOTE -> promotion.promote(run);
      case DECIDE_AGAIN -> {
        run.decideAgain = true;
        yield true;
      }
      case RESTART_POSTGRES -> leadership.startAsPrimary();
      case AWAIT_STARTUP -> {
        postgres.awaitReady(timeouts.start());
        yield true;
      }
      case RELEASE_LEADERSHIP -> leadership.release(run.why);
      case DEMOTE -> {
        leadership.fence(run.why);
        yield true;
      }
      case START_AS_REPLICA -> following.startAsReplica(view, action.member());
      case FOLLOW -> following.follow(view, member(action), (UpstreamRole) payload(action));
      case REWIND_AND_FOLLOW ->
          following.rewindAndFollow(view, member(action), (Rejoin) payload(action));
      case REINITIALIZE -> bootstrap.reinitialize(view, member(action));
      case DRAIN_CLIENTS -> switchover.drainClients(member(action), run.config());
      case STOP_CLEANLY -> switchover.stopCleanly(run.config());
      case HAND_OVER -> switchover.handOver(run, member(action));
      case END_DRAIN -> switchover.endDrain();
      case END_DRAIN_ONCE_LED -> switchover.endDrainOnceLed(member(action), run.config());
      case CLEAR_FAILOVER_KEY -> switchover.clearFailover(view);
      case REPLICATION_SLOTS -> {
        slots.carryOut((SlotPlan) payload(action));
        yield true;
      }
      case COPY_LOGICAL_SLOTS ->
          slots.copy(
              member(action),
              MemberUpstream.of(view, member(action)),
              (LogicalSlotCopy) payload(action),
              run.config(),
              timeouts.stop().plus(timeouts.start()));
      case FAILSAFE_KEY -> leadership.writeFailsafeKey((FailsafeKey) payload(action));
      case WRITE_MISSING_CONFIG -> bootstrap.writeMissingConfig(run.config());
      case WAIT, NOTHING -> true;
    };
  }

  private static String member(Action action) {
    return action.member().orElseThrow();
  }

  private static Action.Payload payload(Action action) {
    return action.payload().orElseThrow();
  }

  /**
   * Drains before a clean stop of the leader (rolling maintenance); returns whether to call {@link
   * #endDrainOnceLed} after the leader key is released.
   */
  boolean drainBeforeStop(ClusterView view) {
    return switchover.drainBeforeStop(view);
  }

  /** Withdraws the drain once another member leads as primary (at most ttl). */
  void endDrainOnceLed(ClusterView view) {
    switchover.endDrainOnceLed(view);
  }

  /**
   * Stops PostgreSQL accepting writes at once (immediate shutdown) if it runs read-write. Also the
   * reflex run when the lease is lost, without waiting for the loop: it takes no lock that a
   * promotion, restart or demotion holds, and does not ask the server anything first, so neither
   * those nor a hung server hold it up (see {@link PostgresController#fence}).
   *
   * @return whether it stopped a PostgreSQL
   */
  boolean fence(String why) {
    return leadership.fence(why);
  }

  /**
   * Starts the stopped PostgreSQL read-only, following no one: {@code START_AS_REPLICA} without a
   * leader. Also the refused failsafe leader's reflex after its fence ({@link FailsafeDemotion}),
   * without waiting for the loop; it takes the role-change lock as any start does.
   */
  void startReadOnly() {
    following.startAsReplica(ClusterView.empty(), Optional.empty());
  }
}
