package io.pgha.chaos;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Every operation of a run, as it completed. {@link System#nanoTime()} readings are turned into
 * wall-clock microseconds with one anchor taken at the start, so that they compare with the
 * servers' clocks (everything runs on this machine).
 */
final class History {
  private final long anchorNanos = System.nanoTime();
  private final long anchorMicros = System.currentTimeMillis() * 1000;
  private final ConcurrentLinkedQueue<WriteOp> writes = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<ReadOp> reads = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<NemesisOp> faults = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<String> notes = new ConcurrentLinkedQueue<>();

  /** Something the report must say about the run itself (e.g. a fault that could not be used). */
  void note(String note) {
    notes.add(note);
  }

  List<String> notes() {
    return new ArrayList<>(notes);
  }

  void add(WriteOp op) {
    writes.add(op);
  }

  void add(ReadOp op) {
    reads.add(op);
  }

  void add(NemesisOp op) {
    faults.add(op);
  }

  List<WriteOp> writes() {
    return new ArrayList<>(writes);
  }

  List<ReadOp> reads() {
    return new ArrayList<>(reads);
  }

  List<NemesisOp> faults() {
    return new ArrayList<>(faults);
  }

  long startNanos() {
    return anchorNanos;
  }

  /** A {@link System#nanoTime()} reading as microseconds since the epoch. */
  long toMicros(long nanos) {
    return anchorMicros + (nanos - anchorNanos) / 1000;
  }

  /** Seconds since the start of the run, for reports. */
  double secondsOf(long nanos) {
    return (nanos - anchorNanos) / 1e9;
  }
}
