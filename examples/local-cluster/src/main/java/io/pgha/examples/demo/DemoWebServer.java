package io.pgha.examples.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The demo's web page on 127.0.0.1: {@code /} is a self-contained HTML page (inline SVG and
 * JavaScript, nothing fetched from the internet) that polls {@code /state.json} every second.
 */
final class DemoWebServer implements AutoCloseable {
  private static final String PAGE = "/demo/index.html";

  private final HttpServer server;
  private final ExecutorService executor;

  private DemoWebServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Serves the page and the state on {@code port} (0 for a free one).
   *
   * @throws IllegalStateException when the port is taken
   */
  static DemoWebServer start(int port, Supplier<LiveView.Snapshot> state) {
    byte[] page = loadPage();
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot serve the web page on 127.0.0.1:"
              + port
              + " ("
              + e.getMessage()
              + "); choose another with --port N",
          e);
    }
    ExecutorService executor =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "demo-web");
              t.setDaemon(true);
              return t;
            });
    DemoWebServer web = new DemoWebServer(server, executor);
    server.createContext(
        "/",
        exchange -> {
          switch (exchange.getRequestURI().getPath()) {
            case "/", "/index.html" -> send(exchange, 200, "text/html; charset=utf-8", page);
            case "/state.json" ->
                send(
                    exchange,
                    200,
                    "application/json",
                    StateJson.render(state.get()).getBytes(StandardCharsets.UTF_8));
            default ->
                send(
                    exchange,
                    404,
                    "text/plain; charset=utf-8",
                    "not found; try / or /state.json\n".getBytes(StandardCharsets.UTF_8));
          }
        });
    server.setExecutor(executor);
    server.start();
    return web;
  }

  /** The page's address. */
  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
  }

  private static void send(HttpExchange exchange, int status, String type, byte[] body)
      throws IOException {
    try (exchange) {
      exchange.getResponseHeaders().set("Content-Type", type);
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
      if ("HEAD".equals(exchange.getRequestMethod())) {
        exchange.sendResponseHeaders(status, -1);
        return;
      }
      exchange.sendResponseHeaders(status, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private static byte[] loadPage() {
    try (InputStream in = DemoWebServer.class.getResourceAsStream(PAGE)) {
      if (in == null) {
        throw new IllegalStateException("the demo's page " + PAGE + " is not on the classpath");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
