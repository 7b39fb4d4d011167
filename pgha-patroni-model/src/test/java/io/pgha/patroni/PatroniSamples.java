package io.pgha.patroni;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The values Patroni 3.0.2 wrote, from {@code etcdctl get --prefix -w json} (values as bytes). */
final class PatroniSamples {
  private static final DcsKeys KEYS = new DcsKeys("/service/", "pg-test");

  private PatroniSamples() {}

  /** The values of one sample, by key relative to the cluster prefix. */
  record Sample(Map<String, String> values) {
    String value(String relative) {
      String v = values.get(relative);
      if (v == null) {
        throw new IllegalArgumentException("no key " + relative + " in the sample");
      }
      return v;
    }
  }

  static Sample load(String flavour) {
    String path = "/patroni/" + flavour + "/etcd-get-prefix-service.json";
    try (InputStream in = PatroniSamples.class.getResourceAsStream(path)) {
      JsonNode root = JsonMapper.builder().build().readTree(in);
      Map<String, String> values = new LinkedHashMap<>();
      for (JsonNode kv : root.get("kvs").values()) {
        KEYS.relative(decode(kv.get("key").asString()))
            .ifPresent(k -> values.put(k, decode(kv.get("value").asString())));
      }
      return new Sample(values);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String decode(String base64) {
    return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
  }
}
