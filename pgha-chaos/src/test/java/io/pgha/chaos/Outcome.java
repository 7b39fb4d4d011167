package io.pgha.chaos;

/** How an operation ended, as the client saw it. */
enum Outcome {
  /** Acknowledged: the commit returned. */
  OK,
  /** Certainly not applied: it failed before the commit was sent. */
  FAIL,
  /** Maybe applied: the connection broke during the commit. */
  UNKNOWN
}
