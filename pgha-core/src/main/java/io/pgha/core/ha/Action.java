package io.pgha.core.ha;

import java.util.Objects;
import java.util.Optional;

/**
 * One step of a {@link Decision}.
 *
 * @param kind what to do
 * @param member the member the action is about (clone source, leader to follow, switchover
 *     candidate); empty for actions about ourselves, and for {@link ActionKind#START_AS_REPLICA}
 *     when there is no leader to stream from
 */
public record Action(ActionKind kind, Optional<String> member) {

  public Action {
    Objects.requireNonNull(kind, "kind");
    member = Objects.requireNonNullElse(member, Optional.empty());
    if (member.isPresent() && !kind.isAboutMember()) {
      throw new IllegalArgumentException(kind + " is not about another member");
    }
    if (member.isEmpty() && kind.isAboutMember() && kind != ActionKind.START_AS_REPLICA) {
      throw new IllegalArgumentException(kind + " needs a member");
    }
  }

  /** An action about ourselves. */
  public static Action of(ActionKind kind) {
    return new Action(kind, Optional.empty());
  }

  /** An action about {@code member}. */
  public static Action of(ActionKind kind, String member) {
    return new Action(kind, Optional.of(member));
  }

  @Override
  public String toString() {
    return member.map(m -> kind + "(" + m + ")").orElse(kind.name());
  }
}
