package io.pgha.core.api;

import io.pgha.core.config.ClientCertificates;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Who may use unsafe methods: Patroni's order of checks (allow-list, client certificate, then Basic
 * authentication). The expected credentials are kept only as the encoded header value, compared in
 * constant time, and never logged or echoed.
 */
final class AccessControl {
  /** A refused request: the status, the reason for the client, and a challenge for 401. */
  record Refusal(int status, String reason) {}

  static final String REALM = "Basic realm=\"pgha\"";

  private final List<AddressRange> allowlist;
  private final boolean clientCertificateRequired;
  private final Optional<byte[]> expectedAuthorization;

  AccessControl(ApiConfig config) {
    List<AddressRange> ranges = new ArrayList<>();
    for (String entry : config.allowlist()) {
      ranges.addAll(AddressRange.parse(entry));
    }
    allowlist = List.copyOf(ranges);
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

  /** Checks an unsafe request; empty when it may proceed. */
  Optional<Refusal> check(ApiExchange exchange) {
    if (!allowlist.isEmpty()) {
      InetAddress client = exchange.remoteAddress();
      if (client == null || allowlist.stream().noneMatch(r -> r.contains(client))) {
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
}
