package io.pgha.benchmarks;

import java.util.ArrayList;
import java.util.List;

/**
 * kill -9 of a host's processes at once. The test kit's kill first stops the whole tree (SIGSTOP),
 * collects it and only then kills it, so that nothing forks or escapes meanwhile: right for
 * cleaning up, but on a loaded machine that takes 100-200 ms in which the member's PostgreSQL is
 * frozen rather than dead, and a client's statement waits instead of failing. A host that dies does
 * not freeze first: this sends SIGKILL to every process of the snapshot within microseconds. The
 * kit's own kill runs afterwards and finds them gone (it still reaps and records them).
 */
final class HostKill {
  private HostKill() {}

  /**
   * SIGKILL to each of {@code roots} and all their descendants, the roots first (an agent before
   * its PostgreSQL, a postmaster before its backends, so none reacts to the other's death).
   */
  static void now(List<Long> roots) {
    List<ProcessHandle> targets = new ArrayList<>();
    List<ProcessHandle> descendants = new ArrayList<>();
    for (long pid : roots) {
      ProcessHandle.of(pid)
          .ifPresent(
              h -> {
                targets.add(h);
                h.descendants().forEach(descendants::add);
              });
    }
    targets.addAll(descendants);
    targets.forEach(ProcessHandle::destroyForcibly);
  }
}
