package io.pgha.core.config;

import io.pgha.patroni.DynamicConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Patroni's {@code standby_cluster} section of the {@code config} key: this cluster follows another
 * one. Its leader is a standby leader that replicates from the remote primary ({@link #host()}:
 * {@link #port()}, directly or through a load balancer) or restores its WAL with {@link
 * #restoreCommand()} only; the other members cascade from it; no member promotes while the section
 * is there. Removing the section promotes the standby leader.
 *
 * <p>A delayed cluster (Pigsty's protection against a mistaken {@code DELETE}) is a standby cluster
 * with {@link #recoveryMinApplyDelay()}: every member of it replays WAL that much later than it was
 * written.
 *
 * @param host the remote primary's address; empty to follow through {@code restore_command} only
 * @param port its port (default 5432)
 * @param primarySlotName the slot the standby leader streams through on the remote primary (which
 *     must have it, e.g. as a permanent slot); empty to stream without one
 * @param restoreCommand the standby leader's {@code restore_command}, when given
 * @param archiveCleanupCommand the standby leader's {@code archive_cleanup_command}, when given
 * @param recoveryMinApplyDelay {@code recovery_min_apply_delay} for every member, as PostgreSQL
 *     takes it ({@code 5s}, {@code 1h}, {@code 30000}), when given
 * @param createReplicaMethods how the first member copies the remote primary, tried in order:
 *     {@code basebackup}, or a method configured in the member's {@code postgresql} section (a
 *     restore from a backup; without {@code host}, only the {@code no_leader} ones)
 */
public record StandbyCluster(
    Optional<String> host,
    int port,
    Optional<String> primarySlotName,
    Optional<String> restoreCommand,
    Optional<String> archiveCleanupCommand,
    Optional<String> recoveryMinApplyDelay,
    List<String> createReplicaMethods) {

  /** The section's key in the {@code config} key. */
  public static final String KEY = "standby_cluster";

  public StandbyCluster {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(primarySlotName, "primarySlotName");
    Objects.requireNonNull(restoreCommand, "restoreCommand");
    Objects.requireNonNull(archiveCleanupCommand, "archiveCleanupCommand");
    Objects.requireNonNull(recoveryMinApplyDelay, "recoveryMinApplyDelay");
    createReplicaMethods = List.copyOf(createReplicaMethods);
  }

  /**
   * The section of {@code config}, when it has one (Patroni ignores an empty one).
   *
   * @throws IllegalArgumentException "key (value) rule" for a value that cannot be followed
   */
  public static Optional<StandbyCluster> of(DynamicConfig config) {
    if (!config.isStandbyCluster()) {
      return Optional.empty();
    }
    Map<?, ?> section = (Map<?, ?>) config.extra().get(KEY);
    Optional<String> host = text(section, "host");
    host.filter(h -> !h.matches("[A-Za-z0-9.\\-_:\\[\\]]+"))
        .ifPresent(h -> bad("host", h, "must be a host name or an IP address"));
    int port = port(section.get("port"));
    Optional<String> slot = text(section, "primary_slot_name");
    slot.filter(s -> !s.matches("[a-z0-9_]{1,63}"))
        .ifPresent(s -> bad("primary_slot_name", s, "must be lower-case letters, digits, _"));
    Optional<String> restore = text(section, "restore_command");
    Optional<String> cleanup = text(section, "archive_cleanup_command");
    for (Map.Entry<String, Optional<String>> command :
        Map.of("restore_command", restore, "archive_cleanup_command", cleanup).entrySet()) {
      command
          .getValue()
          .filter(c -> c.chars().anyMatch(Character::isISOControl))
          .ifPresent(
              c ->
                  bad(
                      command.getKey(),
                      c.replaceAll("\\p{Cntrl}", "?"),
                      "must be one line without control characters"));
    }
    Optional<String> delay = text(section, "recovery_min_apply_delay");
    delay
        .filter(d -> !d.matches("[0-9]{1,10}\\s*(ms|s|min|h|d)?"))
        .ifPresent(
            d ->
                bad(
                    "recovery_min_apply_delay",
                    d,
                    "must be a whole number with an optional unit ms, s, min, h or d"));
    if (host.isEmpty() && restore.isEmpty()) {
      throw new IllegalArgumentException(
          KEY + " (" + section + ") needs host or restore_command to follow the primary cluster");
    }
    return Optional.of(
        new StandbyCluster(
            host,
            port,
            slot,
            restore,
            cleanup,
            delay,
            methods(section.get("create_replica_methods"))));
  }

  /**
   * Why the section cannot be followed, when it cannot: the "key (value) rule" sentence. Empty when
   * there is no section or it is fine.
   */
  public static Optional<String> problem(DynamicConfig config) {
    try {
      of(config);
      return Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.of(e.getMessage());
    }
  }

  /**
   * The PostgreSQL parameters of the members: {@code postgresql.parameters}, and in a standby
   * cluster with {@code recovery_min_apply_delay}, that delay (which wins over a parameter of the
   * same name), so that a member that becomes the standby leader keeps it. A section that cannot be
   * followed adds nothing.
   */
  public static Map<String, Object> parameters(DynamicConfig config) {
    Optional<String> delay;
    try {
      delay = of(config).flatMap(StandbyCluster::recoveryMinApplyDelay);
    } catch (IllegalArgumentException e) {
      delay = Optional.empty();
    }
    if (delay.isEmpty()) {
      return config.parameters();
    }
    Map<String, Object> all = new LinkedHashMap<>(config.parameters());
    all.keySet().removeIf(k -> k.equalsIgnoreCase("recovery_min_apply_delay"));
    all.put("recovery_min_apply_delay", delay.get());
    return all;
  }

  /**
   * What the agent records as followed (io.pgha.core.ha.LocalState#following()) while the standby
   * leader follows this section: one name for each source, so that a changed section is followed
   * anew. It cannot be a member's name (those have no spaces).
   */
  public String followingName() {
    return "standby_cluster "
        + host.map(h -> h + ":" + port).orElse("restore_command")
        + primarySlotName.map(s -> " slot " + s).orElse("")
        + restoreCommand.map(r -> " restore_command " + r.hashCode()).orElse("")
        + archiveCleanupCommand.map(r -> " archive_cleanup_command " + r.hashCode()).orElse("");
  }

  /** The remote primary in words, for the log and the decisions. */
  public String describe() {
    return host.map(h -> "the primary cluster at " + h + ":" + port)
        .orElse("the primary cluster's WAL archive (restore_command)");
  }

  private static Optional<String> text(Map<?, ?> section, String key) {
    Object value = section.get(key);
    if (value == null) {
      return Optional.empty();
    }
    if (value instanceof Map<?, ?> || value instanceof List<?>) {
      bad(key, value, "must be a single value");
    }
    String text = value.toString().strip();
    return text.isEmpty() ? Optional.empty() : Optional.of(text);
  }

  private static int port(Object value) {
    if (value == null) {
      return 5432;
    }
    String text = value.toString().strip();
    if (!text.matches("[0-9]{1,5}")
        || Integer.parseInt(text) < 1
        || Integer.parseInt(text) > 65535) {
      bad("port", value, "must be a port number in 1..65535");
    }
    return Integer.parseInt(text);
  }

  private static List<String> methods(Object value) {
    if (value == null) {
      return List.of("basebackup");
    }
    List<String> methods = new ArrayList<>();
    if (value instanceof List<?> list) {
      list.forEach(m -> methods.add(String.valueOf(m).strip()));
    } else {
      methods.add(value.toString().strip());
    }
    if (methods.isEmpty() || methods.stream().anyMatch(m -> !m.matches("[A-Za-z0-9_\\-]+"))) {
      bad(
          "create_replica_methods",
          value,
          "must name replica methods (basebackup, or a method of the members' postgresql section)");
    }
    return methods;
  }

  private static void bad(String key, Object value, String rule) {
    throw new IllegalArgumentException(KEY + "." + key + " (" + value + ") " + rule);
  }
}
