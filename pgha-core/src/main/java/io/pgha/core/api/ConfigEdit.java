package io.pgha.core.api;

import io.pgha.patroni.DynamicConfig;
import io.pgha.patroni.InvalidValueException;
import io.pgha.patroni.PatroniCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code PATCH /config} and {@code PUT /config} without the I/O: Patroni's merge, and the checks a
 * new configuration must pass before it is written.
 */
final class ConfigEdit {
  private ConfigEdit() {}

  /**
   * Patroni's {@code patch_config}: merges {@code patch} into {@code target} in place. A {@code
   * null} value deletes the key; an object merges into an object; anything else replaces.
   *
   * @return whether {@code target} changed
   */
  static boolean merge(ObjectNode target, JsonNode patch) {
    boolean changed = false;
    // A patch that sets a timeout by its Patroni 3 name replaces the Patroni 4 name pgha wrote:
    // Patroni reads the old name only when the new one is absent.
    for (String legacy : List.of("master_start_timeout", "master_stop_timeout")) {
      String current = legacy.replace("master_", "primary_");
      if (patch.has(legacy) && !patch.has(current) && target.remove(current) != null) {
        changed = true;
      }
    }
    for (Map.Entry<String, JsonNode> e : patch.properties()) {
      String name = e.getKey();
      JsonNode value = e.getValue();
      JsonNode current = target.get(name);
      if (value.isNull()) {
        if (current != null) {
          target.remove(name);
          changed = true;
        }
      } else if (value.isObject() && current != null && current.isObject()) {
        changed |= merge((ObjectNode) current, value);
      } else if (current == null || !sameValue(current, value)) {
        target.set(name, withoutNulls(value));
        changed = true;
      }
    }
    return changed;
  }

  /**
   * Reads {@code config} as the dynamic configuration and checks it. Nothing is written when this
   * throws.
   *
   * @throws RequestRefusedException 400 naming every bad field
   */
  static DynamicConfig validate(ObjectNode config) throws RequestRefusedException {
    List<String> problems = new ArrayList<>();
    DynamicConfig c;
    try {
      c =
          PatroniCodec.decodeConfig(
              "config", config.toString(), w -> problems.add(w.replace("; field ignored", "")));
    } catch (InvalidValueException e) {
      throw new RequestRefusedException(e.getMessage());
    }
    if (c.ttl() < 2) {
      problems.add("ttl (" + c.ttl() + ") must be at least 2 seconds (etcd's shortest lease)");
    }
    // Asked for explicitly, the fast takeover must be possible as asked; left to its default, it is
    // simply off where the mode or the timing does not allow it.
    if (config.has("fast_takeover") || config.has("leader_silence_timeout")) {
      c.fastTakeoverProblem().ifPresent(problems::add);
    }
    if (!problems.isEmpty()) {
      throw new RequestRefusedException("invalid configuration: " + String.join("; ", problems));
    }
    return c;
  }

  /**
   * Patroni's timing rule, as a warning: Patroni accepts a {@code ttl} shorter than {@code
   * loop_wait + 2 * retry_timeout} (its own behave features set one), so pgha does too. It stays
   * safe: the lease is renewed every ttl/4 on its own schedule, not once a loop, and the leader
   * stops writing when the lease's deadline passes unrenewed; a short ttl only makes a leader that
   * cannot reach etcd step down sooner.
   */
  static Optional<String> timingWarning(DynamicConfig c) {
    if (c.loopWait() + 2L * c.retryTimeout() <= c.ttl()) {
      return Optional.empty();
    }
    return Optional.of(
        "ttl ("
            + c.ttl()
            + ") is below loop_wait + 2 * retry_timeout ("
            + c.loopWait()
            + " + 2 * "
            + c.retryTimeout()
            + "): accepted as Patroni does; a leader that cannot renew its lease in time steps"
            + " down");
  }

  /** The configuration as written to etcd, as a JSON object. */
  static ObjectNode toJson(DynamicConfig c) {
    return (ObjectNode) Json.tree(PatroniCodec.encodeConfig(c));
  }

  // Patroni compares scalars by their text, so 10 and "10" are the same setting.
  private static boolean sameValue(JsonNode current, JsonNode value) {
    if (current.isValueNode() && value.isValueNode()) {
      return current.asString().equals(value.asString());
    }
    return current.equals(value);
  }

  private static JsonNode withoutNulls(JsonNode value) {
    if (!value.isObject()) {
      return value;
    }
    ObjectNode copy = Json.object();
    for (Map.Entry<String, JsonNode> e : value.properties()) {
      if (!e.getValue().isNull()) {
        copy.set(e.getKey(), withoutNulls(e.getValue()));
      }
    }
    return copy;
  }
}
