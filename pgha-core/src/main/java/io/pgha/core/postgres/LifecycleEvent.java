package io.pgha.core.postgres;

/**
 * What {@link PostgresController} just did to the server, for Patroni's callbacks ({@code
 * on_start}, {@code on_stop}, {@code on_restart}, {@code on_reload}).
 *
 * @param kind what was done
 * @param standby whether the server runs (or, for {@link Kind#STOPPED}, ran) as a standby
 */
public record LifecycleEvent(Kind kind, boolean standby) {

  /** What was done. */
  public enum Kind {
    /** Started and accepting connections (not as part of a restart or a role change). */
    STARTED,
    /** A running server was stopped (not as part of a restart or a role change). */
    STOPPED,
    /** Stopped and started again in the same role. */
    RESTARTED,
    /** Its configuration was rewritten and reloaded. */
    RELOADED
  }
}
