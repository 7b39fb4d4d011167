package io.pgha.core.api;

import io.pgha.core.config.ClientCertificates;
import io.pgha.patroni.ClusterView;
import io.pgha.patroni.Member;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may use unsafe methods: Patroni's order of checks (allow-list, client certificate, then Basic
 * authentication). The expected credentials are kept only as the encoded header value, compared in
 * constant time, and never logged or echoed.
 */
final class AccessControl {
  /** A refused request: the status, the reason for the client, and a challenge for 401. */
  record Refusal(int status, String reason) {}

  static final String REALM = "Basic realm=\"pgha\"";
  private static final Logger LOG = LoggerFactory.getLogger(AccessControl.class);

  private final List<AddressRange> allowlist;
  private final boolean includeMembers;
  private final boolean clientCertificateRequired;
  private final Optional<byte[]> expectedAuthorization;

  AccessControl(ApiConfig config) {
    List<AddressRange> ranges = new ArrayList<>();
    for (String entry : config.allowlist()) {
      ranges.addAll(AddressRange.parse(entry));
    }
    allowlist = List.copyOf(ranges);
    includeMembers = config.allowlistIncludeMembers();
    clientCertificateRequired = config.clientCertificates() != ClientCertificates.NONE;
    expectedAuthorization =
        config
            .username()
            .map(
                user ->
                    ("Basic "
                            + Base64.getEncoder()
                                .encodeToString(
                                    (user + ":" + config.password().orElseThrow())
                                        .getBytes(StandardCharsets.UTF_8)))
                        .getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Checks an unsafe request; empty when it may proceed.
   *
   * @param cluster the cluster as last seen in etcd: with {@code allowlist_include_members}, the
   *     hosts of its members' {@code api_url} are allowed too (read only then)
   */
  Optional<Refusal> check(ApiExchange exchange, Supplier<ClusterView> cluster) {
    if (!allowlist.isEmpty() || includeMembers) {
      InetAddress client = exchange.remoteAddress();
      if (client == null
          || (allowlist.stream().noneMatch(r -> r.contains(client))
              && !(includeMembers && isMemberHost(client, cluster.get())))) {
        return Optional.of(new Refusal(403, "Access is denied"));
      }
    }
    if (clientCertificateRequired && !exchange.hasClientCertificate()) {
      return Optional.of(new Refusal(403, "client certificate required"));
    }
    if (expectedAuthorization.isPresent()) {
      String header = exchange.header("Authorization").orElse(null);
      if (header == null) {
        return Optional.of(new Refusal(401, "no auth header received"));
      }
      byte[] given = header.trim().getBytes(StandardCharsets.UTF_8);
      if (!MessageDigest.isEqual(given, expectedAuthorization.get())) {
        return Optional.of(new Refusal(401, "not authenticated"));
      }
    }
    return Optional.empty();
  }

  /**
   * Whether {@code client} is an address of a member's API host, as Patroni resolves them: at each
   * request, so that members joining or leaving are followed. A host that does not resolve allows
   * nothing.
   */
  private static boolean isMemberHost(InetAddress client, ClusterView cluster) {
    for (Member m : cluster.members().values()) {
      String host = apiHost(m.apiUrl());
      if (host == null) {
        continue;
      }
      try {
        if (AddressRange.parse(host).stream().anyMatch(r -> r.contains(client))) {
          return true;
        }
      } catch (IllegalArgumentException e) {
        LOG.debug(
            "member {}: api_url host {} does not resolve: {}", m.name(), host, e.getMessage());
      }
    }
    return false;
  }

  private static String apiHost(String apiUrl) {
    try {
      String host = new URI(apiUrl).getHost();
      if (host == null || host.isEmpty()) {
        return null;
      }
      return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    } catch (URISyntaxException e) {
      return null;
    }
  }
}
