package io.pgha.core.postgres;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a program pgha starts (the postmaster and through it {@code archive_command}, callbacks,
 * {@code pre_promote}, PostgreSQL's tools) inherits of the JVM's environment: everything but the
 * secrets. The JVM's environment is where a sidecar or a container puts passwords ({@code
 * PATRONI_SUPERUSER_PASSWORD}, {@code PGHA_...}); a child needs none of them (a tool that logs in
 * gets its own password from pgha, explicitly), and a child's environment is readable by anything
 * running as its user ({@code /proc/<pid>/environ}) and by every program it starts in turn.
 */
public final class ChildEnvironment {
  private ChildEnvironment() {}

  /**
   * Removes from {@code environment} every variable named {@code *PASSWORD*}, {@code PATRONI_*} or
   * {@code PGHA_*} (case-insensitive).
   */
  public static void scrub(Map<String, String> environment) {
    environment.keySet().removeIf(ChildEnvironment::isSecret);
  }

  /**
   * A process builder for {@code command} whose environment is already scrubbed: the one way pgha
   * starts a child, however short-lived (a {@code kill}, an {@code id}: their environment is as
   * readable as the postmaster's while they run).
   */
  public static ProcessBuilder processBuilder(List<String> command) {
    ProcessBuilder builder = new ProcessBuilder(command);
    scrub(builder.environment());
    return builder;
  }

  static boolean isSecret(String name) {
    String upper = name.toUpperCase(Locale.ROOT);
    return upper.contains("PASSWORD") || upper.startsWith("PATRONI_") || upper.startsWith("PGHA_");
  }
}
