package io.pgha.core.api;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.pgha.core.config.ClientCertificates;
import io.pgha.core.config.RestApiSettings;
import io.pgha.core.dcs.Dcs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's HTTP API, compatible with Patroni's REST API: health checks for load balancers, the
 * status, cluster, history, configuration and metrics documents, and the management endpoints
 * {@code patronictl} calls.
 *
 * <p>How the agent plugs in:
 *
 * <pre>{@code
 * PghaApiServer api = PghaApiServer.start(
 *     config.restApi(),     // the restapi section of the member's PghaConfig
 *     agent::snapshot,      // Supplier<NodeSnapshot>, called once per request
 *     dcs,                  // config and switchover requests are written here (CAS)
 *     agent.managementActions());
 * ...
 * api.close();
 * }</pre>
 *
 * <p>Runs on the JDK's {@code com.sun.net.httpserver} with a bounded pool of worker threads and a
 * bounded queue; a request beyond both is refused by closing its connection. Request bodies are
 * limited to {@link RestApiSettings#maxBodyBytes()}.
 */
public final class PghaApiServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PghaApiServer.class);
  private static final AtomicInteger SERVERS = new AtomicInteger();

  private final HttpServer server;
  private final ThreadPoolExecutor workers;
  private final String member;
  private final boolean tls;

  private PghaApiServer(HttpServer server, ThreadPoolExecutor workers, String member, boolean tls) {
    this.server = server;
    this.workers = workers;
    this.member = member;
    this.tls = tls;
  }

  /**
   * Starts the API.
   *
   * @param settings where to listen and who may change things: the {@code restapi} section
   * @param snapshots this member's state, asked once per request (and once here, for the member
   *     name used in log lines); must be cheap, never block and always return a snapshot, even
   *     before the HA loop's first cycle
   * @param dcs where configuration and switchover requests are written; null for a read-only API
   *     (those requests then get 503)
   * @param actions what the agent does on restart, reload, reinitialize and failsafe requests;
   *     {@link ManagementActions#unavailable()} when there is no agent
   * @throws UncheckedIOException when the address cannot be bound
   * @throws IllegalArgumentException when the TLS files or the allow-list cannot be used
   */
  public static PghaApiServer start(
      RestApiSettings settings,
      Supplier<NodeSnapshot> snapshots,
      Dcs dcs,
      ManagementActions actions) {
    return start(
        ApiConfig.of(settings), snapshots, dcs, actions, Clock.systemUTC(), System::nanoTime);
  }

  /** Starts with settings made in this package (tests). */
  static PghaApiServer start(
      ApiConfig config, Supplier<NodeSnapshot> snapshots, Dcs dcs, ManagementActions actions) {
    return start(config, snapshots, dcs, actions, Clock.systemUTC(), System::nanoTime);
  }

  static PghaApiServer start(
      ApiConfig config,
      Supplier<NodeSnapshot> snapshots,
      Dcs dcs,
      ManagementActions actions,
      Clock wallClock,
      LongSupplier nanoTime) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(snapshots, "snapshots");
    Objects.requireNonNull(actions, "actions");
    String member = snapshots.get().memberName();
    AccessControl access = new AccessControl(config);
    Optional<SSLContext> ssl = config.tls().map(t -> TlsContexts.server(config));
    applyJdkTimeouts(config);
    HttpServer server;
    try {
      InetSocketAddress address = new InetSocketAddress(config.host(), config.port());
      if (ssl.isPresent()) {
        HttpsServer https = HttpsServer.create(address, 0);
        https.setHttpsConfigurator(configurator(ssl.get(), config.clientCertificates()));
        server = https;
      } else {
        server = HttpServer.create(address, 0);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "restapi cannot listen on " + config.host() + ":" + config.port() + ": " + e.getMessage(),
          e);
    }
    ThreadPoolExecutor workers = workers(config, member);
    ManagementEndpoints management =
        new ManagementEndpoints(
            member, Optional.ofNullable(dcs), actions, config, wallClock, nanoTime);
    server.createContext("/", new ApiHandler(member, snapshots, access, management, nanoTime));
    server.setExecutor(workers);
    server.start();
    PghaApiServer api = new PghaApiServer(server, workers, member, ssl.isPresent());
    LOG.info("[{}] REST API listening on {} ({})", member, api.baseUrl(), config);
    if (config.openToNetwork()) {
      LOG.warn(
          "[{}] REST API on {} has no authentication: anyone who can connect may switch over,"
              + " restart, reinitialize or reconfigure this cluster"
              + " (restapi.allow_unauthenticated_unsafe_methods is set); set"
              + " restapi.authentication or listen on 127.0.0.1",
          member,
          api.baseUrl());
    }
    return api;
  }

  /** The port bound (useful with port 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  /** The address bound. */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  /** {@code http://host:port} or {@code https://host:port}, for this member's {@code api_url}. */
  public String baseUrl() {
    InetSocketAddress a = server.getAddress();
    String host = a.getAddress().getHostAddress();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return (tls ? "https" : "http") + "://" + host + ":" + a.getPort();
  }

  /** Stops accepting requests, lets running ones finish for up to a second, and frees the port. */
  @Override
  public void close() {
    server.stop(1);
    workers.shutdownNow();
    LOG.info("[{}] REST API stopped", member);
  }

  private static ThreadPoolExecutor workers(ApiConfig config, String member) {
    int serial = SERVERS.incrementAndGet();
    AtomicInteger threads = new AtomicInteger();
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            config.threads(),
            config.threads(),
            30,
            TimeUnit.SECONDS,
            config.queue() == 0
                ? new SynchronousQueue<>()
                : new ArrayBlockingQueue<>(config.queue()),
            r -> {
              Thread t = new Thread(r, "pgha-api-" + serial + "-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            },
            (r, executor) -> {
              // The JDK server closes the connection when its executor refuses the exchange.
              LOG.warn("[{}] REST API busy: request refused ({} queued)", member, config.queue());
              throw new java.util.concurrent.RejectedExecutionException("REST API busy");
            });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  private static HttpsConfigurator configurator(SSLContext context, ClientCertificates mode) {
    return new HttpsConfigurator(context) {
      @Override
      public void configure(HttpsParameters params) {
        SSLParameters p = context.getDefaultSSLParameters();
        switch (mode) {
          case REQUIRED -> p.setNeedClientAuth(true);
          case OPTIONAL -> p.setWantClientAuth(true);
          case NONE -> {
            // No client certificate asked for.
          }
        }
        params.setSSLParameters(p);
      }
    };
  }

  /**
   * The JDK server reads its time limit for receiving a request from a system property, once per
   * JVM, when its first server starts: set it unless the host application already did. (Its
   * response limit is left alone: it would also cut short a switchover request that waits for the
   * new leader.)
   */
  private static void applyJdkTimeouts(ApiConfig config) {
    String property = "sun.net.httpserver.maxReqTime";
    if (System.getProperty(property) == null) {
      System.setProperty(property, Long.toString(config.requestTimeout().toSeconds()));
    }
  }
}
