package io.pgha.sidecar;

import io.pgha.core.config.PghaConfig;
import io.pgha.core.dcs.DcsException;
import io.pgha.core.dcs.EtcdDcs;
import io.pgha.patroni.ClusterView;
import io.pgha.patroni.Member;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/** The members of a cluster as HAProxy servers: from etcd, else this member alone. */
final class ClusterMembers {
  private ClusterMembers() {}

  /**
   * The members registered in etcd, or this member alone (with {@code source} saying why) when etcd
   * cannot be read or holds none.
   */
  static HaproxyConfig haproxyConfig(SidecarConfig config, String bind, HaproxyConfig.Ports ports) {
    PghaConfig pgha = config.pgha();
    List<HaproxyConfig.Server> servers = new ArrayList<>();
    String source;
    try (EtcdDcs dcs = EtcdDcs.connect(pgha, pgha.name() + "-haproxy-config")) {
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
}
