package io.pgha.core.dcs;

import io.pgha.patroni.DcsKeys;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The keys Patroni 3.0.2 wrote, from {@code etcdctl get --prefix -w json} (values as bytes). */
final class PatroniSamples {
  static final DcsKeys KEYS = new DcsKeys("/service/", "pg-test");

  private PatroniSamples() {}

  record Sample(long revision, List<RawKeyValue> kvs) {
    String value(String relative) {
      return kvs.stream()
          .filter(kv -> kv.key().equals(KEYS.prefix() + relative))
          .findFirst()
          .orElseThrow()
          .value();
    }
  }

  static Sample load(String flavour) {
    String path = "/patroni/" + flavour + "/etcd-get-prefix-service.json";
    try (InputStream in = PatroniSamples.class.getResourceAsStream(path)) {
      JsonNode root = JsonMapper.builder().build().readTree(in);
      List<RawKeyValue> kvs = new ArrayList<>();
      for (JsonNode kv : root.get("kvs").values()) {
        kvs.add(
            new RawKeyValue(
                decode(kv.get("key").asString()),
                decode(kv.get("value").asString()),
                kv.get("create_revision").asLong(),
                kv.get("mod_revision").asLong(),
                kv.path("lease").asLong(0)));
      }
      return new Sample(root.get("header").get("revision").asLong(), kvs);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String decode(String base64) {
    return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
  }
}
