package io.pgha.chaos;

/**
 * One append, from invoke to completion. For an acknowledged one, where it ran: the server's port,
 * its timeline, the WAL insert position after the insert and the server's clock (before the commit)
 * in microseconds since the epoch.
 */
record WriteOp(
    int client,
    long value,
    long invokeNanos,
    long completeNanos,
    Outcome outcome,
    int port,
    int timeline,
    long lsn,
    long serverMicros,
    String error) {

  static WriteOp ok(
      int client,
      long value,
      long invokeNanos,
      long completeNanos,
      int port,
      int timeline,
      long lsn,
      long serverMicros) {
    return new WriteOp(
        client,
        value,
        invokeNanos,
        completeNanos,
        Outcome.OK,
        port,
        timeline,
        lsn,
        serverMicros,
        null);
  }

  static WriteOp failed(
      int client, long value, long invokeNanos, long completeNanos, Outcome outcome, String error) {
    return new WriteOp(client, value, invokeNanos, completeNanos, outcome, -1, -1, -1, -1, error);
  }
}
