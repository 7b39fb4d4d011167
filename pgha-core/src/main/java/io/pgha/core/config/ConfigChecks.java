package io.pgha.core.config;

import io.pgha.patroni.DynamicConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rules of {@link PghaConfig}, each adding a sentence "key (value) must ..." to one list so
 * that a single build reports every problem. Secrets are never echoed.
 */
final class ConfigChecks {
  /** Scope and member names end up in etcd keys and file names: keep them to a safe alphabet. */
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z0-9._-]+");

  private static final Pattern NAMESPACE = Pattern.compile("(/[A-Za-z0-9._-]+)+/?");
  private static final Set<String> BOOLEAN_TAGS =
      Set.of("nofailover", "noloadbalance", "clonefrom", "nosync", "nostream");
  private static final Set<String> PRIORITY_TAGS = Set.of("failover_priority", "sync_priority");

  /** etcd grants no lease shorter than 2 s (a 1 s grant comes back as 2 s). */
  static final Duration MINIMUM_TTL = Duration.ofSeconds(DynamicConfig.MINIMUM_TTL);

  private final List<String> problems = new ArrayList<>();
  private final List<String> warnings = new ArrayList<>();

  /** What is accepted as Patroni accepts it but deserves a word (the timing rule). */
  List<String> warnings() {
    return List.copyOf(warnings);
  }

  void identifier(String key, String value) {
    if (value == null || value.isBlank()) {
      problems.add(key + " is required");
    } else if (!IDENTIFIER.matcher(value).matches()) {
      problems.add(key + " (" + value + ") must contain only letters, digits, '.', '_' and '-'");
    }
  }

  void namespace(String value) {
    if (value == null || !NAMESPACE.matcher(value).matches()) {
      problems.add(
          "namespace ("
              + value
              + ") must start with '/' and contain only letters, digits, '.', '_', '-' and '/'"
              + " (e.g. /service)");
    }
  }

  List<URI> etcdEndpoints(List<String> endpoints) {
    if (endpoints.isEmpty()) {
      problems.add("etcd.endpoints is required: at least one URL such as http://127.0.0.1:2379");
      return List.of();
    }
    List<URI> uris = new ArrayList<>();
    for (String endpoint : endpoints) {
      URI uri = parseEndpoint(endpoint);
      if (uri != null && uri.getRawUserInfo() != null) {
        // Never echo the password of http://user:password@host:2379.
        problems.add(
            "etcd.endpoints ("
                + uri.getScheme()
                + "://****@"
                + uri.getHost()
                + ":"
                + uri.getPort()
                + ") must not carry credentials: set etcd.username and etcd.password");
      } else if (uri == null) {
        problems.add(
            "etcd.endpoints ("
                + (endpoint == null ? null : endpoint.replaceAll("//[^/@]*@", "//****@"))
                + ") must be a URL http://host:port or https://host:port");
      } else {
        uris.add(uri);
      }
    }
    long schemes = uris.stream().map(URI::getScheme).distinct().count();
    if (schemes > 1) {
      problems.add(
          "etcd.endpoints (" + endpoints + ") must all use the same scheme (http or https)");
    }
    return uris;
  }

  /** etcd's client takes TLS from the files: https needs them and http must not have them. */
  void etcdScheme(List<URI> endpoints, boolean tlsFiles) {
    String expected = tlsFiles ? "https" : "http";
    List<URI> other = endpoints.stream().filter(u -> !expected.equals(u.getScheme())).toList();
    if (!other.isEmpty() && other.size() == endpoints.size()) {
      problems.add(
          "etcd.endpoints ("
              + other
              + ") must use "
              + expected
              + (tlsFiles
                  ? " when etcd.cacert or etcd.cert is set"
                  : " unless etcd.cacert or etcd.cert is set"));
    }
  }

  private static URI parseEndpoint(String endpoint) {
    if (endpoint == null) {
      return null;
    }
    try {
      URI uri = new URI(endpoint);
      boolean knownScheme = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
      boolean bare = uri.getPath() == null || uri.getPath().isEmpty() || uri.getPath().equals("/");
      return knownScheme && uri.getHost() != null && uri.getPort() > 0 && bare ? uri : null;
    } catch (URISyntaxException e) {
      return null;
    }
  }

  /** Two settings that only make sense together; the second one's value is never shown. */
  void pair(String key, Object value, String otherKey, boolean otherSet) {
    if (value != null && !otherSet) {
      problems.add(key + " (" + value + ") requires " + otherKey);
    } else if (value == null && otherSet) {
      problems.add(otherKey + " (set) requires " + key);
    }
  }

  void readableFileIfSet(String key, Path file) {
    if (file != null && !(Files.isRegularFile(file) && Files.isReadable(file))) {
      problems.add(key + " (" + file + ") must be a readable file");
    }
  }

  void directoryIfSet(String key, Path dir) {
    if (dir != null && !Files.isDirectory(dir)) {
      problems.add(key + " (" + dir + ") must be an existing directory");
    }
  }

  void absolutePath(String key, Path path) {
    if (path == null) {
      problems.add(key + " is required");
    } else if (!path.isAbsolute()) {
      problems.add(key + " (" + path + ") must be an absolute path");
    }
  }

  void absolutePathIfSet(String key, Path path) {
    if (path != null && !path.isAbsolute()) {
      problems.add(key + " (" + path + ") must be an absolute path");
    }
  }

  void range(String key, int value, int min, int max) {
    if (value < min || value > max) {
      problems.add(key + " (" + value + ") must be from " + min + " to " + max);
    }
  }

  /** A setting every member needs, which only code (never a file) could have left out. */
  boolean required(String key, Object value) {
    if (value == null) {
      problems.add(key + " is required");
      return false;
    }
    return true;
  }

  HostPort hostPort(String key, String value, boolean required) {
    if (value == null) {
      if (required) {
        problems.add(key + " is required (host:port)");
      }
      return null;
    }
    try {
      return HostPort.parse(value);
    } catch (IllegalArgumentException e) {
      problems.add(key + " (" + value + ") must be host:port with a port from 1 to 65535");
      return null;
    }
  }

  /** A connect address defaults to the listen address unless others could not reach that one. */
  HostPort connectAddress(String key, String value, String listenKey, HostPort listen) {
    if (value != null) {
      return hostPort(key, value, false);
    }
    if (listen != null && listen.isWildcard()) {
      problems.add(
          key
              + " is required because "
              + listenKey
              + " ("
              + listen
              + ") is a wildcard address other hosts cannot connect to");
      return null;
    }
    return listen;
  }

  void user(String key, Credentials credentials) {
    if (credentials != null && credentials.username().isBlank()) {
      problems.add(key + " must not be blank");
    }
  }

  void tags(Map<String, String> tags) {
    tags.forEach(
        (key, value) -> {
          if (BOOLEAN_TAGS.contains(key) && !isBoolean(value)) {
            problems.add("tags." + key + " (" + value + ") must be true or false");
          } else if (PRIORITY_TAGS.contains(key) && !isNonNegativeInteger(value)) {
            problems.add("tags." + key + " (" + value + ") must be an integer of 0 or more");
          } else if (key.equals("replicatefrom") && !IDENTIFIER.matcher(value).matches()) {
            problems.add("tags.replicatefrom (" + value + ") must be a member name");
          }
        });
    String priority = tags.get("failover_priority");
    if ("true".equalsIgnoreCase(tags.get("nofailover"))
        && isNonNegativeInteger(priority)
        && Integer.parseInt(priority) > 0) {
      problems.add(
          "tags.failover_priority ("
              + priority
              + ") contradicts tags.nofailover (true): a member that may never be promoted has no"
              + " failover priority; remove one of them");
    }
  }

  private static boolean isBoolean(String value) {
    return value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false");
  }

  private static boolean isNonNegativeInteger(String value) {
    if (value == null || value.isEmpty() || value.length() > 9) {
      return false;
    }
    return value.chars().allMatch(Character::isDigit);
  }

  void pgRto(Integer pgRto) {
    if (pgRto != null && pgRto < 1) {
      problems.add("pg_rto (" + pgRto + ") must be at least 1 second");
    }
  }

  void pgRpo(long pgRpo, boolean strict) {
    if (pgRpo < 0) {
      problems.add("pg_rpo (" + pgRpo + ") must be 0 (synchronous) or a number of bytes");
    } else if (strict && pgRpo != 0) {
      problems.add(
          "synchronous_mode_strict (true) requires pg_rpo 0 (synchronous replication), not "
              + pgRpo);
    }
  }

  void timings(HaTimings timings) {
    boolean ttlOk = duration("ttl", timings.ttl(), MINIMUM_TTL, "etcd's shortest lease");
    boolean loopOk = duration("loop_wait", timings.loopWait(), Duration.ofSeconds(1), null);
    boolean retryOk =
        duration("retry_timeout", timings.retryTimeout(), Duration.ofSeconds(1), null);
    duration("primary_start_timeout", timings.primaryStartTimeout(), Duration.ZERO, null);
    // The same upper bounds as the config key (PATCH /config): longer is a typo, not a setting.
    ttlOk &= atMost("ttl", timings.ttl(), DynamicConfig.MAXIMUM_TIMING);
    loopOk &= atMost("loop_wait", timings.loopWait(), DynamicConfig.MAXIMUM_TIMING);
    retryOk &= atMost("retry_timeout", timings.retryTimeout(), DynamicConfig.MAXIMUM_TIMING);
    atMost(
        "primary_start_timeout", timings.primaryStartTimeout(), DynamicConfig.MAXIMUM_START_STOP);
    if (ttlOk && loopOk && retryOk && !timings.satisfiesTimingRule()) {
      long loop = timings.loopWait().getSeconds();
      long retry = timings.retryTimeout().getSeconds();
      // Patroni accepts it; so does pgha, which renews the lease on its own schedule and stops
      // writing past the lease's deadline: a short ttl costs availability, not safety.
      warnings.add(
          "ttl ("
              + timings.ttl().getSeconds()
              + "s) is below loop_wait + 2 * retry_timeout ("
              + loop
              + "s + 2 * "
              + retry
              + "s = "
              + (loop + 2 * retry)
              + "s): accepted as Patroni accepts it, but a leader that cannot reach etcd for"
              + " longer than the ttl steps down");
    }
  }

  private boolean atMost(String key, Duration value, int maximumSeconds) {
    if (value.getSeconds() > maximumSeconds) {
      problems.add(key + " (" + value.getSeconds() + "s) must be at most " + maximumSeconds + "s");
      return false;
    }
    return true;
  }

  /** Patroni's config key stores whole seconds, so anything finer could not be published. */
  private boolean duration(String key, Duration value, Duration minimum, String why) {
    if (value.getNano() != 0) {
      problems.add(key + " (" + value.toMillis() + "ms) must be a whole number of seconds");
      return false;
    }
    if (value.compareTo(minimum) < 0) {
      problems.add(
          key
              + " ("
              + value.getSeconds()
              + "s) must be at least "
              + minimum.getSeconds()
              + "s"
              + (why == null ? "" : " (" + why + ")"));
      return false;
    }
    return true;
  }

  /** A duration the {@code config} key stores in whole seconds; false (and a problem) if not. */
  boolean wholeSeconds(String key, Duration value) {
    if (value.getNano() != 0 || value.isNegative()) {
      problems.add(key + " (" + value.toMillis() + "ms) must be a whole number of seconds");
      return false;
    }
    return true;
  }

  /**
   * The fast takeover's rules, checked on the dynamic configuration a new cluster starts with
   * (after {@code bootstrap.dcs}): see {@link DynamicConfig#fastTakeoverProblem()}.
   */
  void fastTakeover(DynamicConfig initial) {
    initial.fastTakeoverProblem().ifPresent(problems::add);
  }

  /** A setting accepted as Patroni accepts it that deserves a word in the log. */
  void warning(String sentence) {
    warnings.add(sentence);
  }

  void problem(String sentence) {
    problems.add(sentence);
  }

  void throwIfAny() {
    if (!problems.isEmpty()) {
      throw new InvalidConfigurationException(problems);
    }
  }
}
