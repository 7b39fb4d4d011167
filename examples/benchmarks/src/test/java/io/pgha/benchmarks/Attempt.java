package io.pgha.benchmarks;

/**
 * One operation of a probe client.
 *
 * @param write a write (an INSERT) or a read
 * @param id the id a write inserted (0 for reads)
 * @param invokeNanos {@link System#nanoTime()} before the client asked for a connection
 * @param endNanos {@link System#nanoTime()} when the operation was acknowledged or failed
 * @param ok whether it was acknowledged
 * @param error for a failure, its SQLState and message ({@code "08006 An I/O error..."})
 */
record Attempt(boolean write, long id, long invokeNanos, long endNanos, boolean ok, String error) {}
