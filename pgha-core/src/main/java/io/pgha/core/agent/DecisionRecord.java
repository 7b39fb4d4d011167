package io.pgha.core.agent;

import io.pgha.core.ha.Decision;
import java.time.Instant;

/**
 * A decision the loop made, with the wall-clock time it was made at (for people reading the API).
 *
 * @param at when
 * @param decision what and why
 */
public record DecisionRecord(Instant at, Decision decision) {}
