package io.pgha.chaos;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cuts a PostgreSQL port off from replication with iptables: every TCP packet that a process of OS
 * user {@code postgres} sends on the loopback to that port is dropped. PostgreSQL servers (their
 * walreceivers) and the tools the agents run as {@code postgres} (pg_basebackup, pg_rewind) are
 * cut; clients and agents, which run as root, still reach the port. Each rule carries a comment
 * unique to this JVM and is removed by {@link #heal}, {@link #close} and, whatever happens, at JVM
 * exit.
 */
final class ReplicationPartition implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ReplicationPartition.class);
  private static final String OS_USER = "postgres";

  private final String comment = "pgha-chaos-" + ProcessHandle.current().pid();
  private final Set<Integer> cut = ConcurrentHashMap.newKeySet();
  private final Thread atExit = new Thread(this::close, "pgha-chaos-iptables-cleanup");

  private ReplicationPartition() {
    Runtime.getRuntime().addShutdownHook(atExit);
  }

  /**
   * A partitioner if iptables is there and accepts an owner-matching rule (a probe rule is added
   * and removed), else why not.
   */
  static Result probe() {
    ReplicationPartition p = new ReplicationPartition();
    Optional<String> refused = p.iptables("-A", 1).or(() -> p.iptables("-D", 1));
    if (refused.isPresent()) {
      p.close();
      return new Result(Optional.empty(), refused.get());
    }
    return new Result(Optional.of(p), "");
  }

  /** The partitioner, or why there is none. */
  record Result(Optional<ReplicationPartition> partition, String unavailableReason) {}

  /** Drops replication traffic to {@code port}; empty if done, else iptables' complaint. */
  Optional<String> cut(int port) {
    Optional<String> refused = iptables("-A", port);
    if (refused.isEmpty()) {
      cut.add(port);
    }
    return refused;
  }

  /** Removes the rule for {@code port}; empty if done, else iptables' complaint. */
  Optional<String> heal(int port) {
    Optional<String> refused = iptables("-D", port);
    if (refused.isEmpty()) {
      cut.remove(port);
    }
    return refused;
  }

  /** Removes every rule still in place. */
  @Override
  public void close() {
    for (Integer port : List.copyOf(cut)) {
      heal(port)
          .ifPresent(why -> LOG.warn("cannot remove the iptables rule for {}: {}", port, why));
    }
    try {
      Runtime.getRuntime().removeShutdownHook(atExit);
    } catch (IllegalStateException e) {
      // the JVM is exiting: this is the hook
    }
  }

  private Optional<String> iptables(String action, int port) {
    List<String> command =
        new ArrayList<>(
            List.of(
                "iptables",
                "-w",
                "5",
                action,
                "OUTPUT",
                "-o",
                "lo",
                "-p",
                "tcp",
                "--dport",
                Integer.toString(port),
                "-m",
                "owner",
                "--uid-owner",
                OS_USER,
                "-m",
                "comment",
                "--comment",
                comment,
                "-j",
                "DROP"));
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!p.waitFor(15, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return Optional.of("iptables " + action + " hung");
      }
      return p.exitValue() == 0
          ? Optional.empty()
          : Optional.of("iptables " + action + " exited " + p.exitValue() + ": " + out);
    } catch (IOException e) {
      return Optional.of("cannot run iptables: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("interrupted");
    }
  }
}
