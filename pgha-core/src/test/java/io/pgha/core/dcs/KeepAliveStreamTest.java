package io.pgha.core.dcs;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.net.ServerSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The keep-alive stream over a channel whose etcd is gone. */
class KeepAliveStreamTest {

  @Test
  void aStreamThatEndsAsItOpensFailsTheRenewalInsteadOfThrowing() throws Exception {
    int deadPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      deadPort = socket.getLocalPort(); // closed again: nothing listens there
    }
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", deadPort).usePlaintext().build();
    try {
      KeepAliveStream stream = new KeepAliveStream(TimeUnit.SECONDS.toNanos(5));
      // As jetcd's first call hands the stream its channel.
      ClientInterceptors.intercept(channel, stream.capture())
          .newCall(io.etcd.jetcd.api.LeaseGrpc.getLeaseGrantMethod(), io.grpc.CallOptions.DEFAULT);
      assertThat(stream.ready()).isTrue();

      // The first renewal finds the channel connecting and fails when the connection does; then
      // the channel is in transient failure, and a new stream ends while it opens, on the caller's
      // thread. Each renewal must fail as an unanswered one (it threw a NullPointerException).
      for (int i = 0; i < 3; i++) {
        CompletableFuture<LeaseKeepAliveResponse> answer = stream.keepAlive(7, System.nanoTime());
        try {
          answer.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException expected) {
          // etcd did not answer
        }
        assertThat(answer).isCompletedExceptionally();
      }
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
