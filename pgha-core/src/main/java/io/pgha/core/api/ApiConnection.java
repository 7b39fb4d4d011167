package io.pgha.core.api;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: gathers each request in full without holding a thread, within the server's
 * own deadline, then hands it to the worker pool and writes the reply. A connection that has not
 * delivered a complete request within the deadline (counted from when it opened, or from its
 * previous reply) is closed. Requests on one connection are answered in order, one at a time. Runs
 * on the connection's event loop only, so its state needs no lock.
 */
final class ApiConnection extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(ApiConnection.class);

  /** Requests a client may send ahead of their replies (pipelining); more close the connection. */
  private static final int MAX_PIPELINED = 8;

  private final String member;
  private final ConnectionLimit limit;
  private final Executor workers;
  private final Consumer<ApiExchange> handler;
  private final Duration deadline;
  private final int maxBodyBytes;

  private final ArrayDeque<ApiExchange> pending = new ArrayDeque<>();
  private ScheduledFuture<?> timer;
  private HttpRequest head;
  private ByteArrayOutputStream body;
  private boolean answering;
  private Channel channel;

  ApiConnection(
      String member,
      ConnectionLimit limit,
      Executor workers,
      Consumer<ApiExchange> handler,
      Duration deadline,
      int maxBodyBytes) {
    this.member = member;
    this.limit = limit;
    this.workers = workers;
    this.handler = handler;
    this.deadline = deadline;
    this.maxBodyBytes = maxBodyBytes;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    channel = ctx.channel();
    startDeadline();
    ctx.fireChannelActive();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    stopDeadline();
    pending.clear();
    body = null;
    ctx.fireChannelInactive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (msg instanceof HttpRequest request) {
        begin(request);
      }
      if (msg instanceof HttpContent content && head != null) {
        append(content);
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // TLS handshake failures, resets: the client is gone or was never one.
    LOG.debug("[{}] REST API connection from {} failed: {}", member, remote(), cause.toString());
    ctx.close();
  }

  // ------------------------------------------------------------------ receiving

  private void begin(HttpRequest request) {
    if (request.decoderResult().isFailure()) {
      refuse(HttpResponseStatus.BAD_REQUEST, "malformed request: " + request.decoderResult());
      return;
    }
    long length = HttpUtil.getContentLength(request, -1L);
    if (length > maxBodyBytes) {
      refuse(
          HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
          "request body of " + length + " bytes exceeds the limit of " + maxBodyBytes + " bytes");
      return;
    }
    head = request;
    body = new ByteArrayOutputStream();
  }

  private void append(HttpContent content) {
    if (content.decoderResult().isFailure()) {
      refuse(HttpResponseStatus.BAD_REQUEST, "malformed request: " + content.decoderResult());
      return;
    }
    ByteBuf bytes = content.content();
    if (body.size() + bytes.readableBytes() > maxBodyBytes) {
      refuse(
          HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
          "request body exceeds the limit of " + maxBodyBytes + " bytes");
      return;
    }
    byte[] chunk = new byte[bytes.readableBytes()];
    bytes.readBytes(chunk);
    body.writeBytes(chunk);
    if (content instanceof LastHttpContent) {
      complete();
    }
  }

  private void complete() {
    HttpRequest request = head;
    byte[] received = body.toByteArray();
    head = null;
    body = null;
    URI uri;
    try {
      uri = new URI(request.uri());
    } catch (URISyntaxException e) {
      refuse(HttpResponseStatus.BAD_REQUEST, "the request URI is not valid: " + e.getReason());
      return;
    }
    Map<String, String> headers = new HashMap<>();
    request
        .headers()
        .forEach(h -> headers.putIfAbsent(h.getKey().toLowerCase(Locale.ROOT), h.getValue()));
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    boolean sized = request.headers().contains(HttpHeaderNames.CONTENT_LENGTH);
    ApiExchange exchange =
        new ApiExchange(
            request.method().name(),
            uri,
            headers,
            sized ? Optional.of(received) : Optional.empty(),
            remoteAddress(),
            hasClientCertificate(),
            (status, replyHeaders, replyBody) -> send(status, replyHeaders, replyBody, keepAlive));
    if (answering) {
      if (pending.size() >= MAX_PIPELINED) {
        channel.close();
        return;
      }
      pending.add(exchange);
      return;
    }
    answer(exchange);
  }

  // ------------------------------------------------------------------ answering

  private void answer(ApiExchange exchange) {
    answering = true;
    stopDeadline();
    limit.busy(channel);
    // Further requests wait in the socket until this one is answered.
    channel.config().setAutoRead(false);
    try {
      workers.execute(() -> handler.accept(exchange));
    } catch (RejectedExecutionException e) {
      LOG.warn("[{}] REST API busy: request from {} refused", member, remote());
      channel.close();
    }
  }

  /** Called by a worker: writes the reply, then waits for the next request (or closes). */
  private void send(int status, Map<String, String> headers, byte[] body, boolean keepAlive) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), Unpooled.wrappedBuffer(body));
    headers.forEach((name, value) -> response.headers().set(name, value));
    HttpUtil.setContentLength(response, body.length);
    if (!keepAlive) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    channel
        .writeAndFlush(response)
        .addListener(
            (ChannelFutureListener)
                f -> {
                  if (!keepAlive || !f.isSuccess()) {
                    channel.close();
                  } else {
                    next();
                  }
                });
  }

  /** On the event loop, after a reply: the next pipelined request, or wait for one. */
  private void next() {
    answering = false;
    ApiExchange queued = pending.poll();
    if (queued != null) {
      answer(queued);
      return;
    }
    limit.waiting(channel);
    startDeadline();
    channel.config().setAutoRead(true);
  }

  /**
   * An answer of the transport's own (bad framing, too large): sent, then the connection closes.
   */
  private void refuse(HttpResponseStatus status, String reason) {
    LOG.debug("[{}] REST API request from {} refused: {} {}", member, remote(), status, reason);
    head = null;
    body = null;
    stopDeadline();
    channel.config().setAutoRead(false);
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, status, Unpooled.copiedBuffer(reason, StandardCharsets.UTF_8));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, Exchanges.TEXT);
    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    HttpUtil.setContentLength(response, response.content().readableBytes());
    channel.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }

  // ------------------------------------------------------------------ the deadline

  private void startDeadline() {
    stopDeadline();
    timer = channel.eventLoop().schedule(this::expire, deadline.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void stopDeadline() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  private void expire() {
    timer = null;
    if (!answering) {
      LOG.debug(
          "[{}] REST API: no complete request from {} within {}: connection closed",
          member,
          remote(),
          deadline);
      channel.close();
    }
  }

  // ------------------------------------------------------------------ the client

  private InetAddress remoteAddress() {
    return channel.remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
  }

  private String remote() {
    InetAddress a = channel == null ? null : remoteAddress();
    return a == null ? "?" : a.getHostAddress();
  }

  private boolean hasClientCertificate() {
    SslHandler ssl = channel.pipeline().get(SslHandler.class);
    if (ssl == null) {
      return false;
    }
    try {
      return ssl.engine().getSession().getPeerCertificates().length > 0;
    } catch (SSLPeerUnverifiedException e) {
      return false;
    }
  }
}
