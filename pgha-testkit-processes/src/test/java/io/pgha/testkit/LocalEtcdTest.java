package io.pgha.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** A real 3-member etcd cluster under kill -9 and SIGSTOP. */
class LocalEtcdTest {

  // Generous: the first request of a jetcd client is slow on a loaded 2-core machine.
  private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration NO_QUORUM_WAIT = Duration.ofSeconds(3);

  @Test
  void singleMemberAcceptsWritesAndIsGoneAfterClose() throws Exception {
    TrackedProcess tracked;
    try (LocalEtcd etcd = LocalEtcd.start(1);
        Client client = client(etcd)) {
      assertThat(etcd.clientEndpoints()).singleElement().asString().startsWith("http://127.0.0.1:");
      await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .until(() -> tryPut(client.getKVClient(), "k", "v"));
      assertThat(get(client.getKVClient(), "k")).isEqualTo("v");
      long pid = etcd.member(0).pid();
      tracked = ProcessTracker.all().stream().filter(p -> p.pid() == pid).findFirst().orElseThrow();
      assertThat(tracked.isAlive()).isTrue();
      assertThat(etcd.member(0).logFile()).isNotEmptyFile();
    }
    assertThat(tracked.released()).isTrue();
    assertThat(tracked.isAlive()).isFalse();
  }

  @Test
  void threeMembersSurviveAKilledMemberAndStallWithoutQuorum() throws Exception {
    try (LocalEtcd etcd = LocalEtcd.start(3);
        Client client = client(etcd)) {
      KV kv = client.getKVClient();
      // jetcd's first request on a loaded machine is sometimes lost; retry it, bounded.
      await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .until(() -> tryPut(kv, "before", "1"));

      etcd.member(0).kill();
      assertThat(etcd.member(0).isRunning()).isFalse();
      // The client may first pick the dead member; jetcd then moves on to a live one.
      await()
          .atMost(Duration.ofSeconds(20))
          .ignoreExceptions()
          .until(() -> tryPut(kv, "after-kill", "2"));
      assertThat(get(kv, "after-kill")).isEqualTo("2");

      etcd.member(0).restart();
      assertThat(etcd.member(0).isRunning()).isTrue();

      etcd.member(1).pause();
      etcd.member(2).pause();
      assertThat(etcd.member(1).isPaused()).isTrue();
      // Without quorum a write never commits: it fails or is still pending after the wait.
      assertThatThrownBy(
              () ->
                  kv.put(bytes("no-quorum"), bytes("3"))
                      .get(NO_QUORUM_WAIT.toMillis(), TimeUnit.MILLISECONDS))
          .isInstanceOfAny(TimeoutException.class, ExecutionException.class);

      etcd.member(1).resume();
      etcd.member(2).resume();
      await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .until(() -> tryPut(kv, "recovered", "4"));
      assertThat(get(kv, "recovered")).isEqualTo("4");
      assertThat(get(kv, "before")).isEqualTo("1");
    }
  }

  @Test
  void aStoppedMemberRestartsOnItsDataAndAPausedOneIsKilledOnClose() throws Exception {
    LocalEtcd etcd = LocalEtcd.start(1);
    EtcdMember member = etcd.member(0);
    try (Client client = client(etcd)) {
      KV kv = client.getKVClient();
      await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .until(() -> tryPut(kv, "kept", "yes"));
      long firstPid = member.pid();

      member.stop();
      assertThat(member.isRunning()).isFalse();
      assertThat(ProcessTree.identify(firstPid)).isEmpty();

      member.restart();
      assertThat(member.pid()).isNotEqualTo(firstPid);
      await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .until(() -> "yes".equals(get(kv, "kept")));

      member.pause();
      assertThat(member.isPaused()).isTrue();
    }
    long pausedPid = member.pid();
    etcd.close();
    assertThat(ProcessTree.identify(pausedPid)).isEmpty();
    assertThat(member.isRunning()).isFalse();
  }

  @Test
  void rejectsUnsupportedMemberCounts() {
    assertThatThrownBy(() -> LocalEtcd.start(2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("members (2) must be 1 or 3");
  }

  static Client client(LocalEtcd etcd) {
    return Client.builder().endpoints(etcd.clientEndpoints().toArray(String[]::new)).build();
  }

  private static boolean tryPut(KV kv, String key, String value) throws Exception {
    put(kv, key, value);
    return true;
  }

  private static void put(KV kv, String key, String value) throws Exception {
    kv.put(bytes(key), bytes(value)).get(WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static String get(KV kv, String key) throws Exception {
    return kv.get(bytes(key))
        .get(WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .getKvs()
        .get(0)
        .getValue()
        .toString(UTF_8);
  }

  private static ByteSequence bytes(String text) {
    return ByteSequence.from(text, UTF_8);
  }
}
