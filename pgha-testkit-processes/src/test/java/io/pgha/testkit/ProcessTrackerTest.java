package io.pgha.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The tracker notices processes left behind, including children that outlive their parent. */
class ProcessTrackerTest {

  @Test
  void startedProcessesLeadTheirOwnProcessGroup() throws Exception {
    ManagedProcess sleeper = sleeper("sleep 60");
    try {
      ProcessTree.ProcStat stat = ProcessTree.ProcStat.read(sleeper.pid());
      assertThat(stat.pgid()).isEqualTo(sleeper.pid());
      assertThat(ProcessTracker.all()).extracting(TrackedProcess::pid).contains(sleeper.pid());
      assertThat(ProcessTracker.unreleased())
          .extracting(TrackedProcess::pid)
          .contains(sleeper.pid());
    } finally {
      sleeper.kill();
    }
    assertThat(ProcessTracker.alive())
        .extracting(TrackedProcess::pid)
        .doesNotContain(sleeper.pid());
  }

  @Test
  void aReleasedProcessWhoseChildSurvivesIsALeftover() throws Exception {
    // The shell forks a child into a new session (like a PostgreSQL backend), so signalling the
    // shell's process group does not reach it.
    ManagedProcess parent = sleeper("setsid sleep 60 & wait");
    TrackedProcess tracked = tracked(parent.pid());
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> !ProcessTree.descendants(parent.pid()).isEmpty());
    List<ProcessTree.Pid> children = ProcessTree.descendants(parent.pid());

    // Kill only the parent, as a naive cleanup would, and mark the process as ended by its owner.
    ProcessTree.signal("KILL", List.of(parent.pid()));
    parent.waitForExit(Duration.ofSeconds(10));
    tracked.recordChildren(children);
    tracked.markReleased();

    assertThat(ProcessTracker.alive()).contains(tracked);
    assertThat(tracked.alivePids())
        .containsAll(children.stream().map(ProcessTree.Pid::pid).toList());

    tracked.kill();
    assertThat(tracked.isAlive()).isFalse();
    assertThat(ProcessTracker.alive()).doesNotContain(tracked);
  }

  @Test
  void killReachesChildrenInTheirOwnSessions() {
    ManagedProcess parent = sleeper("setsid sleep 60 & setsid sleep 60 & wait");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> ProcessTree.descendants(parent.pid()).size() >= 2);
    List<ProcessTree.Pid> children = ProcessTree.descendants(parent.pid());

    parent.kill();

    assertThat(children).noneMatch(ProcessTree.Pid::isAlive);
    assertThat(tracked(parent.pid()).released()).isTrue();
    assertThat(tracked(parent.pid()).isAlive()).isFalse();
  }

  @Test
  void adoptedProcessesAreTrackedAndKilledWithTheirChildren() throws Exception {
    Process outsider = new ProcessBuilder("sh", "-c", "sleep 60 & wait").start();
    try {
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> !ProcessTree.descendants(outsider.pid()).isEmpty());
      TrackedProcess adopted =
          ProcessTracker.adopt("outsider", outsider.pid(), Path.of("/dev/null"));
      assertThat(ProcessTracker.alive()).contains(adopted);
      assertThat(ProcessTracker.unreleased()).contains(adopted);
      List<ProcessTree.Pid> tree = ProcessTree.descendants(outsider.pid());

      assertThat(adopted.pause()).isEqualTo(tree.size());
      assertThat(state(outsider.pid())).isEqualTo('T');
      assertThat(tree).allMatch(child -> state(child.pid()) == 'T');
      adopted.resume();
      await().atMost(Duration.ofSeconds(10)).until(() -> state(outsider.pid()) != 'T');
      assertThat(tree).allMatch(child -> state(child.pid()) != 'T');

      adopted.kill();

      assertThat(adopted.released()).isTrue();
      assertThat(adopted.alivePids()).isEmpty();
      assertThat(outsider.waitFor(10, TimeUnit.SECONDS)).isTrue();
    } finally {
      outsider.destroyForcibly();
    }
    assertThatThrownBy(() -> ProcessTracker.adopt("gone", outsider.pid(), Path.of("/dev/null")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot adopt pid " + outsider.pid() + " (gone): it does not run");
  }

  private static char state(long pid) {
    return ProcessTree.ProcStat.read(pid).state();
  }

  private static ManagedProcess sleeper(String script) {
    return ManagedProcess.start(
        "sleeper", List.of("sh", "-c", script), Testkit.newWorkDir("sleeper").resolve("out.log"));
  }

  private static TrackedProcess tracked(long pid) {
    return ProcessTracker.all().stream().filter(p -> p.pid() == pid).findFirst().orElseThrow();
  }
}
