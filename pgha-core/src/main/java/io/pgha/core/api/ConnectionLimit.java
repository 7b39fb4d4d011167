package io.pgha.core.api;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bound on open connections. At the bound, a new connection takes the place of the one, among
 * those waiting for a request, that has been quiet longest (an idle client, or a slow one between
 * two of its bytes), so that clients holding connections open cannot lock out a load balancer's
 * health check: a check sends its request at once and is answered long before it could be the
 * quietest. Only when every connection is busy with a request being answered is the new one closed
 * instead. One per server, shared by its connections.
 */
@ChannelHandler.Sharable
final class ConnectionLimit extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionLimit.class);
  private static final long BUSY = Long.MAX_VALUE;

  private final String member;
  private final int max;

  /**
   * Every open connection, to when it last showed life (opened, sent bytes, was answered) while
   * waiting for a request; {@link #BUSY} while its request is being answered.
   */
  private final Map<Channel, Long> open = new HashMap<>();

  private long evicted;

  ConnectionLimit(String member, int max) {
    this.member = member;
    this.max = max;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    Channel arrived = ctx.channel();
    Channel victim = admit(arrived);
    if (victim == arrived) {
      LOG.warn("[{}] REST API: {} connections, all busy: connection refused", member, max);
      arrived.close();
      return;
    }
    if (victim != null) {
      victim.close();
    }
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    synchronized (this) {
      open.computeIfPresent(ctx.channel(), (c, since) -> since == BUSY ? BUSY : System.nanoTime());
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    synchronized (this) {
      open.remove(ctx.channel());
    }
    ctx.fireChannelInactive();
  }

  /** The connection waits for its next request from now on. */
  synchronized void waiting(Channel channel) {
    open.computeIfPresent(channel, (c, since) -> System.nanoTime());
  }

  /** The connection's request is being answered: it is not evicted. */
  synchronized void busy(Channel channel) {
    open.computeIfPresent(channel, (c, since) -> BUSY);
  }

  /** The connections open, to close them all when the server stops. */
  synchronized List<Channel> channels() {
    return List.copyOf(open.keySet());
  }

  /** How many connections were closed to make room; for the log and tests. */
  synchronized long evicted() {
    return evicted;
  }

  /**
   * Counts {@code arrived} in; returns the connection to close for it (the quietest waiting), or
   * {@code arrived} itself when there is none, or null when there is room.
   */
  private synchronized Channel admit(Channel arrived) {
    if (open.size() < max) {
      open.put(arrived, System.nanoTime());
      return null;
    }
    Channel oldest = null;
    long oldestSince = BUSY;
    for (Map.Entry<Channel, Long> e : open.entrySet()) {
      if (e.getValue() < oldestSince) {
        oldest = e.getKey();
        oldestSince = e.getValue();
      }
    }
    if (oldest == null) {
      return arrived;
    }
    open.remove(oldest);
    open.put(arrived, System.nanoTime());
    if (evicted++ % 1000 == 0) {
      LOG.warn(
          "[{}] REST API at its bound of {} connections: closing the quietest of those waiting"
              + " for a request ({} so far)",
          member,
          max,
          evicted);
    }
    return oldest;
  }
}
