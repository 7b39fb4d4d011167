package io.pgha.benchmarks;

import java.util.Arrays;

/**
 * The latencies of one kind of etcd call in the fleet benchmark's measurement window: every sample
 * is kept (at most a few hundred thousand per window), so the percentiles are exact.
 */
final class FleetLatencies {
  /** p50, p99 and max in milliseconds, and how many samples they come from. */
  record Summary(long count, double p50Ms, double p99Ms, double maxMs) {
    static final Summary NONE = new Summary(0, Double.NaN, Double.NaN, Double.NaN);
  }

  private long[] samples = new long[1024];
  private int size;
  private boolean recording;

  /** Starts keeping samples (the measurement window opens); earlier ones are dropped. */
  synchronized void start() {
    size = 0;
    recording = true;
  }

  /** Stops keeping samples (the window closes). */
  synchronized void stop() {
    recording = false;
  }

  /** Records one call that took {@code nanos}; ignored outside the window. */
  synchronized void add(long nanos) {
    if (!recording) {
      return;
    }
    if (size == samples.length) {
      samples = Arrays.copyOf(samples, size * 2);
    }
    samples[size++] = nanos;
  }

  synchronized Summary summary() {
    if (size == 0) {
      return Summary.NONE;
    }
    long[] sorted = Arrays.copyOf(samples, size);
    Arrays.sort(sorted);
    return new Summary(
        size,
        millis(sorted[percentileIndex(size, 50)]),
        millis(sorted[percentileIndex(size, 99)]),
        millis(sorted[size - 1]));
  }

  /** The nearest-rank index of percentile {@code p} among {@code n} sorted samples. */
  static int percentileIndex(int n, int p) {
    int rank = (int) Math.ceil(p / 100.0 * n);
    return Math.max(0, Math.min(n - 1, rank - 1));
  }

  private static double millis(long nanos) {
    return nanos / 1e6;
  }
}
