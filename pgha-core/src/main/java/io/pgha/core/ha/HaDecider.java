package io.pgha.core.ha;

import static io.pgha.core.ha.ActionKind.ACQUIRE_LEADER;
import static io.pgha.core.ha.ActionKind.ADOPT_EXISTING_DATA;
import static io.pgha.core.ha.ActionKind.AWAIT_STARTUP;
import static io.pgha.core.ha.ActionKind.BOOTSTRAP;
import static io.pgha.core.ha.ActionKind.CLONE_FROM;
import static io.pgha.core.ha.ActionKind.CLONE_WITHOUT_LEADER;
import static io.pgha.core.ha.ActionKind.DEMOTE;
import static io.pgha.core.ha.ActionKind.NOTHING;
import static io.pgha.core.ha.ActionKind.REINITIALIZE;
import static io.pgha.core.ha.ActionKind.RELEASE_LEADERSHIP;
import static io.pgha.core.ha.ActionKind.RESTART_POSTGRES;
import static io.pgha.core.ha.ActionKind.START_AS_REPLICA;
import static io.pgha.core.ha.ActionKind.WAIT;
import static io.pgha.core.ha.ActionKind.WRITE_INITIAL_CONFIG;
import static io.pgha.core.ha.Situation.seconds;

import io.pgha.patroni.ClusterView;
import io.pgha.patroni.DynamicConfig;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The HA decision: what this member should do now, given what it observed. A pure function: no I/O,
 * no clock, no logging, the same inputs always give the same decision.
 *
 * <p>The rules, in the order they are applied:
 *
 * <ol>
 *   <li>PostgreSQL runs read-write but our lease deadline has passed: demote at once (another
 *       member may already hold the key).
 *   <li>The view is older than {@code ttl}: act on nothing that depends on who leads.
 *   <li>An operator asked to reinitialize this member (not the leader): clone it again, whatever
 *       its data directory holds ({@link Reinitialization}).
 *   <li>No data directory: bootstrap the cluster, clone from a member, or (no leader, a {@code
 *       no_leader} replica method) restore without one.
 *   <li>Data from another cluster, or a cluster not yet initialised: never mix them up.
 *   <li>Our leader key was deleted (not taken) while we run read-write on a lease confirmed alive:
 *       create it again on that lease if still absent, else demote ({@link VacatedLeaderKey}).
 *   <li>We hold the leader key: stay primary, promote, restart a crashed primary within {@code
 *       primary_start_timeout} or release the key; carry out a requested switchover. A primary that
 *       cannot arm the watchdog {@code watchdog.mode: required} asks for demotes and releases the
 *       key.
 *   <li>Another member holds the key: follow it (rewinding an old primary, or a stopped standby on
 *       an earlier timeline than the leader's, first when their histories diverged); as its
 *       synchronous standby, take over at once when its lease has gone silent for {@code
 *       leader_silence_timeout} in synchronous mode ({@link FastTakeover}).
 *   <li>Nobody holds the key: only the healthiest eligible member races for it.
 * </ol>
 *
 * <p>In a standby cluster ({@code standby_cluster} in the configuration, {@link
 * io.pgha.core.config.StandbyCluster}) the same rules hold, except that the leader never promotes:
 * the member holding the key is the standby leader, which copies the primary cluster to bootstrap
 * (rule 4) and follows it (rules 6 and 8, {@link StandbyLeader}); a primary found there is demoted;
 * synchronous replication does not apply. Removing the section makes the standby leader promote, as
 * any leader running as a replica.
 *
 * <p>With {@code failsafe_mode}, rule 1 keeps a primary whose lease etcd cannot confirm while every
 * member confirms it over the API, a leader that a member did not confirm while etcd did not
 * confirm its lease runs read-only until etcd does (before rule 1), and a member that accepted such
 * a confirmation does not race in rule 7 (see {@link Failsafe}).
 *
 * <p>The plan is complete: the fencing checks before a promotion and what to do when they refuse,
 * each step of a switchover and how to undo it, the leader's replication slots, synchronous
 * replication and {@code failsafe} key (see {@link LeaderUpkeep}), a replica's slots for the
 * members cascading from it ({@link ReplicaUpkeep}), and when the member key is published ({@link
 * Publishing}). The executor carries it out and chooses nothing.
 *
 * <p>In pause mode (maintenance, as Patroni's) nothing is promoted, demoted, restarted or started
 * automatically: the leader keeps its key while its PostgreSQL runs or is stopped, releases it if
 * an operator demoted it, and a running primary may take a free key. Manual failover and switchover
 * to a named member still work (the old primary of a switchover then follows the candidate, as
 * Patroni's graceful demotion does); a member without data may still be cloned.
 */
public final class HaDecider {
  private HaDecider() {}

  /**
   * Decides one cycle.
   *
   * @param local this member's PostgreSQL, lease and view freshness
   * @param view the cluster as last seen in etcd
   * @param config the dynamic configuration in effect (the view's, or Patroni's defaults)
   * @param me this member's name and tags
   * @param peers the peers that answered this cycle with their WAL positions
   * @param now the time of the decision
   */
  public static Decision decide(
      LocalState local,
      ClusterView view,
      DynamicConfig config,
      MemberIdentity me,
      PeerPositions peers,
      Now now) {
    Situation s = new Situation(local, view, StandbyLeader.effective(config), me, peers, now);
    return Publishing.decide(s, ReplicaUpkeep.append(s, LeaderUpkeep.append(s, rules(s))));
  }

  private static Decision rules(Situation s) {
    LocalState local = s.local();
    ClusterView view = s.view();
    Optional<Decision> refused = Failsafe.afterRefusal(s);
    if (refused.isPresent()) {
      return refused.get();
    }
    if (local.isReadWrite() && !s.leaseLive() && !s.paused()) {
      return Failsafe.withoutLease(s).orElseGet(() -> withoutLease(s));
    }
    if (s.viewIsStale()) {
      return staleView(s);
    }
    Optional<Decision> reinitialize = Reinitialization.requested(s);
    if (reinitialize.isPresent()) {
      return reinitialize.get();
    }
    if (local.dataDirectoryEmpty()) {
      return withoutData(s);
    }
    if (belongsToAnotherCluster(s)) {
      return Decision.of(
          "my data directory belongs to another cluster (system identifier "
              + local.systemIdentifier().orElseThrow()
              + ", the cluster's is "
              + view.initialize().orElseThrow()
              + "): not joining; move it away to let this member be cloned",
          Action.of(WAIT));
    }
    Optional<Decision> vacated = VacatedLeaderKey.decide(s);
    if (vacated.isPresent()) {
      return vacated.get();
    }
    if (!view.isInitialized() && view.isUnlocked()) {
      return adoptExistingData(s);
    }
    if (s.iAmLeader()) {
      return leading(s);
    }
    Optional<String> leader = s.otherLeader();
    if (leader.isPresent()) {
      return following(s, leader.get());
    }
    return unlocked(s);
  }

  private static Decision withoutLease(Situation s) {
    if (s.local().leaseDeadlineNanos().isEmpty()) {
      return Decision.of(
          "demoting self at once: PostgreSQL runs read-write but I hold no etcd lease",
          Action.of(DEMOTE));
    }
    long late = s.now().nanos() - s.local().leaseDeadlineNanos().getAsLong();
    return Decision.of(
        "demoting self at once: my leader lease was not renewed before its deadline ("
            + seconds(late)
            + " ago), so another member may take over",
        Action.of(DEMOTE));
  }

  private static Decision staleView(Situation s) {
    String age =
        "my view of etcd is "
            + seconds(s.viewAgeNanos())
            + " old (more than ttl "
            + s.config().ttl()
            + "s)";
    if (s.local().isReadWrite() && s.leaseLive()) {
      return Decision.of(
          age + ": keeping the primary role while my lease is valid, waiting for fresh state",
          Action.of(WAIT));
    }
    return Decision.of(age + ": waiting for fresh cluster state before acting", Action.of(WAIT));
  }

  private static Decision withoutData(Situation s) {
    ClusterView view = s.view();
    if (!view.isInitialized() && view.isUnlocked() && s.config().isStandbyCluster()) {
      return StandbyLeader.bootstrap(s);
    }
    if (!view.isInitialized() && view.isUnlocked()) {
      if (s.me().tags().isFailoverCandidate()) {
        return Decision.of(
            "the cluster is not initialized: racing to bootstrap it",
            Action.of(BOOTSTRAP),
            Action.of(ACQUIRE_LEADER).otherwise(Action.of(DEMOTE)),
            Action.of(WRITE_INITIAL_CONFIG));
      }
      if (s.me().createsReplicaWithoutLeader()) {
        // As Patroni: a member that may not bootstrap restores from its backup instead.
        return cloneWithoutLeader(
            "the cluster is not initialized and I may not be promoted (nofailover)");
      }
      return Decision.of(
          "the cluster is not initialized and I may not be promoted (nofailover): waiting for"
              + " another member to bootstrap it",
          Action.of(WAIT));
    }
    return CloneSource.choose(s)
        .map(
            source ->
                Decision.of(
                    "I have no data directory: cloning from " + source.why(),
                    Action.of(CLONE_FROM, source.member()),
                    Action.of(START_AS_REPLICA, s.otherLeader().orElse(source.member()))))
        .orElseGet(() -> withoutSource(s));
  }

  /**
   * No data, no leader and no running member to copy from. As Patroni: a member with a replica
   * method that works without a leader ({@code no_leader}) restores with it and starts as a replica
   * of no one (it may then be elected, as any healthy replica, when no better member is there);
   * while another member is bootstrapping the cluster (an empty {@code initialize} value), or
   * without such a method, it waits.
   */
  private static Decision withoutSource(Situation s) {
    boolean bootstrapping = s.view().initialize().filter(String::isBlank).isPresent();
    if (s.me().createsReplicaWithoutLeader()
        && s.view().isUnlocked()
        && !bootstrapping
        && !s.config().isStandbyCluster()) {
      return cloneWithoutLeader("I have no data directory and there is no leader");
    }
    return Decision.of(
        "I have no data directory and there is no leader or running member to clone from: waiting",
        Action.of(WAIT));
  }

  private static Decision cloneWithoutLeader(String why) {
    return Decision.of(
        why + ": creating a replica with the replica methods that need no leader (no_leader)",
        Action.of(CLONE_WITHOUT_LEADER),
        new Action(START_AS_REPLICA, Optional.empty(), Optional.empty(), java.util.List.of()));
  }

  private static boolean belongsToAnotherCluster(Situation s) {
    Optional<String> mine = s.local().systemIdentifier();
    // The bootstrap winner writes an empty initialize value first and its identifier after initdb.
    Optional<String> cluster = s.view().initialize().filter(id -> !id.isBlank());
    return mine.isPresent() && cluster.isPresent() && !mine.get().equals(cluster.get());
  }

  private static Decision adoptExistingData(Situation s) {
    String id = s.local().systemIdentifier().orElse("unknown");
    if (s.me().tags().isFailoverCandidate()) {
      return Decision.of(
          "the cluster is not initialized and I have a data directory (system identifier "
              + id
              + "): claiming the cluster with it",
          Action.of(ADOPT_EXISTING_DATA));
    }
    return Decision.of(
        "the cluster is not initialized and I may not be promoted (nofailover): waiting for"
            + " another member to initialize it",
        Action.of(WAIT));
  }

  private static Decision leading(Situation s) {
    LocalState local = s.local();
    if (!s.leaseLive()) {
      if (local.isReadWrite()) {
        return Decision.of(
            "PAUSE: I hold no live lease; not demoting while paused, trying to renew it",
            Action.renew());
      }
      return Decision.of(
          "I hold no live lease: not acting as leader until etcd confirms it again",
          Action.of(WAIT));
    }
    if (s.config().isStandbyCluster()) {
      return StandbyLeader.leading(s);
    }
    if (local.isReadWrite()) {
      Optional<PromotionRefusal> unfenced = local.promotionRefusal();
      if (unfenced.isPresent() && !s.paused()) {
        // As Patroni: a primary that cannot arm the watchdog its configuration requires does
        // not stay primary (the refusal on a read-write member comes from that check).
        return Decision.of(
            "demoting self and releasing the leader key: the fencing checks refuse this primary ("
                + unfenced.get().why()
                + ")",
            Action.of(DEMOTE),
            Action.of(RELEASE_LEADERSHIP));
      }
      if (s.view().failover().isPresent()) {
        return Switchover.onLeader(s);
      }
      return Decision.of(
          pausePrefix(s) + "no action. I am (" + s.name() + "), the leader with the lock",
          Action.renew());
    }
    if (s.paused() && local.isReplica()) {
      // As Patroni: a primary demoted by hand during maintenance is not promoted back.
      return Decision.of(
          "PAUSE: I hold the leader key but PostgreSQL runs as a replica (demoted by hand):"
              + " releasing the key rather than promoting it back",
          Action.of(RELEASE_LEADERSHIP));
    }
    if (s.paused()) {
      return Decision.of(
          "PAUSE: I hold the leader key but PostgreSQL is not running; not restarting it while"
              + " paused",
          Action.renew());
    }
    if (local.isReplica()) {
      return Promotion.holdingTheKey(
          s, "promoting self: I hold the leader key and PostgreSQL runs as a replica");
    }
    long down = s.postgresDownForNanos();
    long timeout = TimeUnit.SECONDS.toNanos(s.config().primaryStartTimeout());
    if (down < timeout && local.postmasterStarting()) {
      return Decision.of(
          "PostgreSQL is starting on the leader: waiting for it to accept connections (down "
              + seconds(down)
              + ", primary_start_timeout "
              + s.config().primaryStartTimeout()
              + "s)",
          Action.renew(),
          Action.of(AWAIT_STARTUP));
    }
    if (down < timeout) {
      String reason =
          "PostgreSQL is not running on the leader: restarting it in place (down "
              + seconds(down)
              + ", primary_start_timeout "
              + s.config().primaryStartTimeout()
              + "s)";
      SyncPlan sync =
          SynchronousReplication.beforeStartingAsPrimary(
              s.config(), local.synchronousStandbyNames());
      return sync.isActive()
          ? Decision.of(reason, Action.renew(), Action.sync(sync), Action.of(RESTART_POSTGRES))
          : Decision.of(reason, Action.renew(), Action.of(RESTART_POSTGRES));
    }
    return Decision.of(
        "PostgreSQL did not come back within primary_start_timeout ("
            + s.config().primaryStartTimeout()
            + "s): releasing the leader key so that a replica can take over",
        Action.of(RELEASE_LEADERSHIP));
  }

  /**
   * Another member leads. A synchronous standby that sees the leader's lease silent takes over at
   * once ({@link FastTakeover}); otherwise we follow, and say why a silent leader is kept.
   */
  private static Decision following(Situation s, String leader) {
    Optional<Decision> takeover = FastTakeover.fromSilentLeader(s, leader);
    if (takeover.isPresent()) {
      return takeover.get();
    }
    Decision d = followingAsUsual(s, leader);
    return FastTakeover.whyKept(s, leader).map(d::explainedFurther).orElse(d);
  }

  private static Decision followingAsUsual(Situation s, String leader) {
    LocalState local = s.local();
    String upstream = upstream(s, leader);
    if (local.isReadWrite()) {
      if (s.paused()) {
        return Decision.of(
            "PAUSE: PostgreSQL runs read-write although ("
                + leader
                + ") holds the leader key; not demoting while paused",
            Action.of(NOTHING));
      }
      return rejoin(s, leader, "demoting self because (" + leader + ") holds the leader key");
    }
    if (local.isReplica()) {
      if (local.following().filter(upstream::equals).isPresent()) {
        return Decision.of(
            "no action. I am ("
                + s.name()
                + "), a secondary, and following "
                + (upstream.equals(leader)
                    ? "a leader (" + leader + ")"
                    : "(" + upstream + ") while (" + leader + ") leads"),
            Action.of(NOTHING));
      }
      if (s.paused()) {
        return Decision.of(
            "PAUSE: not switching replication to (" + upstream + ") while paused",
            Action.of(NOTHING));
      }
      return Decision.of(
          "following ("
              + upstream
              + ") instead of "
              + local.following().map(f -> "(" + f + ")").orElse("no one"),
          Action.follow(
              upstream, upstream.equals(leader) ? UpstreamRole.LEADER : UpstreamRole.CASCADE));
    }
    if (s.paused()) {
      return Decision.of(
          "PAUSE: PostgreSQL is not running; not starting it while paused", Action.of(NOTHING));
    }
    if (local.rejoinFailed() || local.lastRunAsPrimary()) {
      return rejoin(s, leader, "my data directory was last used by a primary");
    }
    if (local.postmasterStarting()) {
      return Decision.of(
          "PostgreSQL is starting: waiting for it to accept connections before following ("
              + upstream
              + ")",
          Action.of(AWAIT_STARTUP));
    }
    int leaderTimeline = leaderTimeline(s, leader);
    if (local.stoppedTimeline() > 0 && local.stoppedTimeline() < leaderTimeline) {
      return rejoin(
          s,
          leader,
          "my data directory is on timeline "
              + local.stoppedTimeline()
              + ", behind the leader's timeline "
              + leaderTimeline);
    }
    return Decision.of(
        "starting as a replica of (" + upstream + ")", Action.of(START_AS_REPLICA, upstream));
  }

  /**
   * The latest timeline known for the leader: its member key's, or the one after the last switch in
   * the history key. A stopped standby behind it may hold WAL the leader never had (Patroni's
   * {@code _check_timeline_and_lsn}), so it is checked for divergence before it streams.
   */
  private static int leaderTimeline(Situation s, String leader) {
    int published = s.view().member(leader).map(m -> m.timeline().orElse(0)).orElse(0);
    return (int) Math.max(published, s.clusterTimeline());
  }

  /**
   * The member to stream from: the one tagged {@code replicatefrom} while it runs, else the leader
   * (a member tagged {@code nostream} follows the leader without streaming: it has no conninfo).
   */
  private static String upstream(Situation s, String leader) {
    return StreamingTopology.upstreamOf(s.view(), s.name(), s.me().tags(), Optional.of(leader))
        .orElse(leader);
  }

  private static Decision rejoin(Situation s, String leader, String why) {
    if (!s.local().rejoinFailed()) {
      return Decision.of(
          why + ": rejoining as a replica of (" + leader + "), rewinding if our histories diverged",
          Action.rewindAndFollow(
              leader,
              s.local().isReadWrite()
                  ? Rejoin.demoting("(" + leader + ") holds the leader key")
                  : Rejoin.OF_STOPPED_SERVER));
    }
    if (s.me().removeDataDirectoryOnRewindFailure()) {
      return Decision.of(
          why + ": pg_rewind failed before, so re-cloning from (" + leader + ")",
          Action.of(REINITIALIZE, leader),
          Action.of(START_AS_REPLICA, leader));
    }
    String stuck =
        why
            + ": pg_rewind failed before and remove_data_directory_on_rewind_failure is off;"
            + " reinitialize this member by hand";
    return Decision.of(stuck, Action.of(s.local().isReadWrite() ? DEMOTE : WAIT));
  }

  private static Decision unlocked(Situation s) {
    LocalState local = s.local();
    if (!s.leaseLive()) {
      return Decision.of(
          "no leader, but I hold no live lease to race with: waiting for etcd", Action.of(WAIT));
    }
    Optional<Decision> requested = Switchover.withoutLeader(s);
    if (requested.isPresent()) {
      return requested.get();
    }
    if (s.paused()) {
      if (local.isReadWrite()) {
        return Promotion.race(
            s,
            "PAUSE: the leader key is free and PostgreSQL already runs read-write here: taking"
                + " the key");
      }
      return Decision.of(
          "PAUSE: no leader; not racing for leadership while paused", Action.of(NOTHING));
    }
    if (local.postmasterStarting()) {
      return Decision.of(
          "no leader and PostgreSQL is starting: waiting for it to accept connections before"
              + " joining the race",
          Action.of(AWAIT_STARTUP));
    }
    if (!local.running()) {
      return Decision.of(
          "no leader and PostgreSQL is not running: starting it read-only before joining the race",
          Action.of(START_AS_REPLICA));
    }
    Optional<String> notHealthiest = Failsafe.whyNotRace(s).or(() -> Election.whyNotHealthiest(s));
    if (notHealthiest.isEmpty()) {
      return Promotion.race(
          s,
          local.isReadWrite()
              ? "the leader key is free and I am the healthiest member: taking it as the running"
                  + " primary"
              : "the leader key is free and I am the healthiest member: acquiring it and promoting");
    }
    if (local.isReadWrite()) {
      return Decision.of(
          "demoting self: the leader key is free but " + notHealthiest.get(), Action.of(DEMOTE));
    }
    return Decision.of("no leader, and " + notHealthiest.get(), Action.of(WAIT));
  }

  static String pausePrefix(Situation s) {
    return s.paused() ? "PAUSE: " : "";
  }
}
