package io.pgha.core.postgres;

/**
 * The result of a demotion (or of rejoining a stopped former primary) to a standby of a new leader.
 *
 * @param outcome how the local data was brought in line with the leader
 * @param reason a plain sentence saying why
 */
public record Demotion(Outcome outcome, String reason) {

  /** How the data directory was made a valid standby of the new leader. */
  public enum Outcome {
    /** Its history had not diverged: it simply follows the leader. */
    FOLLOWED,
    /** Its history had diverged and pg_rewind rewound it. */
    REWOUND,
    /** pg_rewind failed and the data directory was removed and cloned again (allowed by config). */
    RECLONED
  }
}
