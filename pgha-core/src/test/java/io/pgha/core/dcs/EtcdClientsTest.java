package io.pgha.core.dcs;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.ClientBuilder;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class EtcdClientsTest {
  /** etcd's {@code --grpc-keepalive-min-time} default. */
  private static final Duration ETCD_MIN_PING_INTERVAL = Duration.ofSeconds(5);

  @Test
  void pingsOnlyWhatEtcdsDefaultEnforcementAccepts() {
    ClientBuilder b =
        EtcdClients.builder(
            EtcdDcsConfig.builder()
                .endpoint("127.0.0.1:2379")
                .scope("pg")
                .memberName("pg-1")
                .build());
    try {
      // etcd permits no ping on a connection without a call or stream in flight: two of them and
      // it answers GOAWAY "too_many_pings" (issue 21).
      assertThat(b.keepaliveWithoutCalls()).isFalse();
      assertThat(b.keepaliveTime()).isGreaterThanOrEqualTo(ETCD_MIN_PING_INTERVAL);
      // A black-holed connection is still found for the calls in flight on it.
      assertThat(b.keepaliveTime().plus(b.keepaliveTimeout()))
          .isLessThanOrEqualTo(Duration.ofSeconds(15));
    } finally {
      b.vertx().close();
    }
  }
}
