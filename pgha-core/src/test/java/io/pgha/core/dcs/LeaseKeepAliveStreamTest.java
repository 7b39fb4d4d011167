package io.pgha.core.dcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.Client;
import io.pgha.testkit.LocalEtcd;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Lease renewals on one keep-alive stream, against one real etcd. */
class LeaseKeepAliveStreamTest {
  private static final Duration TTL = Duration.ofSeconds(3);
  private static LocalEtcd etcd;

  @BeforeAll
  static void startEtcd() {
    etcd = LocalEtcd.start(1);
  }

  @AfterAll
  static void stopEtcd() {
    if (etcd != null) {
      etcd.close();
    }
  }

  @Test
  void aLeaderRenewsOnOneStreamWithOneRequestPerRenewal() throws Exception {
    try (Contenders cluster = new Contenders(etcd.clientEndpoints(), TTL)) {
      EtcdDcs leader = cluster.start(1, "m").get(0);
      assertThat(leader.acquireLeader()).isTrue();
      Thread.sleep(1000); // the stream is open
      double streams = keepAlive("grpc_server_started_total");
      double requests = keepAlive("grpc_server_msg_received_total");

      Thread.sleep(3000);

      // Renewed every 250 ms (the fast path's pace, the default): about 12 renewals, each one
      // request on the same stream (jetcd's keepAliveOnce opens a stream per renewal and sends
      // its request twice).
      double renewals = keepAlive("grpc_server_msg_received_total") - requests;
      assertThat(renewals).isBetween(4.0, 16.0);
      assertThat(keepAlive("grpc_server_started_total") - streams).isZero();
      assertThat(leader.holdsLeadership()).isTrue();
      assertThat(leader.leaseStatus().isValidAt(System.nanoTime())).isTrue();
    }
  }

  @Test
  void aLeaseRevokedBehindTheMembersBackIsReportedGoneByItsRenewals() throws Exception {
    try (Contenders cluster = new Contenders(etcd.clientEndpoints(), TTL);
        Client other =
            Client.builder().endpoints(etcd.clientEndpoints().toArray(String[]::new)).build()) {
      EtcdDcs member = cluster.start(1, "m").get(0);
      assertThat(member.acquireLeader()).isTrue();
      long lease = member.leaseStatus().leaseId();

      other.getLeaseClient().revoke(lease).get(10, TimeUnit.SECONDS);

      // Only a renewal answered "not found" forgets the lease (the watch sees the key go).
      await().atMost(TTL).until(() -> member.leaseStatus().leaseId() == 0);
      assertThat(member.holdsLeadership()).isFalse();
      // And a new lease is renewed on a new stream.
      assertThat(member.acquireLeader()).isTrue();
      long renewedBefore = member.leaseStatus().lastConfirmedSendNanos();
      await()
          .atMost(TTL)
          .until(() -> member.leaseStatus().lastConfirmedSendNanos() - renewedBefore > 0);
    }
  }

  /** etcd's counter {@code metric} of the LeaseKeepAlive method (all its label sets). */
  private static double keepAlive(String metric) throws Exception {
    String text =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(etcd.clientEndpoints().get(0) + "/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    Matcher m =
        Pattern.compile(
                "(?m)^" + metric + "\\{[^}]*grpc_method=\"LeaseKeepAlive\"[^}]*\\}\\s+(\\S+)$")
            .matcher(text);
    double sum = 0;
    while (m.find()) {
      sum += Double.parseDouble(m.group(1));
    }
    return sum;
  }
}
