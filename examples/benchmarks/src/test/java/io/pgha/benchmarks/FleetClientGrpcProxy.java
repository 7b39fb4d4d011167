package io.pgha.benchmarks;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * etcd's gRPC proxy ({@code etcd grpc-proxy start}, shipped with etcd) in front of the members: it
 * coalesces identical watches of its clients into one watch on a member.
 */
final class FleetClientGrpcProxy implements AutoCloseable {
  private final Process process;
  private final Thread onExit;
  private final int port;
  private final int metricsPort;

  /**
   * Starts the proxy on free 127.0.0.1 ports and waits until it accepts connections.
   *
   * @param etcdEndpoints the members' client URLs
   * @param workDir where its log goes
   */
  FleetClientGrpcProxy(List<String> etcdEndpoints, Path workDir) {
    this.port = freePort();
    this.metricsPort = freePort();
    try {
      Files.createDirectories(workDir);
      Path log = workDir.resolve("grpc-proxy.log");
      process =
          new ProcessBuilder(
                  "etcd",
                  "grpc-proxy",
                  "start",
                  "--endpoints="
                      + String.join(
                          ",", etcdEndpoints.stream().map(e -> e.replace("http://", "")).toList()),
                  "--listen-addr=127.0.0.1:" + port,
                  "--metrics-addr=http://127.0.0.1:" + metricsPort,
                  "--data-dir=" + workDir.resolve("grpc-proxy.data"))
              .directory(workDir.toFile())
              .redirectErrorStream(true)
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start etcd grpc-proxy (is etcd installed?)", e);
    }
    onExit = new Thread(process::destroyForcibly, "grpc-proxy-exit");
    Runtime.getRuntime().addShutdownHook(onExit);
    boolean up =
        Waits.until(
            Duration.ofSeconds(30),
            () -> {
              if (!process.isAlive()) {
                throw new IllegalStateException(
                    "etcd grpc-proxy exited with " + process.exitValue() + "; see its log");
              }
              try (Socket s = new Socket("127.0.0.1", port)) {
                return true;
              } catch (IOException e) {
                return false;
              }
            });
    if (!up) {
      close();
      throw new IllegalStateException("etcd grpc-proxy did not listen on " + port + " within 30 s");
    }
  }

  /** The client URL of the proxy. */
  String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  String metricsUrl() {
    return "http://127.0.0.1:" + metricsPort + "/metrics";
  }

  long pid() {
    return process.pid();
  }

  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(onExit);
    } catch (IllegalStateException e) {
      // the JVM is exiting: the hook ends the proxy
    }
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port", e);
    }
  }
}
