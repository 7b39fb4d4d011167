package io.pgha.core.dcs;

import static io.pgha.core.dcs.EtcdCalls.bytes;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.grpc.ClientInterceptor;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/** Builds the jetcd client of an {@link EtcdDcsConfig}: endpoints, timeouts, auth and TLS. */
final class EtcdClients {
  /**
   * gRPC keepalive pings: a dead connection (a black-holed network) is found in about {@link
   * #KEEPALIVE_TIME} + {@link #KEEPALIVE_TIMEOUT}, so calls stuck on it fail and are not left
   * pending. etcd refuses pings more often than every 5 s ({@code --grpc-keepalive-min-time}).
   */
  static final Duration KEEPALIVE_TIME = Duration.ofSeconds(10);

  static final Duration KEEPALIVE_TIMEOUT = Duration.ofSeconds(5);

  private EtcdClients() {}

  /**
   * @param interceptors wrap every call of the client (the first one added runs last)
   */
  static Client build(EtcdDcsConfig config, ClientInterceptor... interceptors) {
    ClientBuilder b = builder(config);
    for (ClientInterceptor i : interceptors) {
      b.interceptor(i);
    }
    return b.build();
  }

  static ClientBuilder builder(EtcdDcsConfig config) {
    ClientBuilder b =
        Client.builder()
            .endpoints(config.endpoints().toArray(java.net.URI[]::new))
            .loadBalancerPolicy("round_robin")
            // etcd's require-leader flag: a member without a quorum answers "no leader".
            .header("hasleader", "true")
            .connectTimeout(config.requestTimeout())
            .keepaliveTime(KEEPALIVE_TIME)
            .keepaliveTimeout(KEEPALIVE_TIMEOUT)
            // Ping only while a call or a stream (the watch, a keep-alive) is open: etcd counts a
            // ping on a connection without one as abuse whatever its interval (its enforcement
            // policy does not permit them) and, after two, closes the connection with GOAWAY
            // "too_many_pings". A connection without calls has nothing to find out early.
            .keepaliveWithoutCalls(false);
    config
        .user()
        .ifPresent(
            user ->
                b.user(bytes(user))
                    .password(
                        ByteSequence.from(
                            config.password().orElse("").getBytes(StandardCharsets.UTF_8))));
    if (config.caFile().isPresent() || config.certFile().isPresent()) {
      try {
        b.sslContext(
            ssl -> {
              config.caFile().ifPresent(ca -> ssl.trustManager(ca.toFile()));
              if (config.certFile().isPresent()) {
                ssl.keyManager(config.certFile().get().toFile(), config.keyFile().get().toFile());
              }
            });
      } catch (SSLException e) {
        throw new IllegalArgumentException(
            "TLS files for etcd cannot be used (ca "
                + config.caFile().orElse(null)
                + ", cert "
                + config.certFile().orElse(null)
                + "): "
                + e.getMessage(),
            e);
      }
    }
    // Last: nothing after it may fail and leave its threads behind.
    return b.vertx(transport());
  }

  /**
   * The Vert.x instance jetcd's gRPC channel runs on (closed with the client), sized for one
   * agent's few calls a second instead of jetcd's defaults: one event loop (the default is two per
   * core, one per etcd endpoint in use), small pools, and Vert.x's blocked-thread checker waking
   * hourly instead of every second (it only logs an event loop blocked for seconds, and nothing of
   * ours runs on that loop). No file cache: the client reads no files through Vert.x.
   */
  private static Vertx transport() {
    return Vertx.vertx(
        new VertxOptions()
            .setUseDaemonThread(true)
            .setEventLoopPoolSize(1)
            .setWorkerPoolSize(1)
            .setInternalBlockingPoolSize(1)
            .setBlockedThreadCheckInterval(1)
            .setBlockedThreadCheckIntervalUnit(TimeUnit.HOURS)
            .setFileSystemOptions(
                new FileSystemOptions()
                    .setFileCachingEnabled(false)
                    .setClassPathResolvingEnabled(false)));
  }
}
