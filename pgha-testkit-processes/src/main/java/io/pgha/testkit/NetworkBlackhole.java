package io.pgha.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Drops every packet of one member, on the loopback: what a host whose network black-holes looks
 * like (its processes run; sockets stay open; nothing arrives and nothing leaves, and no connection
 * is reset). Needs root, iptables with the {@code cgroup} match and the {@code net_cls} cgroup
 * controller.
 *
 * <p>The member's processes (the given ones and all their descendants) move to a {@code net_cls}
 * cgroup of their own, which tags their sockets, old and new, with a class id: one OUTPUT rule
 * drops every packet they send. INPUT rules drop every packet sent to their listening ports and to
 * the local ports of the connections they had opened. Every rule carries a comment unique to this
 * instance and is removed by {@link #heal}, {@link #close} and, whatever happens, at JVM exit.
 */
public final class NetworkBlackhole implements AutoCloseable {
  private static final AtomicInteger SEQUENCE = new AtomicInteger();
  private static final Path NET_CLS_MOUNT = Path.of("/tmp/pgha-testkit-net_cls");

  private final String comment;
  private final int classId;
  private final List<List<String>> rules = new ArrayList<>();
  private final Set<Long> moved = new HashSet<>();
  private final Thread atExit;
  private Path group;

  private NetworkBlackhole() {
    int n = SEQUENCE.incrementAndGet();
    long jvm = ProcessHandle.current().pid();
    this.comment = "pgha-blackhole-" + jvm + "-" + n;
    // major 0x7067 ("pg"), a minor unique enough for the JVMs of one machine
    this.classId = 0x7067_0000 | (int) ((jvm * 31 + n) & 0xffff);
    this.atExit = new Thread(this::heal, comment + "-cleanup");
  }

  /** A black hole, not yet cut, if this machine can make one; else why not. */
  public static Result probe() {
    NetworkBlackhole b = new NetworkBlackhole();
    try {
      b.netClsRoot();
    } catch (IOException | RuntimeException e) {
      return new Result(Optional.empty(), "no net_cls cgroup: " + e.getMessage());
    }
    List<String> rule = List.of("OUTPUT", "-o", "lo", "-m", "cgroup", "--cgroup", "1");
    Optional<String> refused =
        iptables("-A", rule, b.comment).or(() -> iptables("-D", rule, b.comment));
    return refused.isPresent()
        ? new Result(Optional.empty(), refused.get())
        : new Result(Optional.of(b), "");
  }

  /** The black hole, or why there is none. */
  public record Result(Optional<NetworkBlackhole> blackhole, String unavailableReason) {}

  /**
   * Cuts the processes {@code pids} (with their descendants) and the local {@code ports} off.
   *
   * @throws IllegalStateException when a step fails (what was done is undone)
   */
  public synchronized void cut(Collection<Long> pids, Collection<Integer> ports) {
    if (group != null) {
      throw new IllegalStateException(comment + " is already cut");
    }
    Runtime.getRuntime().addShutdownHook(atExit);
    try {
      Path root = netClsRoot();
      group = root.resolve(comment);
      Files.createDirectories(group);
      Files.writeString(group.resolve("net_cls.classid"), Integer.toString(classId));
      // Twice: a process that forked while the first pass ran has its child caught by the second.
      for (int pass = 0; pass < 2; pass++) {
        for (long pid : treeOf(pids)) {
          if (moved.add(pid) || pass == 1) {
            move(pid, group);
          }
        }
      }
      add(List.of("OUTPUT", "-o", "lo", "-m", "cgroup", "--cgroup", Integer.toString(classId)));
      Set<Integer> local = new LinkedHashSet<>(ports);
      local.addAll(localPortsOf(moved));
      for (int port : local) {
        add(List.of("INPUT", "-i", "lo", "-p", "tcp", "--dport", Integer.toString(port)));
      }
    } catch (IOException | RuntimeException e) {
      heal();
      throw new IllegalStateException(comment + ": cannot cut " + pids + ": " + e.getMessage(), e);
    }
  }

  /** Removes every rule and moves the processes back; safe to call twice. */
  public synchronized void heal() {
    List<String> problems = new ArrayList<>();
    for (List<String> rule : List.copyOf(rules)) {
      iptables("-D", rule, comment).ifPresentOrElse(problems::add, () -> rules.remove(rule));
    }
    if (group != null) {
      try {
        Path root = group.getParent();
        for (long pid : readPids(group.resolve("cgroup.procs"))) {
          move(pid, root);
        }
        Files.deleteIfExists(group);
        group = null;
      } catch (IOException | RuntimeException e) {
        problems.add("cgroup " + group + ": " + e.getMessage());
      }
    }
    moved.clear();
    try {
      Runtime.getRuntime().removeShutdownHook(atExit);
    } catch (IllegalStateException e) {
      // the JVM is exiting: this is the hook, or it was never added
    }
    if (!problems.isEmpty()) {
      System.err.println(comment + ": incomplete heal: " + problems);
    }
  }

  /** Whether packets are being dropped. */
  public synchronized boolean isCut() {
    return group != null;
  }

  @Override
  public void close() {
    heal();
  }

  private void add(List<String> rule) {
    iptables("-A", rule, comment)
        .ifPresent(
            why -> {
              throw new IllegalStateException(why);
            });
    rules.add(rule);
  }

  /** The root of a mounted net_cls hierarchy, mounting one if there is none. */
  private Path netClsRoot() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/mounts"))) {
      String[] f = line.split(" ");
      if (f.length >= 4 && f[2].equals("cgroup") && List.of(f[3].split(",")).contains("net_cls")) {
        return Path.of(f[1]);
      }
    }
    Files.createDirectories(NET_CLS_MOUNT);
    Optional<String> failed =
        run(List.of("mount", "-t", "cgroup", "-o", "net_cls", "net_cls", NET_CLS_MOUNT.toString()));
    if (failed.isPresent()) {
      throw new IOException(failed.get());
    }
    return NET_CLS_MOUNT;
  }

  private static void move(long pid, Path to) {
    try {
      Files.writeString(to.resolve("cgroup.procs"), Long.toString(pid));
    } catch (IOException e) {
      if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
        throw new IllegalStateException("cannot move " + pid + " to " + to + ": " + e.getMessage());
      }
    }
  }

  private static List<Long> readPids(Path procs) throws IOException {
    if (!Files.exists(procs)) {
      return List.of();
    }
    return Files.readAllLines(procs).stream()
        .filter(l -> !l.isBlank())
        .map(String::strip)
        .map(Long::parseLong)
        .toList();
  }

  private static Set<Long> treeOf(Collection<Long> pids) {
    Set<Long> all = new LinkedHashSet<>();
    for (long pid : pids) {
      ProcessHandle.of(pid)
          .ifPresent(
              p -> {
                all.add(p.pid());
                p.descendants().forEach(d -> all.add(d.pid()));
              });
    }
    return all;
  }

  /** The local ports of the TCP sockets the processes hold (listening or connected). */
  static Set<Integer> localPortsOf(Collection<Long> pids) throws IOException {
    Set<String> inodes = new HashSet<>();
    for (long pid : pids) {
      Path fds = Path.of("/proc", Long.toString(pid), "fd");
      try (Stream<Path> list = Files.list(fds)) {
        for (Path fd : list.toList()) {
          try {
            String target = Files.readSymbolicLink(fd).toString();
            if (target.startsWith("socket:[")) {
              inodes.add(target.substring(8, target.length() - 1));
            }
          } catch (IOException e) {
            // closed meanwhile
          }
        }
      } catch (IOException e) {
        // exited meanwhile
      }
    }
    Map<String, Integer> portOfInode = new HashMap<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      Path file = Path.of(table);
      if (!Files.exists(file)) {
        continue;
      }
      List<String> lines = Files.readAllLines(file);
      for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
        String[] f = line.trim().split("\\s+");
        if (f.length > 9) {
          String local = f[1];
          portOfInode.put(f[9], Integer.parseInt(local.substring(local.indexOf(':') + 1), 16));
        }
      }
    }
    Set<Integer> ports = new LinkedHashSet<>();
    for (String inode : inodes) {
      Integer port = portOfInode.get(inode);
      if (port != null && port != 0) {
        ports.add(port);
      }
    }
    return ports;
  }

  private static Optional<String> iptables(String action, List<String> rule, String comment) {
    List<String> command = new ArrayList<>(List.of("iptables", "-w", "5", action));
    command.addAll(rule);
    command.addAll(List.of("-m", "comment", "--comment", comment, "-j", "DROP"));
    return run(command);
  }

  private static Optional<String> run(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!p.waitFor(15, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return Optional.of(command.get(0) + " hung");
      }
      return p.exitValue() == 0
          ? Optional.empty()
          : Optional.of(String.join(" ", command) + " exited " + p.exitValue() + ": " + out);
    } catch (IOException e) {
      return Optional.of("cannot run " + command.get(0) + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("interrupted");
    }
  }
}
