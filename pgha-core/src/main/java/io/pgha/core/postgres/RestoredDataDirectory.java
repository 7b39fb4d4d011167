package io.pgha.core.postgres;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What Patroni 3.0.2 tidies in a data directory a replica method has just filled, before it starts
 * it as a replica ({@code _post_restore} and {@code _sanitize_auto_conf}): the recovery parameters
 * a restore tool leaves in {@code postgresql.auto.conf} (pgBackRest and WAL-G write {@code
 * restore_command} there, a copy of the leader may hold a {@code primary_conninfo}) are removed, as
 * they would override the ones pgha writes; and a {@code promote} trigger file is removed, or the
 * replica would promote itself.
 */
final class RestoredDataDirectory {
  /** Patroni's recovery parameters (patroni/postgresql/validator.py). */
  static final Set<String> RECOVERY_PARAMETERS =
      Set.of(
          "archive_cleanup_command",
          "pause_at_recovery_target",
          "primary_conninfo",
          "primary_slot_name",
          "promote_trigger_file",
          "recovery_end_command",
          "recovery_min_apply_delay",
          "recovery_target",
          "recovery_target_action",
          "recovery_target_inclusive",
          "recovery_target_lsn",
          "recovery_target_name",
          "recovery_target_time",
          "recovery_target_timeline",
          "recovery_target_xid",
          "restore_command",
          "standby_mode",
          "trigger_file");

  private static final Pattern PARAMETER = Pattern.compile("^([A-Za-z_]+)\\s*=");

  private RestoredDataDirectory() {}

  /**
   * Tidies {@code dataDir}; returns the parameters removed from {@code postgresql.auto.conf}, for
   * the log.
   */
  static List<String> tidy(Path dataDir) throws IOException {
    Files.deleteIfExists(dataDir.resolve("promote"));
    Path autoConf = dataDir.resolve("postgresql.auto.conf");
    if (!Files.exists(autoConf)) {
      return List.of();
    }
    List<String> kept = new ArrayList<>();
    List<String> removed = new ArrayList<>();
    for (String line : Files.readAllLines(autoConf, StandardCharsets.UTF_8)) {
      Matcher m = PARAMETER.matcher(line.strip());
      if (m.find() && RECOVERY_PARAMETERS.contains(m.group(1).toLowerCase(Locale.ROOT))) {
        removed.add(m.group(1));
      } else {
        kept.add(line);
      }
    }
    if (!removed.isEmpty()) {
      // Rewritten in place: the file keeps its owner and mode.
      Files.write(autoConf, kept, StandardCharsets.UTF_8);
    }
    return removed;
  }
}
