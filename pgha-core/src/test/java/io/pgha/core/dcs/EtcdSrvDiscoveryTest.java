package io.pgha.core.dcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgha.core.config.EtcdSettings;
import io.pgha.core.config.PghaConfig;
import io.pgha.core.config.RtoPreset;
import io.pgha.patroni.Member;
import io.pgha.testkit.LocalEtcd;
import io.pgha.testkit.SrvDnsResponder;
import io.pgha.testkit.SrvDnsResponder.Srv;
import java.net.URI;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Patroni's {@code etcd3.srv} and {@code srv_suffix}: the endpoints come from DNS SRV records,
 * answered by a DNS server on 127.0.0.1 that only this lookup asks, and a real etcd is reached
 * through them.
 */
class EtcdSrvDiscoveryTest {
  private static LocalEtcd etcd;
  private static SrvDnsResponder dns;
  private static int clientPort;
  private static int peerPort;

  @BeforeAll
  static void start() {
    etcd = LocalEtcd.start(1);
    dns = SrvDnsResponder.start();
    clientPort = etcd.member(0).clientPort();
    peerPort = URI.create(etcd.member(0).peerUrl()).getPort();
  }

  @AfterAll
  static void stop() {
    if (dns != null) {
      dns.close();
    }
    if (etcd != null) {
      etcd.close();
    }
  }

  private static PghaConfig config(String scope, Consumer<EtcdSettings.Builder> etcdKeys) {
    return PghaConfig.builder()
        .scope(scope)
        .name("m1")
        .etcd(etcdKeys)
        .preset(RtoPreset.RAPID)
        .postgresDataDir(Path.of("/nonexistent/m1"))
        .postgresListen("127.0.0.1:5432")
        .build();
  }

  /**
   * Discovery under {@code domain} (with {@code suffix}) finds etcd's client URL, and the member
   * reaches etcd through it: its key is written and read back.
   */
  private static void assertDiscoversEtcd(String domain, String suffix) throws Exception {
    PghaConfig config =
        config(domain.replace('.', '-'), e -> e.srv(domain, suffix).dnsServer(dns.url()));
    assertThat(EtcdDcsConfig.of(config, "m1").endpoints())
        .containsExactly(URI.create(etcd.member(0).clientEndpoint()));
    try (EtcdDcs dcs = EtcdDcs.connect(config, "m1")) {
      assertThat(dcs.updateMember(Member.builder("m1").state("running").build())).isTrue();
      assertThat(dcs.refresh().members()).containsOnlyKeys("m1");
    }
  }

  @Test
  void clientRecordsGiveTheEndpoints() throws Exception {
    dns.srv("_etcd-client._tcp.client.pgha.test", new Srv(0, 0, clientPort, "127.0.0.1."));
    assertDiscoversEtcd("client.pgha.test", null);
  }

  @Test
  void aSuffixSelectsOtherRecordsAsPatroniNamesThem() throws Exception {
    // Without the suffix these records would win; with it, _etcd-client-<suffix> is asked.
    dns.srv("_etcd-client._tcp.suffix.pgha.test", new Srv(0, 0, 9, "127.0.0.1."));
    dns.srv("_etcd-client-blue._tcp.suffix.pgha.test", new Srv(0, 0, clientPort, "127.0.0.1."));
    assertDiscoversEtcd("suffix.pgha.test", "blue");
  }

  @Test
  void serverRecordsNamePeerPortsWhoseMembersListGivesTheClientUrls() throws Exception {
    dns.srv("_etcd-server._tcp.server.pgha.test", new Srv(0, 0, peerPort, "127.0.0.1."));
    assertDiscoversEtcd("server.pgha.test", null);
  }

  @Test
  void withoutRecordsTheListedEndpointsServeAndWithoutThoseTheMemberDoesNotStart() {
    PghaConfig fallback =
        config(
            "srv-fallback",
            e ->
                e.srv("nothing.pgha.test", null)
                    .dnsServer(dns.url())
                    .endpoints(etcd.clientEndpoints()));
    assertThat(EtcdDcsConfig.of(fallback, "m1").endpoints())
        .containsExactly(URI.create(etcd.clientEndpoints().get(0)));

    PghaConfig nothing =
        config("srv-none", e -> e.srv("nothing.pgha.test", null).dnsServer(dns.url()));
    assertThatThrownBy(() -> EtcdDcs.connect(nothing, "m1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("etcd.srv (nothing.pgha.test) found no etcd endpoint")
        .hasMessageContaining("_etcd-client-ssl._tcp.nothing.pgha.test")
        .hasMessageContaining("_etcd-server._tcp.nothing.pgha.test");
  }
}
