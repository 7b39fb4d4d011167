package io.pgha.chaos;

/** A read-back of an acknowledged value from the leader: found, missing, or failed. */
record ReadOp(
    int client,
    long value,
    long invokeNanos,
    long completeNanos,
    Outcome outcome,
    boolean found,
    int port) {}
