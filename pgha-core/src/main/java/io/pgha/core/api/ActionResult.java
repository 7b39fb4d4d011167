package io.pgha.core.api;

import java.util.Objects;

/**
 * What the agent answers a management request with.
 *
 * @param outcome how it went
 * @param message a plain sentence for the client, e.g. {@code restarted successfully}; never a
 *     secret
 */
public record ActionResult(Outcome outcome, String message) {

  /** How a management request went, and the HTTP status it is answered with. */
  public enum Outcome {
    /** Done now (200). */
    DONE(200),
    /** Accepted and will happen later, e.g. a scheduled restart (202). */
    ACCEPTED(202),
    /** Nothing to act on, e.g. no restart is scheduled (404). */
    NOT_FOUND(404),
    /** Not possible in the current state, e.g. another restart is already scheduled (409). */
    CONFLICT(409),
    /** Tried and failed, or the agent cannot do it now (503). */
    FAILED(503);

    private final int httpStatus;

    Outcome(int httpStatus) {
      this.httpStatus = httpStatus;
    }

    public int httpStatus() {
      return httpStatus;
    }
  }

  public ActionResult {
    Objects.requireNonNull(outcome, "outcome");
    message = Objects.requireNonNullElse(message, "");
  }

  public static ActionResult done(String message) {
    return new ActionResult(Outcome.DONE, message);
  }

  public static ActionResult accepted(String message) {
    return new ActionResult(Outcome.ACCEPTED, message);
  }

  public static ActionResult notFound(String message) {
    return new ActionResult(Outcome.NOT_FOUND, message);
  }

  public static ActionResult conflict(String message) {
    return new ActionResult(Outcome.CONFLICT, message);
  }

  public static ActionResult failed(String message) {
    return new ActionResult(Outcome.FAILED, message);
  }
}
