package io.pgha.core.ha;

import io.pgha.core.config.StandbyCluster;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * One step of a {@link Decision}.
 *
 * @param kind what to do
 * @param member the member the action is about (clone source, leader to follow, switchover
 *     candidate); empty for actions about ourselves, and for {@link ActionKind#START_AS_REPLICA}
 *     when there is no leader to stream from
 * @param payload what the action carries out, for the kinds that carry something ({@link
 *     ActionKind#SYNC_REPLICATION}, {@link ActionKind#REPLICATION_SLOTS}, {@link
 *     ActionKind#COPY_LOGICAL_SLOTS}, {@link ActionKind#FAILSAFE_KEY}, {@link
 *     ActionKind#REWIND_AND_FOLLOW}, {@link ActionKind#FOLLOW}, {@link ActionKind#FAST_TAKEOVER},
 *     and a standby cluster's {@link ActionKind#BOOTSTRAP_STANDBY}, {@link
 *     ActionKind#START_AS_STANDBY_LEADER}, {@link ActionKind#FOLLOW_PRIMARY_CLUSTER})
 * @param otherwise what to do when this action fails, before the plan stops: each of these is
 *     attempted even if one before it fails, since they put things back (empty: just stop). Not
 *     when etcd could not be asked: that is no answer, and the plan just stops (a leader that
 *     cannot reach etcd is fenced by the lease reflex, or kept by failsafe mode, not here)
 */
public record Action(
    ActionKind kind, Optional<String> member, Optional<Payload> payload, List<Action> otherwise) {

  /** What an action carries out. */
  public sealed interface Payload
      permits SyncPlan,
          SlotPlan,
          LogicalSlotCopy,
          FailsafeKey,
          Rejoin,
          UpstreamRole,
          Takeover,
          PrimaryCluster {}

  public Action {
    Objects.requireNonNull(kind, "kind");
    member = Objects.requireNonNullElse(member, Optional.empty());
    payload = Objects.requireNonNullElse(payload, Optional.empty());
    otherwise = List.copyOf(Objects.requireNonNullElse(otherwise, List.of()));
    if (member.isPresent() && !kind.isAboutMember()) {
      throw new IllegalArgumentException(kind + " is not about another member");
    }
    if (member.isEmpty() && kind.isAboutMember() && kind != ActionKind.START_AS_REPLICA) {
      throw new IllegalArgumentException(kind + " needs a member");
    }
    if (payload.isPresent() != carriesPayload(kind)) {
      throw new IllegalArgumentException(kind + (payload.isPresent() ? " carries no" : " needs a"));
    }
  }

  private static boolean carriesPayload(ActionKind kind) {
    return kind == ActionKind.SYNC_REPLICATION
        || kind == ActionKind.REPLICATION_SLOTS
        || kind == ActionKind.COPY_LOGICAL_SLOTS
        || kind == ActionKind.FAILSAFE_KEY
        || kind == ActionKind.REWIND_AND_FOLLOW
        || kind == ActionKind.FOLLOW
        || kind == ActionKind.FAST_TAKEOVER
        || kind == ActionKind.BOOTSTRAP_STANDBY
        || kind == ActionKind.START_AS_STANDBY_LEADER
        || kind == ActionKind.FOLLOW_PRIMARY_CLUSTER;
  }

  /** An action about ourselves. */
  public static Action of(ActionKind kind) {
    return new Action(kind, Optional.empty(), Optional.empty(), List.of());
  }

  /** An action about {@code member}. */
  public static Action of(ActionKind kind, String member) {
    return new Action(kind, Optional.of(member), Optional.empty(), List.of());
  }

  /** Carries out a plan for synchronous replication. */
  public static Action sync(SyncPlan plan) {
    return new Action(ActionKind.SYNC_REPLICATION, Optional.empty(), Optional.of(plan), List.of());
  }

  /** Creates and drops replication slots. */
  public static Action slots(SlotPlan plan) {
    return new Action(ActionKind.REPLICATION_SLOTS, Optional.empty(), Optional.of(plan), List.of());
  }

  /** Copies permanent logical slots from the leader {@code leader} (restarting PostgreSQL). */
  public static Action copyLogicalSlots(String leader, LogicalSlotCopy copy) {
    return new Action(
        ActionKind.COPY_LOGICAL_SLOTS, Optional.of(leader), Optional.of(copy), List.of());
  }

  /** Writes or deletes the failsafe key. */
  public static Action failsafeKey(FailsafeKey key) {
    return new Action(ActionKind.FAILSAFE_KEY, Optional.empty(), Optional.of(key), List.of());
  }

  /** Points the running replica at {@code upstream}, which has the {@code role} named. */
  public static Action follow(String upstream, UpstreamRole role) {
    return new Action(ActionKind.FOLLOW, Optional.of(upstream), Optional.of(role), List.of());
  }

  /** Takes the leader key and the {@code sync} key over from the silent leader {@code t} names. */
  public static Action takeover(Takeover t) {
    return new Action(ActionKind.FAST_TAKEOVER, Optional.of(t.leader()), Optional.of(t), List.of());
  }

  /** A standby cluster's step ({@code kind}) towards the primary cluster {@code c} names. */
  public static Action standby(ActionKind kind, StandbyCluster c) {
    return new Action(kind, Optional.empty(), Optional.of(new PrimaryCluster(c)), List.of());
  }

  /** Rejoins as a replica of {@code leader}, announcing what {@code rejoin} says. */
  public static Action rewindAndFollow(String leader, Rejoin rejoin) {
    return new Action(
        ActionKind.REWIND_AND_FOLLOW, Optional.of(leader), Optional.of(rejoin), List.of());
  }

  /** {@link ActionKind#RENEW}, demoting at once when etcd does not confirm the key. */
  public static Action renew() {
    return of(ActionKind.RENEW).otherwise(of(ActionKind.DEMOTE));
  }

  /** This action with {@code fallback} to do when it fails. */
  public Action otherwise(Action... fallback) {
    return new Action(kind, member, payload, List.of(fallback));
  }

  @Override
  public String toString() {
    String self = member.map(m -> kind + "(" + m + ")").orElse(kind.name());
    return otherwise.isEmpty()
        ? self
        : self
            + " else "
            + otherwise.stream().map(Action::toString).collect(Collectors.joining(", ", "[", "]"));
  }
}
