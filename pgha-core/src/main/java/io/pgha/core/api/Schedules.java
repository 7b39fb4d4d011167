package io.pgha.core.api;

import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** Patroni's {@code parse_schedule}: an ISO-8601 time with a zone, in the future. */
final class Schedules {
  private Schedules() {}

  /**
   * Parses the time at which {@code action} ("switchover", "restart") should happen.
   *
   * @throws RequestRefusedException 422 when unreadable or in the past, 400 without a zone
   */
  static OffsetDateTime parse(String text, String action, OffsetDateTime now)
      throws RequestRefusedException {
    String iso = text.trim().replaceFirst("^(\\d{4}-\\d{2}-\\d{2}) ", "$1T");
    OffsetDateTime at;
    try {
      at = OffsetDateTime.parse(iso);
    } catch (DateTimeParseException e) {
      try {
        LocalDateTime.parse(iso);
      } catch (DateTimeParseException notLocalEither) {
        throw new RequestRefusedException(
            422,
            "Unable to parse scheduled timestamp '"
                + text
                + "'. It should be in an unambiguous format, e.g. ISO 8601");
      }
      throw new RequestRefusedException(
          "Timezone information is mandatory for the scheduled " + action);
    }
    if (at.isBefore(now)) {
      throw new RequestRefusedException(422, "Cannot schedule " + action + " in the past");
    }
    return at;
  }
}
