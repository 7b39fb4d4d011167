package io.pgha.patroni;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Copies of maps read from JSON, where {@code null} is a legitimate value. */
final class Maps {
  private Maps() {}

  /** An unmodifiable copy keeping order and null values ({@link Map#copyOf} rejects nulls). */
  static Map<String, Object> immutableCopy(Map<String, Object> map) {
    if (map == null || map.isEmpty()) {
      return Map.of();
    }
    return Collections.unmodifiableMap(new LinkedHashMap<>(map));
  }
}
