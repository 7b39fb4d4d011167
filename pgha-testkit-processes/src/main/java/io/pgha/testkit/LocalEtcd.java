package io.pgha.testkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local etcd cluster of 1 or 3 real etcd processes on free 127.0.0.1 ports, with data and logs in
 * a fresh directory under {@link Testkit#baseDir()}.
 *
 * <pre>{@code
 * try (LocalEtcd etcd = LocalEtcd.start(3)) {
 *   Client client = Client.builder().endpoints(etcd.clientEndpoints().toArray(String[]::new)).build();
 *   etcd.member(0).kill();
 * }
 * }</pre>
 */
public final class LocalEtcd implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LocalEtcd.class);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final int START_ATTEMPTS = 3;

  private final Path workDir;
  private final TestCa ca;
  private final List<EtcdMember> members = new ArrayList<>();
  private volatile boolean closed;

  private LocalEtcd(Path workDir, TestCa ca) {
    this.workDir = workDir;
    this.ca = ca;
  }

  /**
   * Starts a cluster of {@code members} etcd processes and waits until every member reports healthy
   * (at most 60 s).
   *
   * @param members 1 or 3
   * @throws IllegalArgumentException for another member count
   * @throws IllegalStateException if etcd is not installed or the cluster does not come up
   */
  public static LocalEtcd start(int members) {
    return start(members, null);
  }

  /**
   * Starts a cluster that serves clients over TLS only ({@code https://} endpoints) with a
   * certificate of {@code ca} and requires a client certificate from {@code ca} ({@code
   * --client-cert-auth}); members talk to each other over plain HTTP. Issue client certificates
   * with {@link TestCa#issue}: with etcd authentication on, a certificate's CN is its user.
   */
  public static LocalEtcd startTls(int members, TestCa ca) {
    return start(members, java.util.Objects.requireNonNull(ca, "ca"));
  }

  private static LocalEtcd start(int members, TestCa ca) {
    if (members != 1 && members != 3) {
      throw new IllegalArgumentException("members (" + members + ") must be 1 or 3");
    }
    Path etcd = Binaries.require("etcd", "apt-get install -y etcd-server");
    RuntimeException last = null;
    // A free port can be taken by another process before etcd binds it: retry with new ports.
    for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      LocalEtcd cluster = new LocalEtcd(Testkit.newWorkDir("etcd"), ca);
      try {
        cluster.launch(etcd, members);
        return cluster;
      } catch (RuntimeException e) {
        boolean portTaken = cluster.members.stream().anyMatch(EtcdMember::failedToBind);
        cluster.close();
        if (!portTaken) {
          throw e;
        }
        log.warn("etcd cluster in {}: a port was taken, retrying with new ports", cluster.workDir);
        last = e;
      }
    }
    throw last;
  }

  private void launch(Path etcd, int count) {
    String token = workDir.getFileName().toString();
    for (int i = 0; i < count; i++) {
      String name = "etcd" + i;
      members.add(
          new EtcdMember(
              name,
              token + "/" + name,
              Ports.free(),
              Ports.free(),
              ca == null ? 0 : Ports.free(),
              workDir.resolve(name + ".data"),
              workDir.resolve(name + ".log"),
              this));
    }
    String initialCluster =
        members.stream().map(m -> m.name() + "=" + m.peerUrl()).collect(Collectors.joining(","));
    List<String> tlsOptions = tlsOptions();
    for (EtcdMember member : members) {
      List<String> command = new ArrayList<>(command(etcd, member, initialCluster, token));
      command.addAll(tlsOptions);
      if (ca != null) {
        command.add("--listen-metrics-urls=" + member.metricsUrl());
      }
      member.launch(command);
    }
    for (EtcdMember member : members) {
      member.awaitAnswering(START_TIMEOUT, true);
    }
    log.info("etcd cluster {} is healthy: {}", token, clientEndpoints());
  }

  private static List<String> command(
      Path etcd, EtcdMember member, String initialCluster, String token) {
    return List.of(
        etcd.toString(),
        "--name=" + member.name(),
        "--data-dir=" + member.dataDir(),
        "--listen-client-urls=" + member.clientEndpoint(),
        "--advertise-client-urls=" + member.clientEndpoint(),
        "--listen-peer-urls=" + member.peerUrl(),
        "--initial-advertise-peer-urls=" + member.peerUrl(),
        "--initial-cluster=" + initialCluster,
        "--initial-cluster-state=new",
        "--initial-cluster-token=" + token,
        "--logger=zap",
        "--log-outputs=stderr");
  }

  /** The server options of a TLS cluster: one certificate for every member's client port. */
  private List<String> tlsOptions() {
    if (ca == null) {
      return List.of();
    }
    TestCa.Issued server = ca.issue("etcd-server", List.of(Ports.LOOPBACK), List.of("localhost"));
    return List.of(
        "--cert-file=" + server.cert(),
        "--key-file=" + server.key(),
        "--trusted-ca-file=" + ca.caCert(),
        "--client-cert-auth");
  }

  /**
   * Turns etcd authentication on: user {@code root} (etcd's superuser) with {@code rootPassword}.
   * Clients must then log in; a plain-HTTP cluster only.
   *
   * @throws IllegalStateException when etcdctl is missing or fails
   */
  public void enableAuthentication(String rootPassword) {
    if (usesTls()) {
      throw new IllegalStateException("enableAuthentication: a TLS cluster authenticates by CN");
    }
    String etcdctl = Binaries.require("etcdctl", "apt-get install -y etcd-client").toString();
    String endpoint = "--endpoints=" + clientEndpoints().get(0);
    Command.run(
            List.of(
                etcdctl, endpoint, "user", "add", "root:" + rootPassword, "--interactive=false"))
        .requireSuccess();
    Command.run(List.of(etcdctl, endpoint, "auth", "enable")).requireSuccess();
  }

  /** Whether clients reach the members over TLS ({@link #startTls}). */
  public boolean usesTls() {
    return ca != null;
  }

  /** {@code "http://127.0.0.1:PORT"} (or {@code https://}) of every member, in member order. */
  public List<String> clientEndpoints() {
    return members.stream().map(EtcdMember::clientEndpoint).toList();
  }

  /** All members, in order. */
  public List<EtcdMember> members() {
    return List.copyOf(members);
  }

  /**
   * The member at {@code index}.
   *
   * @throws IllegalArgumentException if there is no such member
   */
  public EtcdMember member(int index) {
    if (index < 0 || index >= members.size()) {
      throw new IllegalArgumentException(
          "member index (" + index + ") must be in [0, " + (members.size() - 1) + "]");
    }
    return members.get(index);
  }

  /** The directory holding every member's data directory and log file. */
  public Path workDir() {
    return workDir;
  }

  /** Kills every member (SIGKILL). Data and logs stay on disk for diagnosis. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    RuntimeException failure = null;
    for (EtcdMember member : members) {
      try {
        member.kill();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    log.info("etcd cluster in {} closed", workDir);
    if (failure != null) {
      throw failure;
    }
  }

  boolean isClosed() {
    return closed;
  }

  long runningUnpausedMembers() {
    return members.stream().filter(m -> m.isRunning() && !m.isPaused()).count();
  }

  Duration startTimeout() {
    return START_TIMEOUT;
  }

  @Override
  public String toString() {
    return "LocalEtcd" + clientEndpoints();
  }
}
