package io.pgha.patroni;

import java.math.BigInteger;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;

/**
 * Typed, lenient reads of the fields of one JSON object. A field with the wrong type is reported to
 * {@code warnings} (key, field, value, what is allowed) and read as absent, so one bad field never
 * hides the rest of the value. Numbers given as strings are accepted, as Patroni does.
 */
final class JsonFields {
  private final String key;
  private final JsonNode object;
  private final Consumer<String> warnings;

  JsonFields(String key, JsonNode object, Consumer<String> warnings) {
    this.key = key;
    this.object = object;
    this.warnings = warnings;
  }

  boolean has(String field) {
    JsonNode node = object.get(field);
    return node != null && !node.isNull();
  }

  Optional<String> string(String field) {
    JsonNode node = object.get(field);
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    if (node.isString() || node.isNumber() || node.isBoolean()) {
      return Optional.of(node.asString());
    }
    return bad(field, node, "a string");
  }

  OptionalLong longValue(String field) {
    JsonNode node = object.get(field);
    if (node == null || node.isNull()) {
      return OptionalLong.empty();
    }
    Optional<BigInteger> parsed = integer(node);
    if (parsed.isPresent() && parsed.get().bitLength() < 64) {
      return OptionalLong.of(parsed.get().longValue());
    }
    bad(field, node, "an integer");
    return OptionalLong.empty();
  }

  OptionalInt intValue(String field) {
    JsonNode node = object.get(field);
    if (node == null || node.isNull()) {
      return OptionalInt.empty();
    }
    Optional<BigInteger> parsed = integer(node);
    if (parsed.isPresent() && parsed.get().bitLength() < 32) {
      return OptionalInt.of(parsed.get().intValue());
    }
    bad(field, node, "an integer between " + Integer.MIN_VALUE + " and " + Integer.MAX_VALUE);
    return OptionalInt.empty();
  }

  int intValue(String field, int defaultValue) {
    return intValue(field).orElse(defaultValue);
  }

  long longValue(String field, long defaultValue) {
    return longValue(field).orElse(defaultValue);
  }

  Optional<Boolean> bool(String field) {
    JsonNode node = object.get(field);
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    Optional<Boolean> parsed = booleanOf(node);
    if (parsed.isEmpty()) {
      bad(field, node, "true or false");
    }
    return parsed;
  }

  boolean bool(String field, boolean defaultValue) {
    return bool(field).orElse(defaultValue);
  }

  /** A nested object, or empty (with a warning if the field holds something else). */
  Optional<JsonNode> object(String field) {
    JsonNode node = object.get(field);
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    if (node.isObject()) {
      return Optional.of(node);
    }
    return bad(field, node, "a JSON object");
  }

  Optional<JsonNode> array(String field) {
    JsonNode node = object.get(field);
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    if (node.isArray()) {
      return Optional.of(node);
    }
    return bad(field, node, "a JSON array");
  }

  JsonFields nested(String field, JsonNode child) {
    return new JsonFields(key + " " + field + ".", child, warnings);
  }

  <T> Optional<T> bad(String field, JsonNode node, String expected) {
    warnings.accept(
        "key '"
            + key
            + "' field '"
            + field
            + "' holds "
            + InvalidValueException.shorten(node.toString())
            + ", expected "
            + expected
            + "; field ignored");
    return Optional.empty();
  }

  static Optional<BigInteger> integer(JsonNode node) {
    if (node.isIntegralNumber()) {
      return Optional.of(node.bigIntegerValue());
    }
    if (node.isString()) {
      try {
        return Optional.of(new BigInteger(node.asString().trim()));
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  static Optional<Boolean> booleanOf(JsonNode node) {
    if (node.isBoolean()) {
      return Optional.of(node.booleanValue());
    }
    if (node.isString()) {
      // Patroni's parse_bool accepts these spellings (YAML from patronictl edit-config).
      switch (node.asString().trim().toLowerCase(Locale.ROOT)) {
        case "true", "on", "yes", "1" -> {
          return Optional.of(true);
        }
        case "false", "off", "no", "0" -> {
          return Optional.of(false);
        }
        default -> {
          return Optional.empty();
        }
      }
    }
    if (node.isIntegralNumber()) {
      return Optional.of(node.asLong() != 0);
    }
    return Optional.empty();
  }

  /** Every field not in {@code known}, as plain Java values. */
  Map<String, Object> others(java.util.Set<String> known) {
    Map<String, Object> result = new java.util.LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : object.properties()) {
      if (!known.contains(e.getKey())) {
        result.put(e.getKey(), WireJson.toJava(e.getValue()));
      }
    }
    return result;
  }
}
