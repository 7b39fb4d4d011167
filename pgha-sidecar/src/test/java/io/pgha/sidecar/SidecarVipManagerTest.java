package io.pgha.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pgha.sidecar.SidecarCluster.Member;
import io.pgha.testkit.ProcessTracker;
import io.pgha.testkit.TrackedProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A virtual IP that follows the leader: one real vip-manager per member, each configured from
 * {@code examples/sidecar/vip-manager.yml} with its member's name as {@code trigger-value} and an
 * interface of its own, reads pgha's leader key unchanged. The address is on the leader's interface
 * only, and moves to the new leader's on a switchover and when the leader's sidecar and PostgreSQL
 * are killed.
 *
 * <p>The interfaces are dummy interfaces (a veth pair where the kernel has no dummy driver) with
 * names unique to the run, created in this host's network namespace, where vip-manager reaches the
 * test's etcd on 127.0.0.1, and deleted at the end. The addresses (each interface's own and the
 * virtual one) are /32s of 198.18.0.0/15, the range kept for network tests. Skipped, with the
 * reason, without a vip-manager that reads etcd's v3 API (2.0 or later: Debian 12's 1.0.2 reads the
 * v2 API only) or without the right to create interfaces. The vip-manager is the one named by the
 * system property {@code pgha.vipManager} or the variable {@code PGHA_VIP_MANAGER}, else the one on
 * {@code PATH}; {@code examples/sidecar/build-vip-manager.sh} builds one from its source.
 */
class SidecarVipManagerTest {
  private static final Duration CONVERGE = Duration.ofSeconds(90);

  private final List<String> interfaces = new ArrayList<>();
  private final List<TrackedProcess> vipManagers = new ArrayList<>();
  private SidecarCluster cluster;

