package io.pgha.core.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What the member that bootstraps a new cluster does once the cluster runs, before it takes the
 * leader key (Patroni's {@code bootstrap.post_bootstrap} or {@code post_init}, and {@code
 * bootstrap.users}): runs the script, then creates the roles. When either fails, the bootstrap
 * fails: the new data directory is removed and the cluster is left uninitialized for a member to
 * try again. Set through {@link PghaConfig.Builder#postBootstrap} and {@link
 * PghaConfig.Builder#bootstrapUser}.
 *
 * @param users roles created (or altered) after the script, as Patroni's {@code bootstrap.users}
 * @param script the program and its leading arguments, run with a connection string for the
 *     superuser as its last argument (the password in a file named by {@code PGPASSFILE}); empty
 *     for none
 * @param scriptTimeout how long the script may run before it is killed with its children
 */
public record AfterBootstrap(
    List<BootstrapUser> users, List<String> script, Duration scriptTimeout) {

  /** How long the script may run by default (Patroni waits without a bound). */
  public static final Duration DEFAULT_SCRIPT_TIMEOUT = Duration.ofMinutes(10);

  /** Nothing to do: no script, no roles. */
  public static final AfterBootstrap NONE =
      new AfterBootstrap(List.of(), List.of(), DEFAULT_SCRIPT_TIMEOUT);

  public AfterBootstrap {
    users = List.copyOf(users);
    script = List.copyOf(script);
    Objects.requireNonNull(scriptTimeout, "scriptTimeout");
  }

  /**
   * A role of {@code bootstrap.users}: created with {@code LOGIN} unless its options say {@code
   * NOLOGIN}, as Patroni does; the password (none when null) never appears in {@link #toString()}.
   *
   * @param credentials the role name and its password
   * @param options role options, upper case ({@code CREATEDB}, {@code NOSUPERUSER}, {@code
   *     CONNECTION LIMIT 5}, {@code VALID UNTIL '2030-01-01'} ...)
   */
  public record BootstrapUser(Credentials credentials, List<String> options) {
    public BootstrapUser {
      Objects.requireNonNull(credentials, "credentials");
      options = options.stream().map(o -> o.strip().toUpperCase(Locale.ROOT)).toList();
    }

    /** The options of {@code CREATE ROLE ... WITH}: as given, with {@code LOGIN} added. */
    public String roleOptions() {
      boolean login = options.contains("LOGIN") || options.contains("NOLOGIN");
      return String.join(" ", login ? options : concat(options, "LOGIN"));
    }

    private static List<String> concat(List<String> list, String last) {
      return java.util.stream.Stream.concat(list.stream(), java.util.stream.Stream.of(last))
          .toList();
    }
  }

  /** The role options {@code bootstrap.users} may give: no SQL beyond a role's attributes. */
  static final String OPTION_PATTERN =
      "(?i)(NO)?(SUPERUSER|CREATEDB|CREATEROLE|INHERIT|LOGIN|REPLICATION|BYPASSRLS)"
          + "|CONNECTION LIMIT -?[0-9]{1,9}|VALID UNTIL '[0-9A-Za-z:+. -]*'";

  void check(ConfigChecks checks) {
    for (BootstrapUser user : users) {
      String key = "bootstrap.users." + user.credentials().username();
      if (user.credentials().username().isBlank()) {
        checks.problem(
            "bootstrap.users (" + user.credentials().username() + ") must be non-blank role names");
        continue;
      }
      for (String option : user.options()) {
        if (!option.matches(OPTION_PATTERN)) {
          checks.problem(
              key
                  + ".options ("
                  + option
                  + ") must be a role attribute: [NO]SUPERUSER, [NO]CREATEDB, [NO]CREATEROLE,"
                  + " [NO]INHERIT, [NO]LOGIN, [NO]REPLICATION, [NO]BYPASSRLS, CONNECTION LIMIT n or"
                  + " VALID UNTIL 'timestamp'");
        }
      }
    }
    for (String word : script) {
      if (word == null || word.isEmpty()) {
        checks.problem("bootstrap.post_bootstrap (" + script + ") must have no empty word");
        break;
      }
    }
    if (scriptTimeout.isNegative() || scriptTimeout.isZero()) {
      checks.problem(
          "bootstrap.post_bootstrap timeout (" + scriptTimeout + ") must be a positive duration");
    }
  }
}
