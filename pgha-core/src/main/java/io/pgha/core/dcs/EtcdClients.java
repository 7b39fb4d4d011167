package io.pgha.core.dcs;

import static io.pgha.core.dcs.EtcdCalls.bytes;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLException;

/** Builds the jetcd client of an {@link EtcdDcsConfig}: endpoints, timeouts, auth and TLS. */
final class EtcdClients {
  private EtcdClients() {}

  static Client build(EtcdDcsConfig config) {
    ClientBuilder b =
        Client.builder()
            .endpoints(config.endpoints().toArray(java.net.URI[]::new))
            .loadBalancerPolicy("round_robin")
            // etcd's require-leader flag: a member without a quorum answers "no leader".
            .header("hasleader", "true")
            .connectTimeout(config.requestTimeout())
            // Find a dead connection (a black-holed network) in ~15 s, so calls stuck on it fail
            // and are not left pending. etcd refuses pings more often than every 5 s.
            .keepaliveTime(Duration.ofSeconds(10))
            .keepaliveTimeout(Duration.ofSeconds(5));
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
    return b.build();
  }
}