  @AfterEach
  void cleanUp() {
    vipManagers.forEach(TrackedProcess::kill);
    for (String dev : interfaces) {
      run("ip", "link", "del", dev);
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void theAddressFollowsTheLeaderOnStartSwitchoverAndLeaderKill() throws Exception {
    Optional<Path> vipManager = vipManagerBinary();
    assumeTrue(
        vipManager.isPresent(),
        "no vip-manager: give one with -Dpgha.vipManager=/path or PGHA_VIP_MANAGER, or put it on"
            + " PATH (examples/sidecar/build-vip-manager.sh builds one from its source)");
    int major = majorVersion(vipManager.get());
    assumeTrue(
        major >= 2,
        vipManager.get()
            + " is vip-manager "
            + major
            + ".x, which reads etcd's v2 API (Debian 12 ships 1.0.2): it cannot see keys written"
            + " through the v3 API, pgha's or Patroni's etcd3; vip-manager 2.0 or later is needed");
    String run = Integer.toString(ThreadLocalRandom.current().nextInt(0x1000, 0xffff), 16);
    String net = "198.18." + ThreadLocalRandom.current().nextInt(1, 255) + ".";
    String vip = net + "10";
    List<String> devices = List.of("pgv" + run + "a", "pgv" + run + "b");
    for (int i = 0; i < devices.size(); i++) {
      // vip-manager sends gratuitous ARP from the interface's own IPv4 address: give it one.
      Optional<String> refused = createInterface(devices.get(i), net + (20 + i));
      assumeTrue(refused.isEmpty(), () -> "cannot create a network interface: " + refused.get());
    }

    // Both as their own JVMs, so that the leader's can be killed.
    cluster = new SidecarCluster(2);
    cluster.member("pg1").startAsProcess();
    cluster.member("pg2").startAsProcess();
    Member leader = cluster.awaitHealthy(CONVERGE);
    String example = Files.readString(SidecarExamplesTest.EXAMPLES.resolve("vip-manager.yml"));
    for (int i = 0; i < 2; i++) {
      Member m = cluster.members.get(i);
      Path config = cluster.workDir.resolve("vip-manager-" + m.name + ".yml");
      Files.writeString(config, vipConfig(example, m.name, vip, devices.get(i)));
      Path log = cluster.workDir.resolve("vip-manager-" + m.name + ".log");
      Process p =
          new ProcessBuilder(vipManager.get().toString(), "--config", config.toString())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      vipManagers.add(ProcessTracker.adopt("vip-manager-" + m.name, p.pid(), log));
    }
    awaitAddressOnlyOn(deviceOf(leader, devices), devices, vip);

    Member candidate = other(leader);
    switchover(leader, candidate);
    SidecarCluster.await(
        CONVERGE,
        candidate + " as the primary",
        () -> candidate.isWritablePrimary() ? Optional.of(true) : Optional.empty());
    awaitAddressOnlyOn(deviceOf(candidate, devices), devices, vip);

    // The old leader streams again before its peer is killed, so that it can take over.
    assertThat(cluster.awaitHealthy(CONVERGE)).isSameAs(candidate);
    candidate.tracked.kill();
    candidate.killPostmaster();
    SidecarCluster.await(
        CONVERGE,
        leader + " as the primary again",
        () -> leader.isWritablePrimary() ? Optional.of(true) : Optional.empty());
    awaitAddressOnlyOn(deviceOf(leader, devices), devices, vip);
  }

  /** {@code -Dpgha.vipManager}, else {@code PGHA_VIP_MANAGER}, else {@code vip-manager} on PATH. */
  private static Optional<Path> vipManagerBinary() {
    String given = System.getProperty("pgha.vipManager", System.getenv("PGHA_VIP_MANAGER"));
    if (given != null && !given.isBlank()) {
      Path p = Path.of(given);
      assumeTrue(
          Files.isExecutable(p),
          () -> "pgha.vipManager / PGHA_VIP_MANAGER: " + p + " is not an executable file");
      return Optional.of(p);
    }
    return SidecarExamplesTest.onPath("vip-manager");
  }

  private Member other(Member m) {
    return cluster.members.stream().filter(x -> x != m).findFirst().orElseThrow();
  }

  private String deviceOf(Member m, List<String> devices) {
    return devices.get(cluster.members.indexOf(m));
  }

  /**
   * {@code POST /switchover} through the leader's REST API, as {@code patronictl} sends it; again
   * while the answer is 412 (the candidate's member key does not say "running" yet).
   */
  private static void switchover(Member leader, Member candidate) throws InterruptedException {
    String body = "{\"leader\":\"" + leader.name + "\",\"candidate\":\"" + candidate.name + "\"}";
    HttpResponse<String> r =
        SidecarCluster.await(
            CONVERGE,
            "a switchover that is not refused with 412",
            () -> {
              try {
                HttpResponse<String> answer =
                    SidecarCluster.HTTP.send(
                        HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + leader.apiPort + "/switchover"))
                            .timeout(Duration.ofSeconds(60))
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .header("Content-Type", "application/json")
                            .build(),
                        HttpResponse.BodyHandlers.ofString());
                return answer.statusCode() == 412 ? Optional.empty() : Optional.of(answer);
              } catch (IOException e) {
                return Optional.empty();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
              }
            });
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  /** The example with this member's key, value, address and interface. */
  private String vipConfig(String example, String member, String vip, String device) {
    String endpoint = "http://" + cluster.etcdHostPort();
    return example
        .replaceFirst(
            "(?m)^trigger-key: .*$",
            "trigger-key: " + SidecarCluster.NAMESPACE + "/" + cluster.scope + "/leader")
        .replaceFirst("(?m)^trigger-value: .*$", "trigger-value: " + member)
        .replaceFirst("(?m)^ip: .*$", "ip: " + vip)
        .replaceFirst("(?m)^netmask: .*$", "netmask: 32")
        .replaceFirst("(?m)^interface: .*$", "interface: " + device)
        .replaceFirst(
            "(?s)dcs-endpoints:\\n(  - [^\\n]*\\n)+", "dcs-endpoints:\n  - " + endpoint + "\n")
        .replaceFirst("(?m)^interval: .*$", "interval: 500");
  }

  private static void awaitAddressOnlyOn(String device, List<String> devices, String vip)
      throws InterruptedException {
    SidecarCluster.await(
        CONVERGE,
        vip + " on " + device + " only",
        () ->
            devices.stream().allMatch(d -> hasAddress(d, vip) == d.equals(device))
                ? Optional.of(true)
                : Optional.empty());
  }

  private static boolean hasAddress(String device, String address) {
    return run("ip", "-o", "-4", "addr", "show", "dev", device).contains(" " + address + "/");
  }

  /**
   * A dummy interface, or a veth pair named {@code dev} and {@code dev + "p"}, up, with {@code
   * address}; why not, else.
   */
  private Optional<String> createInterface(String dev, String address) {
    interfaces.add(dev);
    String dummy = run("ip", "link", "add", dev, "type", "dummy");
    if (!hasInterface(dev)) {
      String veth = run("ip", "link", "add", dev, "type", "veth", "peer", "name", dev + "p");
      if (!hasInterface(dev)) {
        return Optional.of("dummy: " + dummy.trim() + "; veth: " + veth.trim());
      }
      run("ip", "link", "set", dev + "p", "up");
    }
    run("ip", "link", "set", dev, "up");
    run("ip", "addr", "add", address + "/32", "dev", dev);
    return hasAddress(dev, address)
        ? Optional.empty()
        : Optional.of("cannot add " + address + " to " + dev);
  }

  private static boolean hasInterface(String dev) {
    return Files.isDirectory(Path.of("/sys/class/net", dev));
  }

  private static int majorVersion(Path vipManager) {
    Matcher m =
        Pattern.compile("version:?\\s*v?(\\d+)").matcher(run(vipManager.toString(), "--version"));
    return m.find() ? Integer.parseInt(m.group(1)) : 0;
  }

  /** Runs a command for at most 20 s; its output (stdout and stderr), empty if it could not run. */
  private static String run(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return "";
      }
      return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }
}
