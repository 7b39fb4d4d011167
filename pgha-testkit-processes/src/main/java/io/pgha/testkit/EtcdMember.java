package io.pgha.testkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One member of a {@link LocalEtcd} cluster: a real etcd process with fixed client and peer ports
 * and its own data directory, which survive {@link #stop()}, {@link #kill()} and {@link
 * #restart()}.
 */
public final class EtcdMember {

  private static final Logger log = LoggerFactory.getLogger(EtcdMember.class);
  private static final Duration STOP_GRACE = Duration.ofSeconds(10);

  private final String name;
  private final String processName;
  private final int clientPort;
  private final int peerPort;
  private final int metricsPort;
  private final Path dataDir;
  private final Path logFile;
  private final LocalEtcd cluster;
  private List<String> command;
  private volatile ManagedProcess process;

  EtcdMember(
      String name,
      String processName,
      int clientPort,
      int peerPort,
      int metricsPort,
      Path dataDir,
      Path logFile,
      LocalEtcd cluster) {
    this.name = name;
    this.processName = processName;
    this.clientPort = clientPort;
    this.peerPort = peerPort;
    this.metricsPort = metricsPort;
    this.dataDir = dataDir;
    this.logFile = logFile;
    this.cluster = cluster;
  }

  /** The member name, e.g. {@code "etcd0"}. */
  public String name() {
    return name;
  }

  /** {@code "http://127.0.0.1:PORT"}, or {@code https://} when the cluster uses TLS. */
  public String clientEndpoint() {
    return (cluster.usesTls() ? "https://" : "http://") + Ports.LOOPBACK + ":" + clientPort;
  }

  /**
   * Where the kit asks whether the member is up: the client URL, or with TLS (whose client port may
   * require a certificate) a plain-HTTP metrics listener on its own port.
   */
  String healthEndpoint() {
    return cluster.usesTls() ? metricsUrl() : clientEndpoint();
  }

  /** {@code "http://127.0.0.1:PORT"} of the plain metrics and health listener (TLS clusters). */
  String metricsUrl() {
    return "http://" + Ports.LOOPBACK + ":" + metricsPort;
  }

  /** The client port on 127.0.0.1. */
  public int clientPort() {
    return clientPort;
  }

  /** {@code "http://127.0.0.1:PORT"} of the peer (raft) listener. */
  public String peerUrl() {
    return "http://" + Ports.LOOPBACK + ":" + peerPort;
  }

  /** The data directory, kept across restarts. */
  public Path dataDir() {
    return dataDir;
  }

  /** The file the member's output is appended to. */
  public Path logFile() {
    return logFile;
  }

  /** PID of the current (or last) etcd process. */
  public synchronized long pid() {
    requireStarted();
    return process.pid();
  }

  /** True while the process exists, even when paused. */
  public boolean isRunning() {
    ManagedProcess current = process;
    return current != null && current.isAlive();
  }

  /** True while the process is stopped by {@link #pause()}. */
  public boolean isPaused() {
    ManagedProcess current = process;
    return current != null && current.isPaused();
  }

  /** Graceful stop: SIGTERM, then SIGKILL if it has not exited within 10 s. */
  public synchronized void stop() {
    if (isRunning()) {
      log.info("{}: stopping etcd pid {} (SIGTERM)", name, process.pid());
      process.stop("TERM", STOP_GRACE);
    }
  }

  /** Crash: SIGKILL, and wait until the process is gone. */
  public synchronized void kill() {
    if (process != null) {
      log.info("{}: killing etcd pid {} (SIGKILL)", name, process.pid());
      process.kill();
    }
  }

  /** Freezes the process (SIGSTOP): its ports stay open but it answers nothing. */
  public synchronized void pause() {
    requireRunning("pause");
    process.pause();
  }

  /** Undoes {@link #pause()} (SIGCONT). */
  public synchronized void resume() {
    requireRunning("resume");
    process.resume();
  }

  /**
   * Stops the member if it runs, starts it again on the same data directory and ports, and waits
   * until it answers: until it reports healthy when a quorum of the cluster runs, else until it
   * serves HTTP at all (it cannot be healthy without a quorum).
   */
  public synchronized void restart() {
    if (cluster.isClosed()) {
      throw new IllegalStateException("cannot restart " + name + ": its cluster is closed");
    }
    stop();
    launch();
    boolean quorum = cluster.runningUnpausedMembers() > cluster.members().size() / 2;
    awaitAnswering(cluster.startTimeout(), quorum);
  }

  synchronized void launch(List<String> command) {
    this.command = List.copyOf(command);
    launch();
  }

  private void launch() {
    process = ManagedProcess.start(processName, command, logFile);
    log.info("{}: started etcd pid {} on {}", name, process.pid(), clientEndpoint());
  }

  /**
   * Waits until the member answers on its client port ({@code healthy}: {@code /health} says true,
   * which needs a leader; else: {@code /version} answers).
   */
  void awaitAnswering(Duration timeout, boolean healthy) {
    boolean answered =
        Poll.until(
            timeout,
            () -> {
              if (!isRunning()) {
                throw new IllegalStateException(
                    name + ": etcd exited during startup; last log lines:\n" + process.logTail(20));
              }
              return healthy
                  ? EtcdHealth.isHealthy(healthEndpoint())
                  : EtcdHealth.answers(
                      healthEndpoint(), cluster.usesTls() ? "/metrics" : "/version");
            });
    if (!answered) {
      throw new IllegalStateException(
          name
              + ": etcd at "
              + clientEndpoint()
              + " did not become "
              + (healthy ? "healthy" : "reachable")
              + " within "
              + timeout
              + "; last log lines:\n"
              + process.logTail(20));
    }
  }

  /** True if the member exited because it could not bind a port (another process took it). */
  synchronized boolean failedToBind() {
    return process != null
        && !process.isAlive()
        && process.logTail(30).contains("address already in use");
  }

  private void requireStarted() {
    if (process == null) {
      throw new IllegalStateException(name + " was never started");
    }
  }

  private void requireRunning(String action) {
    if (!isRunning()) {
      throw new IllegalStateException("cannot " + action + " " + name + ": it is not running");
    }
  }

  @Override
  public String toString() {
    return name + "@" + clientEndpoint();
  }
}
