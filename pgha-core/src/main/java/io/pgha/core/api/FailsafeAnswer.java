package io.pgha.core.api;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * This member's answer to a {@link FailsafeRequest}.
 *
 * @param accepted true when this member accepts the sender as its leader (a replica); false on a
 *     member that cannot (e.g. it runs as a primary itself)
 * @param lsn this replica's WAL position, sent back in the {@code lsn} header
 * @param message {@code Accepted}, or why not
 */
public record FailsafeAnswer(boolean accepted, OptionalLong lsn, String message) {

  public FailsafeAnswer {
    lsn = Objects.requireNonNullElse(lsn, OptionalLong.empty());
    message = Objects.requireNonNullElse(message, accepted ? "Accepted" : "");
  }

  public static FailsafeAnswer accepted(long lsn) {
    return new FailsafeAnswer(true, OptionalLong.of(lsn), "Accepted");
  }

  public static FailsafeAnswer refused(String reason) {
    return new FailsafeAnswer(false, OptionalLong.empty(), reason);
  }
}
