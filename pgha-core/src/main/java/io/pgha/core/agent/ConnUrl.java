package io.pgha.core.agent;

import io.pgha.core.postgres.Upstream;
import io.pgha.patroni.HostNames;
import java.net.URI;
import java.util.Optional;

/** Patroni's {@code conn_url} ({@code postgres://host:port/postgres}) read and written. */
final class ConnUrl {
  private ConnUrl() {}

  static String of(String host, int port) {
    return "postgres://"
        + (host.contains(":") ? "[" + host + "]" : host)
        + ":"
        + port
        + "/postgres";
  }

  /** The server a {@code conn_url} names; empty when it is missing or malformed. */
  static Optional<Upstream> parse(String connUrl) {
    if (connUrl == null || connUrl.isBlank()) {
      return Optional.empty();
    }
    try {
      URI uri = URI.create(connUrl.trim());
      String host = uri.getHost();
      if (host == null) {
        return Optional.empty();
      }
      if (!HostNames.isHostOrAddress(host)) {
        return Optional.empty();
      }
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      return Optional.of(new Upstream(host, uri.getPort() == -1 ? 5432 : uri.getPort()));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
