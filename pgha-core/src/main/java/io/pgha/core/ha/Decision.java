package io.pgha.core.ha;

import java.util.List;
import java.util.Objects;

/**
 * What one HA cycle decided: the actions, in the order they are to be performed, one plain sentence
 * saying why, and when the member key is published. The sentence is the log line, the API's last
 * action and the test oracle.
 *
 * <p>The executor performs the actions in order and stops at the first that fails, after that
 * action's {@link Action#otherwise()} fallbacks (none when etcd could not be asked); nothing else
 * is chosen there.
 *
 * @param actions at least one; {@link ActionKind#NOTHING} or {@link ActionKind#WAIT} when there is
 *     nothing to do
 * @param reason why, in words a person on call understands
 * @param publication when the member key is published
 */
public record Decision(List<Action> actions, String reason, Publication publication) {

  public Decision {
    actions = List.copyOf(actions);
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(publication, "publication");
    if (actions.isEmpty()) {
      throw new IllegalArgumentException("a decision has at least one action");
    }
  }

  public Decision(List<Action> actions, String reason) {
    this(actions, reason, Publication.OBSERVED);
  }

  static Decision of(String reason, Action... actions) {
    return new Decision(List.of(actions), reason);
  }

  /** This decision with {@code more} actions after its own. */
  Decision then(List<Action> more) {
    if (more.isEmpty()) {
      return this;
    }
    List<Action> all = new java.util.ArrayList<>(actions);
    all.addAll(more);
    return new Decision(all, reason, publication);
  }

  /** This decision with {@code more} added to its reason. */
  Decision explainedFurther(String more) {
    return new Decision(actions, reason + "; " + more, publication);
  }

  /** This decision published as {@code p}. */
  Decision publishing(Publication p) {
    return new Decision(actions, reason, p);
  }

  /** The kinds of the actions, in order. */
  public List<ActionKind> kinds() {
    return actions.stream().map(Action::kind).toList();
  }

  /**
   * Whether carrying this decision out keeps things as they are: nothing at all, or a leader's
   * renewal of its key ({@link ActionKind#RENEW}, which itself confirms in etcd that the key still
   * names this member). Such a decision takes, gives up or moves no key but its own, changes no
   * role and starts, stops or repoints nothing, so the HA loop may act on it when it was made from
   * the watched view without reading etcd; any other decision is made again on a view etcd
   * confirmed before it is acted on.
   */
  public boolean isSteady() {
    for (Action a : actions) {
      if (a.kind() != ActionKind.NOTHING && a.kind() != ActionKind.RENEW) {
        return false;
      }
    }
    return true;
  }

  /** Whether the executor has something to do. */
  public boolean isActive() {
    return actions.stream()
        .anyMatch(a -> a.kind() != ActionKind.NOTHING && a.kind() != ActionKind.WAIT);
  }

  @Override
  public String toString() {
    return actions + ": " + reason;
  }
}
