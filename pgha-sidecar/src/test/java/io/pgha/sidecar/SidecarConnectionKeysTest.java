package io.pgha.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.pgha.sidecar.SidecarCluster.Member;
import io.pgha.testkit.FaultProxy;
import io.pgha.testkit.SrvDnsResponder;
import io.pgha.testkit.SrvDnsResponder.Srv;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Patroni's connection keys through the sidecar's YAML, on a real two-member cluster: one member
 * reaches etcd only through {@code etcd3.proxy} (a TCP proxy in front of etcd), the other only
 * through {@code etcd3.srv} (SRV records from a DNS server on 127.0.0.1 named by {@code
 * pgha.dns_server}); the first publishes {@code proxy_address} as {@code proxy_url}, adds {@code
 * http_extra_headers} to its answers and allows unsafe methods from its fellow members' API hosts
 * ({@code allowlist_include_members}) though its {@code allowlist} names another address.
 */
class SidecarConnectionKeysTest {
  private static final Duration CONVERGE = Duration.ofSeconds(90);
  private static final String DOMAIN = "sidecar.pgha.test";

  @Test
  void membersReachEtcdThroughProxyAndSrvAndTheApiKeysApply() throws Exception {
    try (SidecarCluster cluster = new SidecarCluster(2);
        SrvDnsResponder dns = SrvDnsResponder.start();
        FaultProxy proxy = FaultProxy.start("127.0.0.1", cluster.etcd.member(0).clientPort())) {
      String etcdSection = "etcd3:\n  hosts: " + cluster.etcdHostPort() + "\n";
      Member pg1 = cluster.member("pg1");
      edit(
          pg1,
          etcdSection,
          "etcd3:\n  proxy: http://" + proxy.endpoint() + "\n",
          "restapi:\n  listen:",
          "restapi:\n"
              + "  allowlist: [192.0.2.1]\n"
              + "  allowlist_include_members: true\n"
              + "  http_extra_headers:\n"
              + "    X-Frame-Options: DENY\n"
              + "  listen:",
          "postgresql:\n  listen:",
          "postgresql:\n  proxy_address: 127.0.0.1:6432\n  listen:");
      dns.srv(
          "_etcd-client._tcp." + DOMAIN,
          new Srv(0, 0, cluster.etcd.member(0).clientPort(), "127.0.0.1."));
      Member pg2 = cluster.member("pg2");
      edit(pg2, etcdSection, "etcd3:\n  srv: " + DOMAIN + "\n");
      String file = Files.readString(pg2.configFile);
      Files.writeString(
          pg2.configFile,
          file.contains("\npgha:\n")
              ? file.replace("\npgha:\n", "\npgha:\n  dns_server: " + dns.url() + "\n")
              : file + "pgha:\n  dns_server: " + dns.url() + "\n");

      pg1.startInProcess();
      pg2.startInProcess();
      cluster.awaitHealthy(CONVERGE);
      assertThat(dns.queries()).isPositive();

      // proxy_address: in pg1's member key as Patroni's proxy_url; pg2 has none.
      assertThat(memberKey(cluster, "pg1"))
          .contains("\"proxy_url\":\"postgres://127.0.0.1:6432/postgres\"");
      assertThat(memberKey(cluster, "pg2")).doesNotContain("proxy_url");

      // 127.0.0.1 is not in pg1's allowlist, but it is the members' API host.
      HttpResponse<String> reload = post(pg1, "/reload");
      assertThat(reload.statusCode()).as(reload.body()).isEqualTo(202);
      assertThat(reload.headers().firstValue("X-Frame-Options")).hasValue("DENY");
      HttpResponse<String> status = get(pg1, "/patroni");
      assertThat(status.headers().firstValue("X-Frame-Options")).hasValue("DENY");
      assertThat(get(pg2, "/patroni").headers().firstValue("X-Frame-Options")).isEmpty();
    }
  }

  private static void edit(Member m, String... replacements) throws Exception {
    String text = Files.readString(m.configFile);
    for (int i = 0; i < replacements.length; i += 2) {
      assertThat(text).contains(replacements[i]);
      text = text.replace(replacements[i], replacements[i + 1]);
    }
    Files.writeString(m.configFile, text);
  }

  private static HttpResponse<String> get(Member m, String path) throws Exception {
    return SidecarCluster.HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + m.apiPort + path))
            .timeout(Duration.ofSeconds(10))
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(Member m, String path) throws Exception {
    return SidecarCluster.HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + m.apiPort + path))
            .timeout(Duration.ofSeconds(10))
            .POST(HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String memberKey(SidecarCluster cluster, String name) throws Exception {
    String key = SidecarCluster.NAMESPACE + "/" + cluster.scope + "/members/" + name;
    try (Client client =
        Client.builder().endpoints(cluster.etcd.clientEndpoints().get(0)).build()) {
      List<KeyValue> kvs =
          client
              .getKVClient()
              .get(ByteSequence.from(key, StandardCharsets.UTF_8))
              .get(10, TimeUnit.SECONDS)
              .getKvs();
      return kvs.isEmpty() ? "" : kvs.get(0).getValue().toString(StandardCharsets.UTF_8);
    }
  }
}
