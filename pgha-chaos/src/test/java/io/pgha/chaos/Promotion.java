package io.pgha.chaos;

/**
 * A point by which {@code port} certainly accepted writes on {@code timeline}: its agent's {@code
 * Promoted} event, or the server clock of its first acknowledged write there, whichever is earlier.
 */
record Promotion(int port, int timeline, long micros) {}
