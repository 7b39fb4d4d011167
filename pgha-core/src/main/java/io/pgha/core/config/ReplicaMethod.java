package io.pgha.core.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One way to create a replica, an entry of Patroni's {@code postgresql.create_replica_methods}: the
 * built-in {@code basebackup} ({@code pg_basebackup} from the member cloned), or a custom method
 * whose section names a {@code command} (a restore from pgBackRest or WAL-G, a snapshot). Members
 * try their methods in order until one succeeds.
 *
 * <p>A custom method's command is run as the PostgreSQL OS user, in the member's working directory,
 * with the section's other keys as {@code --key=value} arguments and then, unless {@code
 * no_params}, Patroni's {@code --scope=}, {@code --role=replica}, {@code --datadir=} and {@code
 * --connstring=} (the member cloned, without a password: the replication password is in the 0600
 * file {@code PGPASSFILE} names). It is killed when it outlives {@link
 * PostgresSettings#createReplicaTimeout()}.
 *
 * @param name the method's name ({@code basebackup} for the built-in one)
 * @param command the program and its own arguments (split as a shell would); empty for {@code
 *     basebackup}
 * @param options the section's other keys in order (without {@code command}), passed as {@code
 *     --key=value}; with {@code no_params}, {@code keep_data}, {@code no_leader}, {@code no_master}
 *     and {@code no_params} themselves are not passed, as Patroni drops them
 * @param keepData whether a data directory that is not empty is left for the command ({@code
 *     keep_data}; a delta restore), rather than emptied first
 * @param noLeader whether the method works without a member to copy from ({@code no_leader}, or
 *     Patroni 2's {@code no_master}): it may then create a replica while the cluster has no leader
 * @param noParams whether Patroni's {@code --scope}, {@code --role}, {@code --datadir} and {@code
 *     --connstring} arguments are left out ({@code no_params})
 */
public record ReplicaMethod(
    String name,
    List<String> command,
    Map<String, String> options,
    boolean keepData,
    boolean noLeader,
    boolean noParams) {

  /** The built-in method's name. */
  public static final String BASEBACKUP = "basebackup";

  /** The keys that steer pgha rather than the command, dropped from its arguments by no_params. */
  public static final List<String> FLAGS =
      List.of("no_params", "no_master", "no_leader", "keep_data");

  public ReplicaMethod {
    Objects.requireNonNull(name, "name");
    command = List.copyOf(command);
    options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
  }

  /** The built-in {@code pg_basebackup} method. */
  public static ReplicaMethod basebackup() {
    return new ReplicaMethod(BASEBACKUP, List.of(), Map.of(), false, false, false);
  }

  /**
   * A custom method running {@code command} (program first) with the section's {@code options}
   * (every key but {@code command}); the flags are read from them.
   */
  public static ReplicaMethod custom(
      String name, List<String> command, Map<String, String> options) {
    return new ReplicaMethod(
        name,
        command,
        options,
        flag(options, "keep_data"),
        flag(options, "no_leader") || flag(options, "no_master"),
        flag(options, "no_params"));
  }

  /** Whether this is the built-in {@code pg_basebackup}. */
  public boolean isBasebackup() {
    return command.isEmpty() && name.equals(BASEBACKUP);
  }

  /** The {@code --key=value} arguments of the section, as Patroni passes them. */
  public List<String> optionArguments() {
    return options.entrySet().stream()
        .filter(e -> !noParams || !FLAGS.contains(e.getKey()))
        .map(e -> "--" + e.getKey() + "=" + e.getValue())
        .toList();
  }

  private static boolean flag(Map<String, String> options, String key) {
    String v = options.get(key);
    return v != null
        && List.of("true", "yes", "on", "1").contains(v.trim().toLowerCase(java.util.Locale.ROOT));
  }

  /** Checks {@code methods} (as {@code postgresql.create_replica_methods}) into {@code checks}. */
  static void check(ConfigChecks checks, List<ReplicaMethod> methods) {
    if (methods.isEmpty()) {
      checks.problem("postgresql.create_replica_methods ([]) must name at least one method");
    }
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (ReplicaMethod m : methods) {
      if (m.name().isBlank() || !m.name().matches("[A-Za-z0-9_\\-]+")) {
        checks.problem(
            "postgresql.create_replica_methods ("
                + m.name()
                + ") must be method names of letters, digits, '_' and '-'");
      } else if (!seen.add(m.name())) {
        checks.problem(
            "postgresql.create_replica_methods (" + m.name() + ") must not name a method twice");
      }
      if (!m.isBasebackup() && (m.command().isEmpty() || m.command().get(0).isBlank())) {
        checks.problem(
            "postgresql."
                + m.name()
                + ".command must name the program to run for method "
                + m.name());
      }
      for (String key : m.options().keySet()) {
        String lower = key.toLowerCase(java.util.Locale.ROOT);
        if (lower.contains("pass") || lower.contains("secret") || lower.contains("token")) {
          checks.problem(
              "postgresql."
                  + m.name()
                  + "."
                  + key
                  + " must not hold a secret: it would be passed on the command line, which every"
                  + " user of the host can read; keep it in the tool's own configuration file");
        } else if (!key.matches("[A-Za-z0-9_\\-]+")) {
          checks.problem(
              "postgresql."
                  + m.name()
                  + "."
                  + key
                  + " must be a name of letters, digits, '_' and '-' (it becomes --"
                  + key
                  + "=...)");
        }
      }
    }
  }
}
