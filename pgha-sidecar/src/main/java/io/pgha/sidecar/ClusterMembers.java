package io.pgha.sidecar;

import io.pgha.core.config.PghaConfig;
import io.pgha.core.dcs.DcsException;
import io.pgha.core.dcs.EtcdDcs;
import io.pgha.core.dcs.EtcdDcsConfig;
import io.pgha.patroni.ClusterView;
import io.pgha.patroni.Member;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The members of a cluster as HAProxy servers: from etcd, else this member alone. */
final class ClusterMembers {
  private static final Duration ETCD_TIMEOUT = Duration.ofSeconds(3);

  private ClusterMembers() {}

  /**
   * The members registered in etcd, or this member alone (with {@code source} saying why) when etcd
   * cannot be read or holds none.
   */
  static HaproxyConfig haproxyConfig(SidecarConfig config, String bind, HaproxyConfig.Ports ports) {
    PghaConfig pgha = config.pgha();
    List<HaproxyConfig.Server> servers = new ArrayList<>();
    String source;
    try (EtcdDcs dcs = EtcdDcs.connect(dcsConfig(pgha))) {
      ClusterView view = dcs.refresh();
      for (Member m : view.members().values()) {
        server(m).ifPresent(servers::add);
      }
      source = "read from etcd (" + pgha.clusterPrefix() + "members/)";
    } catch (DcsException | RuntimeException e) {
      source = "of the configuration file only: etcd could not be read (" + e.getMessage() + ")";
    }
    if (servers.isEmpty()) {
      if (source.startsWith("read")) {
        source = "of the configuration file only: etcd has no member registered yet";
      }
      servers.add(
          new HaproxyConfig.Server(
              pgha.name(),
              pgha.postgres().connectAddress().host(),
              pgha.postgres().connectAddress().port(),
              pgha.restApi().connectAddress().host(),
              pgha.restApi().connectAddress().port()));
    }
    return new HaproxyConfig(pgha.scope(), bind, ports, servers, config.restApiTls(), source);
  }

  private static java.util.Optional<HaproxyConfig.Server> server(Member m) {
    try {
      URI conn = URI.create(m.connUrl());
      URI api = URI.create(m.apiUrl());
      if (conn.getHost() == null || api.getHost() == null || api.getPort() < 1) {
        return java.util.Optional.empty();
      }
      int port = conn.getPort() > 0 ? conn.getPort() : 5432;
      return java.util.Optional.of(
          new HaproxyConfig.Server(m.name(), conn.getHost(), port, api.getHost(), api.getPort()));
    } catch (IllegalArgumentException e) {
      return java.util.Optional.empty();
    }
  }

  private static EtcdDcsConfig dcsConfig(PghaConfig config) {
    Duration ttl = config.timings().ttl();
    EtcdDcsConfig.Builder b =
        EtcdDcsConfig.builder()
            .endpoints(config.etcd().endpoints().stream().map(URI::toString).toList())
            .namespace(config.namespace())
            .scope(config.scope())
            // Only reads; the suffix tells this reader apart from the member in log lines.
            .memberName(config.name() + "-haproxy-config")
            .ttl(ttl)
            .requestTimeout(ETCD_TIMEOUT.compareTo(ttl) < 0 ? ETCD_TIMEOUT : ttl.dividedBy(2));
    config
        .etcd()
        .credentials()
        .ifPresent(c -> b.credentials(c.username(), c.passwordIfSet().orElse("")));
    if (config.etcd().caFile() != null) {
      b.caFile(config.etcd().caFile());
    }
    if (config.etcd().certFile() != null) {
      b.clientCertificate(config.etcd().certFile(), config.etcd().keyFile());
    }
    return b.build();
  }
}
