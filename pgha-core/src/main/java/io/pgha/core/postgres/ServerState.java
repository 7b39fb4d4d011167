package io.pgha.core.postgres;

/**
 * What the local PostgreSQL is, as one of four states; replaces a nullable "in recovery" flag whose
 * null meant "not running", "not answering" or "unknown" depending on the reader.
 */
public sealed interface ServerState {
  /** No postmaster runs on the data directory. */
  record NotRunning() implements ServerState {}

  /** A postmaster runs but does not answer (starting, stopping, recovering or hung). */
  record Starting() implements ServerState {}

  /** It answers and is not in recovery: it takes writes. */
  record Primary() implements ServerState {}

  /** It answers in recovery (streaming, or waiting for a leader): read-only. */
  record Standby() implements ServerState {}

  ServerState NOT_RUNNING = new NotRunning();
  ServerState STARTING = new Starting();
  ServerState PRIMARY = new Primary();
  ServerState STANDBY = new Standby();

  /** Whether a postmaster runs. */
  default boolean isRunning() {
    return !(this instanceof NotRunning);
  }

  /** Whether it answered: a primary or a standby. */
  default boolean acceptsConnections() {
    return this instanceof Primary || this instanceof Standby;
  }

  /** Whether it takes writes. */
  default boolean isReadWrite() {
    return this instanceof Primary;
  }

  /** Whether it answered in recovery. */
  default boolean isStandby() {
    return this instanceof Standby;
  }
}
