package io.pgha.core.ha;

import java.util.List;
import java.util.Objects;

/**
 * What one HA cycle decided: the actions, in the order they are to be performed, and one plain
 * sentence saying why. The sentence is the log line, the API's last action and the test oracle.
 *
 * @param actions at least one; {@link ActionKind#NOTHING} or {@link ActionKind#WAIT} when there is
 *     nothing to do
 * @param reason why, in words a person on call understands
 */
public record Decision(List<Action> actions, String reason) {

  public Decision {
    actions = List.copyOf(actions);
    Objects.requireNonNull(reason, "reason");
    if (actions.isEmpty()) {
      throw new IllegalArgumentException("a decision has at least one action");
    }
  }

  static Decision of(String reason, Action... actions) {
    return new Decision(List.of(actions), reason);
  }

  /** The kinds of the actions, in order. */
  public List<ActionKind> kinds() {
    return actions.stream().map(Action::kind).toList();
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
