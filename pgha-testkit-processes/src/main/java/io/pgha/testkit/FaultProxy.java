package io.pgha.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP proxy on 127.0.0.1 to put between two parties (agent and etcd, client and PostgreSQL,
 * replica and primary) and break the link on demand: {@link #cut()}, {@link #blackhole()}, {@link
 * #latency(Duration)}, {@link #heal()}.
 *
 * <p>Two threads per connection copy bytes; {@link #close()} ends and joins every thread.
 *
 * <pre>{@code
 * try (FaultProxy proxy = FaultProxy.start(pg.host(), pg.port())) {
 *   String url = "jdbc:postgresql://" + proxy.endpoint() + "/postgres";
 *   proxy.cut();   // existing connections reset, new ones refused
 *   proxy.heal();
 * }
 * }</pre>
 */
public final class FaultProxy implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(FaultProxy.class);
  private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(5);

  /** What the proxy does with traffic. */
  enum Mode {
    /** Forward bytes (after the configured latency). */
    PASS,
    /** No listener (connections refused); existing connections were reset. */
    CUT,
    /** Accept connections and read, but forward nothing until healed. */
    BLACKHOLE
  }

  private final String targetHost;
  private final int targetPort;
  private final int port;
  private final Object lock = new Object();
  private final Set<ProxyConnection> connections = ConcurrentHashMap.newKeySet();
  private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
  private Mode mode = Mode.PASS;
  private Duration latency = Duration.ZERO;
  private ServerSocket listener;
  private Thread acceptor;
  private boolean closed;

  private FaultProxy(String targetHost, int targetPort, ServerSocket listener) {
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    this.listener = listener;
    this.port = listener.getLocalPort();
  }

  /**
   * Starts a proxy on a free 127.0.0.1 port that forwards to {@code targetHost:targetPort}.
   *
   * @throws IllegalArgumentException if the port is not in 1..65535
   */
  public static FaultProxy start(String targetHost, int targetPort) {
    if (targetHost == null || targetHost.isBlank()) {
      throw new IllegalArgumentException("targetHost '" + targetHost + "' must not be blank");
    }
    if (targetPort < 1 || targetPort > 65535) {
      throw new IllegalArgumentException("targetPort (" + targetPort + ") must be in 1..65535");
    }
    FaultProxy proxy = new FaultProxy(targetHost, targetPort, bind(0));
    synchronized (proxy.lock) {
      proxy.startAcceptor(proxy.listener);
    }
    log.info("fault proxy 127.0.0.1:{} -> {}:{} started", proxy.port, targetHost, targetPort);
    return proxy;
  }

  private static ServerSocket bind(int port) {
    try {
      ServerSocket socket = new ServerSocket();
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getByName(Ports.LOOPBACK), port), 50);
      return socket;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "fault proxy cannot listen on " + Ports.LOOPBACK + ":" + port + ": " + e.getMessage(), e);
    }
  }

  /** Always {@code "127.0.0.1"}. */
  public String host() {
    return Ports.LOOPBACK;
  }

  /** The port clients connect to, the same for the proxy's whole life. */
  public int port() {
    return port;
  }

  /** {@code "127.0.0.1:PORT"}. */
  public String endpoint() {
    return host() + ":" + port;
  }

  /** Resets every open connection and refuses new ones (the listener closes) until healed. */
  public void cut() {
    Thread oldAcceptor;
    synchronized (lock) {
      requireOpen("cut");
      mode = Mode.CUT;
      closeListener();
      oldAcceptor = acceptor;
      lock.notifyAll();
    }
    // A thread blocked in accept() keeps the listening socket open until it returns: wait for it,
    // so that no connection is accepted after cut() returns.
    join(oldAcceptor);
    resetConnections();
    log.info("fault proxy {}: cut (connections reset, new ones refused)", endpoint());
  }

  /**
   * Stalls every connection, open or new: bytes are accepted but not forwarded until {@link
   * #heal()}, when what was held is delivered, like TCP after a partition ends.
   */
  public void blackhole() {
    synchronized (lock) {
      requireOpen("blackhole");
      mode = Mode.BLACKHOLE;
      ensureListening();
      lock.notifyAll();
    }
    log.info("fault proxy {}: blackhole (nothing forwarded)", endpoint());
  }

  /**
   * Delays every chunk of bytes by {@code oneWay} in each direction (a round trip costs twice).
   * {@link Duration#ZERO} removes the delay. Does not change cut or blackhole.
   */
  public void latency(Duration oneWay) {
    if (oneWay == null || oneWay.isNegative()) {
      throw new IllegalArgumentException("latency (" + oneWay + ") must be zero or positive");
    }
    synchronized (lock) {
      requireOpen("latency");
      latency = oneWay;
    }
    log.info("fault proxy {}: latency {} each way", endpoint(), oneWay);
  }

  /** Back to normal: listening, forwarding, no latency. */
  public void heal() {
    synchronized (lock) {
      requireOpen("heal");
      mode = Mode.PASS;
      latency = Duration.ZERO;
      ensureListening();
      lock.notifyAll();
    }
    log.info("fault proxy {}: healed", endpoint());
  }

  /** Closes the listener and every connection, and joins all proxy threads. Idempotent. */
  @Override
  public void close() {
    List<Thread> toJoin;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      closeListener();
      lock.notifyAll();
      toJoin = new ArrayList<>(threads);
    }
    resetConnections();
    long deadline = System.nanoTime() + JOIN_TIMEOUT.toNanos();
    for (Thread thread : toJoin) {
      thread.interrupt();
      try {
        thread.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    List<String> alive = toJoin.stream().filter(Thread::isAlive).map(Thread::getName).toList();
    if (!alive.isEmpty()) {
      log.warn("fault proxy {}: threads still running after close: {}", endpoint(), alive);
    }
    log.info("fault proxy {}: closed", endpoint());
  }

  // ---- used by the threads -------------------------------------------------------------------

  /**
   * Blocks while the proxy is blackholed, then waits out the latency counted from {@code
   * readAtNanos}. False when the bytes must be dropped (cut or closed).
   */
  boolean awaitForwarding(long readAtNanos) throws InterruptedException {
    Duration delay;
    synchronized (lock) {
      while (mode == Mode.BLACKHOLE && !closed) {
        lock.wait();
      }
      if (closed || mode == Mode.CUT) {
        return false;
      }
      delay = latency;
    }
    long remaining = readAtNanos + delay.toNanos() - System.nanoTime();
    if (remaining > 0) {
      Thread.sleep(remaining / 1_000_000, (int) (remaining % 1_000_000));
    }
    return true;
  }

  /** Starts a proxy thread unless the proxy is closed; null if it was not started. */
  Thread spawn(String role, Runnable body) {
    synchronized (lock) {
      if (closed) {
        return null;
      }
      Thread thread =
          new Thread(
              () -> {
                try {
                  body.run();
                } finally {
                  threads.remove(Thread.currentThread());
                }
              },
              "fault-proxy-" + port + "-" + role);
      thread.setDaemon(true);
      threads.add(thread);
      thread.start();
      return thread;
    }
  }

  void removed(ProxyConnection connection) {
    connections.remove(connection);
  }

  private void startAcceptor(ServerSocket socket) {
    acceptor = spawn("accept", () -> acceptLoop(socket));
  }

  private void acceptLoop(ServerSocket socket) {
    while (true) {
      Socket client;
      try {
        client = socket.accept();
      } catch (IOException e) {
        return; // the listener was closed by cut() or close()
      }
      synchronized (lock) {
        if (closed || socket != listener) {
          ProxyConnection.abort(client);
          return;
        }
        ProxyConnection connection = new ProxyConnection(this, client, targetHost, targetPort);
        connections.add(connection);
        if (connection.start() == null) {
          connection.reset();
        }
      }
    }
  }

  /** Opens the listener again on the same port if cut() closed it. Holds the lock. */
  private void ensureListening() {
    if (listener == null) {
      listener = bind(port);
      startAcceptor(listener);
    }
  }

  private void closeListener() {
    if (listener != null) {
      ProxyConnection.closeQuietly(listener);
      listener = null;
    }
  }

  private static void join(Thread thread) {
    if (thread == null) {
      return;
    }
    try {
      thread.join(JOIN_TIMEOUT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void resetConnections() {
    for (ProxyConnection connection : List.copyOf(connections)) {
      connection.reset();
    }
  }

  private void requireOpen(String action) {
    if (closed) {
      throw new IllegalStateException(
          "cannot " + action + " fault proxy " + endpoint() + ": closed");
    }
  }

  @Override
  public String toString() {
    return "FaultProxy[" + endpoint() + " -> " + targetHost + ":" + targetPort + "]";
  }
}
