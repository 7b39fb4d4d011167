package io.pgha.patroni;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The JSON plumbing the codecs share: parsing with errors that name the key, and copying. */
final class WireJson {
  static final JsonMapper JSON = JsonMapper.builder().build();

  private WireJson() {}

  static JsonNode tree(String key, String value, String expected) {
    try {
      JsonNode node = JSON.readTree(value);
      if (node == null || node.isMissingNode()) {
        throw new InvalidValueException(key, value, expected);
      }
      return node;
    } catch (JacksonException e) {
      throw new InvalidValueException(key, value, expected + " (not valid JSON)");
    }
  }

  static JsonNode object(String key, String value, String expected) {
    JsonNode node = tree(key, value, expected);
    if (!node.isObject()) {
      throw new InvalidValueException(key, value, expected);
    }
    return node;
  }

  static void putIfNotEmpty(ObjectNode o, String field, String value) {
    if (!value.isEmpty()) {
      o.put(field, value);
    }
  }

  static void putAll(ObjectNode o, Map<String, Object> values, Set<String> reserved) {
    values.forEach(
        (k, v) -> {
          if (!reserved.contains(k)) {
            o.set(k, JSON.valueToTree(v));
          }
        });
  }

  static Map<String, Object> toMap(JsonNode object) {
    Map<String, Object> result = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : object.properties()) {
      result.put(e.getKey(), toJava(e.getValue()));
    }
    return result;
  }

  static Object toJava(JsonNode node) {
    return JSON.convertValue(node, Object.class);
  }
}
