package io.pgha.core.ha;

import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link ActionKind#REWIND_AND_FOLLOW} announces besides following the leader: whether it
 * demotes a PostgreSQL that runs read-write, and why (the {@code Demoted} event).
 *
 * @param demotedBecause why this member stops being a primary, announced once the rejoin succeeded;
 *     empty when PostgreSQL does not run read-write (stopped), so the rejoin demotes nothing
 */
public record Rejoin(Optional<String> demotedBecause) implements Action.Payload {
  /** A rejoin of a PostgreSQL that does not run read-write: nothing to announce as demoted. */
  public static final Rejoin OF_STOPPED_SERVER = new Rejoin(Optional.empty());

  public Rejoin {
    Objects.requireNonNull(demotedBecause, "demotedBecause");
  }

  /** A rejoin that demotes the primary running here, because {@code why}. */
  public static Rejoin demoting(String why) {
    return new Rejoin(Optional.of(why));
  }

  @Override
  public String toString() {
    return demotedBecause.map(why -> "demoting: " + why).orElse("not demoting");
  }
}
