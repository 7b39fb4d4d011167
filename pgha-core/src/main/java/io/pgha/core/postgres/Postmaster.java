package io.pgha.core.postgres;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A running postmaster and how its exit is noticed: the JVM's own reaper for a child pgha started
 * (at once), or {@link ProcessHandle#onExit()} for one found running.
 */
final class Postmaster {

  private final ProcessHandle handle;
  private final Process child;
  private final AtomicBoolean stopRequested = new AtomicBoolean();

  private Postmaster(ProcessHandle handle, Process child) {
    this.handle = handle;
    this.child = child;
  }

  static Postmaster started(Process process) {
    return new Postmaster(process.toHandle(), process);
  }

  static Postmaster adopted(ProcessHandle handle) {
    return new Postmaster(handle, null);
  }

  long pid() {
    return handle.pid();
  }

  boolean isAlive() {
    return handle.isAlive();
  }

  /** Whether this JVM started it: then {@link #exit()} completes the moment it is gone. */
  boolean isChild() {
    return child != null;
  }

  /** Completes with the exit code (-1 when not a child of this JVM) once the postmaster is gone. */
  CompletableFuture<Integer> exit() {
    return child != null
        ? child.onExit().thenApply(Process::exitValue)
        : handle.onExit().thenApply(h -> -1);
  }

  /** Marks the coming exit as asked for, so listeners do not take it for a crash. */
  void markStopRequested() {
    stopRequested.set(true);
  }

  /** The stop did not happen: a later exit is a crash again. */
  void clearStopRequested() {
    stopRequested.set(false);
  }

  boolean stopRequested() {
    return stopRequested.get();
  }
}
