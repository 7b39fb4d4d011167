package io.pgha.core.postgres;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Patroni's custom bootstrap ({@code bootstrap.method: <name>} with {@code <name>.command}): the
 * new cluster is made by a command (a restore from a backup, a {@code pg_basebackup} of another
 * cluster) instead of initdb. pgha runs the command into the empty data directory, starts the
 * server (in archive recovery with {@code recoveryConf} when given, until it promotes itself), then
 * sets the configured roles' passwords over the Unix-domain socket: the cluster's passwords are
 * those of the cluster it came from, which this member does not know (Patroni connects over the
 * socket there too).
 *
 * @param name the method's name, for logs
 * @param command the program and every argument, run as the PostgreSQL OS user with a scrubbed
 *     environment (the sidecar appends Patroni's {@code --scope} and {@code --datadir})
 * @param keepExistingRecoveryConf whether a {@code recovery.signal} the command left is kept (the
 *     server then recovers as it says before it leads); otherwise the signal files are removed, as
 *     Patroni removes them
 * @param recoveryConf recovery parameters ({@code restore_command}, {@code recovery_target_*}, ...)
 *     the new cluster starts with, in archive recovery, until it promotes; empty to start as a
 *     primary at once
 */
public record CustomBootstrap(
    String name,
    List<String> command,
    boolean keepExistingRecoveryConf,
    Map<String, String> recoveryConf) {

  public CustomBootstrap {
    Objects.requireNonNull(name, "name");
    command = List.copyOf(command);
    if (command.isEmpty() || command.get(0).isBlank()) {
      throw new IllegalArgumentException(
          "bootstrap." + name + ".command must name the program to run");
    }
    recoveryConf = Map.copyOf(new TreeMap<>(recoveryConf));
    PostgresConfig.checkedParameters(recoveryConf);
  }
}
