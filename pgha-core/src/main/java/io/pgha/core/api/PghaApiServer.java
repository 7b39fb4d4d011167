package io.pgha.core.api;

import io.pgha.core.config.RestApiSettings;
import io.pgha.core.dcs.Dcs;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Map;
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
 * <p>Runs on a non-blocking HTTP/1.1 server ({@link HttpTransport}): a connection holds no thread
 * while its request arrives, must deliver it within {@link RestApiSettings#requestTimeout()}, and
 * open connections are bounded by {@link RestApiSettings#maxConnections()} (at the bound the
 * quietest one waiting for a request makes room). Complete requests are answered by a bounded pool
 * of worker threads with a bounded queue; a request beyond both is refused by closing its
 * connection. Request bodies are limited to {@link RestApiSettings#maxBodyBytes()}. Nothing here
 * depends on a JVM-wide setting: several servers in one JVM each keep their own limits.
 */
public final class PghaApiServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PghaApiServer.class);
  private static final AtomicInteger SERVERS = new AtomicInteger();

  private final HttpTransport server;
  private final ThreadPoolExecutor workers;
  private final String member;
  private final boolean tls;

  private PghaApiServer(
      HttpTransport server, ThreadPoolExecutor workers, String member, boolean tls) {
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
    ThreadPoolExecutor workers = workers(config, member);
    ManagementEndpoints management =
        new ManagementEndpoints(
            member, Optional.ofNullable(dcs), actions, config, wallClock, nanoTime);
    ApiHandler handler = new ApiHandler(member, snapshots, access, management, nanoTime);
    HttpTransport server;
    try {
      Map<String, String> extraHeaders = config.extraHeaders();
      server =
          HttpTransport.start(
              member,
              config,
              ssl,
              workers,
              ex -> {
                // Patroni adds them to every answer; the endpoint's own headers win.
                extraHeaders.forEach(ex::setResponseHeader);
                handler.handle(ex);
              });
    } catch (RuntimeException e) {
      workers.shutdownNow();
      throw e;
    }
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
    return server.address().getPort();
  }

  /** The address bound. */
  public InetSocketAddress address() {
    return server.address();
  }

  /** {@code http://host:port} or {@code https://host:port}, for this member's {@code api_url}. */
  public String baseUrl() {
    InetSocketAddress a = server.address();
    String host = a.getAddress().getHostAddress();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return (tls ? "https" : "http") + "://" + host + ":" + a.getPort();
  }

  /** Stops accepting requests, closes every connection, and frees the port. */
  @Override
  public void close() {
    server.close();
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
              // The connection is closed: the client sees the refusal at once.
              LOG.warn("[{}] REST API busy: request refused ({} queued)", member, config.queue());
              throw new java.util.concurrent.RejectedExecutionException("REST API busy");
            });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }
}
