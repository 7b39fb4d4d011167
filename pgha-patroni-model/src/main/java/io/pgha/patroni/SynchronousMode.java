package io.pgha.patroni;

/** Patroni's {@code synchronous_mode}: {@code false}, {@code true} or {@code quorum}. */
public enum SynchronousMode {
  OFF,
  ON,
  QUORUM;

  /** Whether commits wait for standbys at all. */
  public boolean isSynchronous() {
    return this != OFF;
  }
}
