package io.pgha.sidecar;

import io.pgha.core.config.PghaConfig;
import io.pgha.core.dcs.DcsException;
import io.pgha.core.dcs.EtcdDcs;
import io.pgha.patroni.ClusterView;
import io.pgha.patroni.Member;
import io.pgha.patroni.MemberNames;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** The members of a cluster as HAProxy servers: from etcd, else this member alone. */
final class ClusterMembers {
  private ClusterMembers() {}

  /**
   * The members registered in etcd, or this member alone (with {@code source} saying why) when etcd
   * cannot be read or holds none.
   */
  static HaproxyConfig haproxyConfig(
      SidecarConfig config,
      String bind,
      HaproxyConfig.Ports ports,
      HaproxyConfig.Checks checks,
      Consumer<String> warn) {
    PghaConfig pgha = config.pgha();
    List<HaproxyConfig.Server> servers = new ArrayList<>();
    String source;
    try (EtcdDcs dcs = EtcdDcs.connect(pgha, pgha.name() + "-haproxy-config")) {
      ClusterView view = dcs.refresh();
      for (Member m : view.members().values()) {
        server(m, pgha.clusterPrefix(), warn).ifPresent(servers::add);
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
    return new HaproxyConfig(
        pgha.scope(), bind, ports, servers, config.restApiTls(), checks, source);
  }

  /**
   * The member as a server; empty (with a warning naming the key, its value and the rule, when the
   * value could become HAProxy syntax) when it cannot be one.
   */
  private static Optional<HaproxyConfig.Server> server(
      Member m, String prefix, Consumer<String> warn) {
    URI conn;
    URI api;
    try {
      conn = URI.create(m.connUrl());
      api = URI.create(m.apiUrl());
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    if (conn.getHost() == null || api.getHost() == null || api.getPort() < 1) {
      return Optional.empty();
    }
    int port = conn.getPort() > 0 ? conn.getPort() : 5432;
    try {
      return Optional.of(
          new HaproxyConfig.Server(m.name(), conn.getHost(), port, api.getHost(), api.getPort()));
    } catch (IllegalArgumentException e) {
      warn.accept(
          prefix + "members/" + MemberNames.printable(m.name()) + ": left out: " + e.getMessage());
      return Optional.empty();
    }
  }
}
