package io.pgha.core.api;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

/**
 * The API's HTTP/1.1 server on Netty's non-blocking I/O: a connection costs no thread until it has
 * delivered a complete request, each server has its own deadline for that ({@link
 * ApiConfig#requestTimeout()}) and its own bound on open connections ({@link
 * ApiConfig#maxConnections()}), and complete requests are answered on a bounded worker pool.
 *
 * <p>Why Netty and not the JDK's {@code com.sun.net.httpserver}: that server reads each request on
 * a worker thread, so a few clients sending their requests slowly hold every worker, and its only
 * deadline is a JVM-wide system property read once, by whichever server starts first. Netty is
 * already on the class path (jetcd's gRPC and Vert.x transports use it), so it adds no jar.
 */
final class HttpTransport implements AutoCloseable {
  private static final int MAX_INITIAL_LINE = 4096;
  private static final int MAX_HEADER_BYTES = 8192;

  private final EventLoopGroup acceptor;
  private final EventLoopGroup io;
  private final Channel server;
  private final ConnectionLimit limit;

  private HttpTransport(
      EventLoopGroup acceptor, EventLoopGroup io, Channel server, ConnectionLimit limit) {
    this.acceptor = acceptor;
    this.io = io;
    this.server = server;
    this.limit = limit;
  }

  /**
   * Binds and starts serving.
   *
   * @param handler answers one complete request, on a thread of {@code workers}
   * @throws UncheckedIOException when the address cannot be bound
   */
  static HttpTransport start(
      String member,
      ApiConfig config,
      Optional<SSLContext> ssl,
      Executor workers,
      Consumer<ApiExchange> handler) {
    ConnectionLimit limit = new ConnectionLimit(member, config.maxConnections());
    EventLoopGroup acceptor =
        new MultiThreadIoEventLoopGroup(
            1, new DefaultThreadFactory("pgha-api-accept", true), NioIoHandler.newFactory());
    EventLoopGroup io =
        new MultiThreadIoEventLoopGroup(
            2, new DefaultThreadFactory("pgha-api-io", true), NioIoHandler.newFactory());
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(acceptor, io)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, 1024)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ChannelPipeline p = ch.pipeline();
                    p.addLast(limit);
                    ssl.ifPresent(context -> p.addLast(sslHandler(context, config)));
                    p.addLast(
                        new HttpServerCodec(
                            new HttpDecoderConfig()
                                .setMaxInitialLineLength(MAX_INITIAL_LINE)
                                .setMaxHeaderSize(MAX_HEADER_BYTES)));
                    p.addLast(new HttpServerExpectContinueHandler());
                    p.addLast(
                        new ApiConnection(
                            member,
                            limit,
                            workers,
                            handler,
                            config.requestTimeout(),
                            config.maxBodyBytes()));
                  }
                });
    try {
      Channel server =
          bootstrap.bind(new InetSocketAddress(config.host(), config.port())).sync().channel();
      return new HttpTransport(acceptor, io, server, limit);
    } catch (Exception e) {
      shutdown(acceptor, io);
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new UncheckedIOException(
          "restapi cannot listen on " + config.host() + ":" + config.port() + ": " + e.getMessage(),
          e instanceof SocketException se ? se : new SocketException(String.valueOf(e)));
    }
  }

  private static SslHandler sslHandler(SSLContext context, ApiConfig config) {
    SSLEngine engine = context.createSSLEngine();
    engine.setUseClientMode(false);
    if (!config.cipherSuites().isEmpty()) {
      engine.setEnabledCipherSuites(
          enabledSuites(config.cipherSuites(), engine.getEnabledCipherSuites()));
    }
    switch (config.clientCertificates()) {
      case REQUIRED -> engine.setNeedClientAuth(true);
      case OPTIONAL -> engine.setWantClientAuth(true);
      case NONE -> {
        // No client certificate asked for.
      }
    }
    SslHandler handler = new SslHandler(engine);
    // The request deadline covers the handshake too; Netty's own limit only backs it up.
    handler.setHandshakeTimeout(60, TimeUnit.SECONDS);
    return handler;
  }

  /**
   * {@code restapi.ciphers}' suites; as with OpenSSL's cipher list, which leaves TLS 1.3 alone, the
   * JVM's TLS 1.3 suites stay enabled unless the list names some.
   */
  static String[] enabledSuites(List<String> configured, String[] defaults) {
    Set<String> suites = new LinkedHashSet<>(configured);
    if (configured.stream().noneMatch(HttpTransport::isTls13Suite)) {
      Arrays.stream(defaults).filter(HttpTransport::isTls13Suite).forEach(suites::add);
    }
    return suites.toArray(String[]::new);
  }

  private static boolean isTls13Suite(String name) {
    return name.startsWith("TLS_AES_") || name.startsWith("TLS_CHACHA20_");
  }

  /** The address bound. */
  InetSocketAddress address() {
    return (InetSocketAddress) server.localAddress();
  }

  /** Connections closed to make room at the bound. */
  long evicted() {
    return limit.evicted();
  }

  /** Stops accepting, closes every connection and frees the port. */
  @Override
  public void close() {
    server.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
    limit.channels().forEach(Channel::close);
    shutdown(acceptor, io);
  }

  private static void shutdown(EventLoopGroup acceptor, EventLoopGroup io) {
    acceptor.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
    io.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
  }
}
