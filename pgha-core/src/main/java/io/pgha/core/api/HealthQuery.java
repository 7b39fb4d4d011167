package io.pgha.core.api;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The query parameters of a health check.
 *
 * @param lag {@code lag}: the largest acceptable replication lag in bytes
 * @param replicationState {@code replication_state}: e.g. {@code streaming}
 * @param writeMode {@code mode=write} (lag measured on received WAL) rather than {@code apply}
 *     (replayed WAL), for {@code /readiness}
 * @param tags {@code tag_<name>=<value>}: tags this member must have, with these values
 */
record HealthQuery(
    OptionalLong lag,
    Optional<String> replicationState,
    boolean writeMode,
    Map<String, String> tags) {

  static final HealthQuery NONE =
      new HealthQuery(OptionalLong.empty(), Optional.empty(), false, Map.of());

  private static final String TAG_PREFIX = "tag_";

  HealthQuery {
    tags = Map.copyOf(tags);
  }

  /**
   * Parses a raw query string ({@code lag=16MB&tag_dc=eu}). Only the first value of a repeated
   * parameter counts, as in Patroni; unknown parameters are ignored.
   *
   * @throws RequestRefusedException when {@code lag} or {@code mode} has a value that cannot be
   *     used
   */
  static HealthQuery parse(String rawQuery) throws RequestRefusedException {
    Map<String, String> params = parameters(rawQuery);
    OptionalLong lag =
        params.containsKey("lag")
            ? OptionalLong.of(ByteSize.parse("lag", params.get("lag")))
            : OptionalLong.empty();
    String mode = params.getOrDefault("mode", "apply");
    if (!mode.equals("apply") && !mode.equals("write")) {
      throw new RequestRefusedException("mode='" + mode + "' is not allowed: use apply or write");
    }
    Map<String, String> tags = new LinkedHashMap<>();
    params.forEach(
        (k, v) -> {
          if (k.startsWith(TAG_PREFIX) && k.length() > TAG_PREFIX.length()) {
            tags.put(k.substring(TAG_PREFIX.length()), v);
          }
        });
    return new HealthQuery(
        lag,
        Optional.ofNullable(params.get("replication_state")).filter(s -> !s.isEmpty()),
        mode.equals("write"),
        tags);
  }

  private static Map<String, String> parameters(String rawQuery) throws RequestRefusedException {
    Map<String, String> result = new LinkedHashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return result;
    }
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      result.putIfAbsent(key, value);
    }
    return result;
  }

  private static String decode(String s) throws RequestRefusedException {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new RequestRefusedException("query parameter '" + s + "' is not URL-encoded correctly");
    }
  }
}
