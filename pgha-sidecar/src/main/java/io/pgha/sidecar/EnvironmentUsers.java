package io.pgha.sidecar;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Patroni's {@code bootstrap.users} from the environment: {@code PATRONI_<username>_PASSWORD} and
 * {@code PATRONI_<username>_OPTIONS}, read as Patroni 3.0.2 reads them. The user name is the text
 * between {@code PATRONI_} and the last {@code _}, as written (case kept); a variable Patroni reads
 * as another key ({@code PATRONI_SUPERUSER_PASSWORD}, {@code PATRONI_RESTAPI_KEYFILE_PASSWORD},
 * {@code PATRONI_<dcs>_KEY_PASSWORD}, ...) names no user; an empty password names none, and its
 * options are then not read.
 */
final class EnvironmentUsers {

  private static final String PREFIX = "PATRONI_";
  private static final String PASSWORD = "_PASSWORD";
  private static final String OPTIONS = "_OPTIONS";

  /**
   * Password variables Patroni reads as keys of its own sections before it looks for users, beside
   * those pgha maps ({@link PatroniKeys#ENVIRONMENT}): they are never bootstrap users. pgha ignores
   * these keys, but does not turn them into roles. {@code PATRONI_ETCD_PASSWORD} and {@code
   * PATRONI_ETCD3_PASSWORD} are the DCS's (Patroni reads them as users only when no other variable
   * of their section is set, an accident pgha does not repeat).
   */
  private static final Set<String> OTHER_KEYS =
      Set.of(
          "PATRONI_RESTAPI_KEYFILE_PASSWORD",
          "PATRONI_CTL_KEYFILE_PASSWORD",
          "PATRONI_RAFT_PASSWORD",
          "PATRONI_ETCD_PASSWORD",
          "PATRONI_ETCD3_PASSWORD");

  /**
   * One user of the environment.
   *
   * @param name the role, as written in the variable's name
   * @param password never empty; never printed
   * @param options the {@code _OPTIONS} variable's text, if set and not empty
   */
  record User(String name, String password, Optional<String> options) {

    /** The variable the password came from. */
    String passwordVariable() {
      return PREFIX + name + PASSWORD;
    }

    /** The variable the options come from. */
    String optionsVariable() {
      return PREFIX + name + OPTIONS;
    }

    @Override
    public String toString() {
      return "User[name=" + name + ", password=****, options=" + options.orElse("") + "]";
    }
  }

  private EnvironmentUsers() {}

  /** The users {@code env} defines, by name (sorted: the environment has no order). */
  static Map<String, User> read(Map<String, String> env) {
    Map<String, User> users = new TreeMap<>();
    for (Map.Entry<String, String> e : env.entrySet()) {
      String variable = e.getKey();
      if (!variable.startsWith(PREFIX)
          || !variable.endsWith(PASSWORD)
          || isAnotherKey(variable)
          || e.getValue() == null
          || e.getValue().isEmpty()) {
        continue;
      }
      String name = variable.substring(PREFIX.length(), variable.length() - PASSWORD.length());
      if (name.isEmpty()) {
        continue;
      }
      String options = env.get(PREFIX + name + OPTIONS);
      users.put(
          name,
          new User(name, e.getValue(), Optional.ofNullable(options).filter(o -> !o.isBlank())));
    }
    return users;
  }

  /**
   * {@code PATRONI_<name>_OPTIONS} variables without a password beside them: Patroni reads no user
   * from them.
   */
  static Set<String> orphanOptions(Map<String, String> env, Map<String, User> users) {
    Set<String> orphans = new java.util.TreeSet<>();
    for (String variable : env.keySet()) {
      if (variable.startsWith(PREFIX) && variable.endsWith(OPTIONS)) {
        String name = variable.substring(PREFIX.length(), variable.length() - OPTIONS.length());
        if (!name.isEmpty() && !users.containsKey(name)) {
          orphans.add(variable);
        }
      }
    }
    return orphans;
  }

  private static boolean isAnotherKey(String variable) {
    if (PatroniKeys.ENVIRONMENT.containsKey(variable) || OTHER_KEYS.contains(variable)) {
      return true;
    }
    // Patroni reads PATRONI_<dcs>_KEY_PASSWORD (split at the first _ after the prefix) as a DCS
    // key.
    String rest = variable.substring(PREFIX.length());
    int first = rest.indexOf('_');
    return first > 0 && rest.substring(first + 1).equals("KEY_PASSWORD");
  }
}
