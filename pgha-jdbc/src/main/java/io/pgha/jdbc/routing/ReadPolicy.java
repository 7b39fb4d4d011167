package io.pgha.jdbc.routing;

/** How read-only work is spread over the replicas that qualify. */
public enum ReadPolicy {
  /** Each replica in turn. */
  ROUND_ROBIN,
  /** The replica whose pool has the fewest borrowed connections. */
  LEAST_CONNECTIONS,
  /** The replica furthest ahead (smallest lag); ties go round robin. */
  LEAST_LAG
}
