package io.pgha.patroni;

import java.util.Objects;
import java.util.Optional;

/**
 * Patroni's key layout for one cluster: {@code <namespace>/<scope>/<key>}.
 *
 * @param namespace e.g. {@code /service} (Patroni's default; a trailing slash is ignored)
 * @param scope the cluster name
 */
public record DcsKeys(String namespace, String scope) {
  public static final String DEFAULT_NAMESPACE = "/service";

  public static final String LEADER = "leader";
  public static final String MEMBERS = "members/";
  public static final String CONFIG = "config";
  public static final String INITIALIZE = "initialize";
  public static final String FAILOVER = "failover";
  public static final String SYNC = "sync";
  public static final String STATUS = "status";
  public static final String HISTORY = "history";
  public static final String FAILSAFE = "failsafe";

  /**
   * pgha's own key: a leader about to hand over announces that clients should hold new write
   * transactions back (Patroni's tools ignore keys they do not know).
   */
  public static final String DRAIN = "drain";

  public DcsKeys {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(scope, "scope");
    String ns = namespace.trim();
    while (ns.endsWith("/")) {
      ns = ns.substring(0, ns.length() - 1);
    }
    if (!ns.isEmpty() && !ns.startsWith("/")) {
      ns = "/" + ns;
    }
    namespace = ns;
    if (scope.isBlank() || scope.contains("/")) {
      throw new IllegalArgumentException(
          "scope '" + scope + "' is not allowed: it must be non-blank and contain no '/'");
    }
  }

  /** The prefix every key of the cluster starts with, ending in {@code /}. */
  public String prefix() {
    return namespace + "/" + scope + "/";
  }

  public String leader() {
    return prefix() + LEADER;
  }

  public String membersPrefix() {
    return prefix() + MEMBERS;
  }

  public String member(String name) {
    if (name == null || name.isBlank() || name.contains("/")) {
      throw new IllegalArgumentException(
          "member name '" + name + "' is not allowed: it must be non-blank and contain no '/'");
    }
    return membersPrefix() + name;
  }

  public String config() {
    return prefix() + CONFIG;
  }

  public String initialize() {
    return prefix() + INITIALIZE;
  }

  public String failover() {
    return prefix() + FAILOVER;
  }

  public String sync() {
    return prefix() + SYNC;
  }

  public String status() {
    return prefix() + STATUS;
  }

  public String history() {
    return prefix() + HISTORY;
  }

  public String failsafe() {
    return prefix() + FAILSAFE;
  }

  public String drain() {
    return prefix() + DRAIN;
  }

  /**
   * The key relative to the cluster prefix ({@code leader}, {@code members/pg-1}, ...), or empty if
   * {@code key} is not under it.
   */
  public Optional<String> relative(String key) {
    return key.startsWith(prefix())
        ? Optional.of(key.substring(prefix().length()))
        : Optional.empty();
  }
}
