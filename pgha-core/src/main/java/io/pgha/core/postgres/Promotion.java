package io.pgha.core.postgres;

/**
 * The result of a promotion.
 *
 * @param previousTimeline the timeline the replica was following
 * @param newTimeline the timeline the new primary writes on
 * @param switchLsn where the new timeline branched off, from its history file (null if unknown)
 */
public record Promotion(int previousTimeline, int newTimeline, Lsn switchLsn) {}
