package io.pgha.core.postgres;

/** How to shut PostgreSQL down, as {@code pg_ctl stop -m}. */
public enum StopMode {
  /** Wait for clients to disconnect (SIGTERM). */
  SMART,
  /** Roll back open transactions and disconnect clients, then checkpoint (SIGINT). */
  FAST,
  /** Quit at once without a checkpoint; crash recovery runs at the next start (SIGQUIT). */
  IMMEDIATE;

  String pgCtlName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
