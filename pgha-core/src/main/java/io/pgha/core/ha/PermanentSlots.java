package io.pgha.core.ha;

import io.pgha.patroni.DynamicConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The replication slots the {@code config} key's {@code slots} section asks the leader to keep, and
 * the slots its {@code ignore_slots} section says pgha must never drop, as Patroni reads them.
 *
 * <p>A {@code slots} entry is physical when its {@code type} says so, or when it names no {@code
 * database} and {@code plugin} (an empty entry is physical); logical when it names both. A name
 * that is no valid slot name ({@code [a-z0-9_]}, at most 63) and an entry of neither kind are left
 * out, as Patroni does, and listed in {@link #problems()}.
 *
 * <p>An {@code ignore_slots} entry matches a slot when every attribute it gives ({@code name},
 * {@code type}, {@code database}, {@code plugin}) is the slot's.
 *
 * @param physical the permanent physical slots' names
 * @param logical the permanent logical slots, by name
 * @param ignore the {@code ignore_slots} matchers
 * @param problems entries left out, each one sentence
 */
public record PermanentSlots(
    List<String> physical,
    Map<String, LogicalSlot> logical,
    List<Map<String, String>> ignore,
    List<String> problems) {

  private static final Pattern SLOT_NAME = Pattern.compile("[a-z0-9_]{1,63}");

  /** A permanent logical slot: the database it decodes and its output plugin. */
  public record LogicalSlot(String database, String plugin) {}

  public PermanentSlots {
    physical = List.copyOf(physical);
    logical = Collections.unmodifiableMap(new TreeMap<>(logical));
    ignore = ignore.stream().map(Map::copyOf).toList();
    problems = List.copyOf(problems);
  }

  /** Of {@code positions} (integer LSNs by slot name), those of the permanent slots. */
  public Map<String, Long> positionsOf(Map<String, Long> positions) {
    Map<String, Long> permanent = new TreeMap<>();
    positions.forEach(
        (name, lsn) -> {
          if (physical.contains(name) || logical.containsKey(name)) {
            permanent.put(name, lsn);
          }
        });
    return permanent;
  }

  /** The {@code slots} and {@code ignore_slots} sections of {@code config}. */
  public static PermanentSlots of(DynamicConfig config) {
    List<String> physical = new ArrayList<>();
    Map<String, LogicalSlot> logical = new TreeMap<>();
    List<String> problems = new ArrayList<>();
    if (config.extra().get("slots") instanceof Map<?, ?> slots) {
      new TreeMap<>(slots)
          .forEach(
              (key, value) -> {
                String name = String.valueOf(key);
                if (!SLOT_NAME.matcher(name).matches()) {
                  problems.add(
                      "slots." + name + " is no valid slot name (a-z, 0-9 and _, at most 63)");
                  return;
                }
                Map<?, ?> attributes = value instanceof Map<?, ?> m ? m : Map.of();
                if (value != null && !(value instanceof Map<?, ?>)) {
                  problems.add("slots." + name + " (" + value + ") must be an object");
                  return;
                }
                Optional<String> database = text(attributes.get("database"));
                Optional<String> plugin = text(attributes.get("plugin"));
                String type =
                    text(attributes.get("type"))
                        .orElse(
                            database.isPresent() && plugin.isPresent() ? "logical" : "physical");
                if (type.equals("physical")) {
                  physical.add(name);
                } else if (type.equals("logical") && database.isPresent() && plugin.isPresent()) {
                  logical.put(name, new LogicalSlot(database.get(), plugin.get()));
                } else {
                  problems.add(
                      "slots."
                          + name
                          + " must be physical, or logical with a database and a plugin");
                }
              });
    }
    List<Map<String, String>> ignore = new ArrayList<>();
    if (config.extra().get("ignore_slots") instanceof List<?> matchers) {
      for (Object matcher : matchers) {
        if (matcher instanceof Map<?, ?> m) {
          Map<String, String> attributes = new TreeMap<>();
          for (String attribute : List.of("name", "type", "database", "plugin")) {
            text(m.get(attribute)).ifPresent(v -> attributes.put(attribute, v));
          }
          ignore.add(attributes);
        } else {
          problems.add("ignore_slots (" + matcher + ") must be a list of objects");
        }
      }
    }
    return new PermanentSlots(physical, logical, ignore, problems);
  }

  /**
   * Whether {@code ignore_slots} covers this slot.
   *
   * @param database null for a physical slot
   * @param plugin null for a physical slot
   */
  public boolean ignores(String name, String type, String database, String plugin) {
    Map<String, String> slot = new TreeMap<>();
    slot.put("name", name);
    slot.put("type", type);
    slot.put("database", database == null ? "" : database);
    slot.put("plugin", plugin == null ? "" : plugin);
    return ignore.stream()
        .anyMatch(
            m -> m.entrySet().stream().allMatch(e -> e.getValue().equals(slot.get(e.getKey()))));
  }

  private static Optional<String> text(Object value) {
    return value == null || String.valueOf(value).isBlank()
        ? Optional.empty()
        : Optional.of(String.valueOf(value));
  }
}
