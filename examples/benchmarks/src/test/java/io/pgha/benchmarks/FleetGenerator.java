package io.pgha.benchmarks;

import java.net.URI;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * This load generator's place in a fleet run: which etcd it loads (one it starts itself, or the
 * endpoints of an external one), which clusters it generates (its scope prefix and cluster offset,
 * so that several generators on several hosts run disjoint ranges against one etcd), when its
 * window starts (one wall-clock instant for all of them), and how many of its members share one
 * etcd client.
 *
 * @param etcdEndpoints client URLs of an external etcd's members; empty: the benchmark starts a
 *     3-member etcd of its own for each cell
 * @param metricsUrls the external members' Prometheus endpoints (etcd's {@code /metrics}, on the
 *     client URL or on {@code --listen-metrics-urls}); one per member, for CPU, RSS and counters
 * @param clusterOffset the number of this generator's first cluster
 * @param scopePrefix the clusters' scopes are this prefix and a 4-digit number
 * @param windowAt the wall-clock instant at which every generator of a run opens its window
 * @param membersPerClient how many members share one etcd client (connections and client threads);
 *     1: each member has its own, as each agent does
 */
record FleetGenerator(
    List<URI> etcdEndpoints,
    List<URI> metricsUrls,
    int clusterOffset,
    String scopePrefix,
    Optional<Instant> windowAt,
    int membersPerClient) {

  /**
   * A generator on its own: its own etcd, clusters from {@code fleet0000}, each member a client.
   */
  static final FleetGenerator ALONE =
      new FleetGenerator(List.of(), List.of(), 0, "fleet", Optional.empty(), 1);

  FleetGenerator {
    etcdEndpoints = List.copyOf(etcdEndpoints);
    metricsUrls = List.copyOf(metricsUrls);
    if (clusterOffset < 0) {
      throw new IllegalArgumentException(
          "fleet.cluster.offset (" + clusterOffset + ") must be at least 0");
    }
    if (!scopePrefix.matches("[A-Za-z][A-Za-z0-9_-]{0,40}")) {
      throw new IllegalArgumentException(
          "fleet.scope.prefix ("
              + scopePrefix
              + ") must be a letter, then up to 40 letters, digits, '-' or '_'");
    }
    if (membersPerClient < 1) {
      throw new IllegalArgumentException(
          "fleet.membersPerClient (" + membersPerClient + ") must be at least 1");
    }
    if (etcdEndpoints.isEmpty() != metricsUrls.isEmpty()) {
      throw new IllegalArgumentException(
          "fleet.etcd.metrics (" + metricsUrls + ") needs fleet.etcd.endpoints");
    }
  }

  /** The options of {@code -Dfleet.etcd.endpoints}, {@code -Dfleet.cluster.offset}, and so on. */
  static FleetGenerator fromSystemProperties() {
    List<URI> endpoints = urls("fleet.etcd.endpoints", List.of("http"));
    List<URI> metrics = urls("fleet.etcd.metrics", List.of("http", "https"));
    return new FleetGenerator(
        endpoints,
        metrics.isEmpty() ? metricsOf(endpoints) : metricsOf(metrics),
        integer("fleet.cluster.offset", 0),
        property("fleet.scope.prefix").orElse("fleet"),
        property("fleet.window.at").map(FleetGenerator::instant),
        integer("fleet.membersPerClient", 1));
  }

  /** This generator against the etcd of {@code endpoints}, read through their {@code /metrics}. */
  FleetGenerator withExternalEtcd(List<URI> endpoints) {
    return new FleetGenerator(
        endpoints, metricsOf(endpoints), clusterOffset, scopePrefix, windowAt, membersPerClient);
  }

  FleetGenerator withClusters(String prefix, int offset) {
    return new FleetGenerator(
        etcdEndpoints, metricsUrls, offset, prefix, windowAt, membersPerClient);
  }

  FleetGenerator withMembersPerClient(int members) {
    return new FleetGenerator(
        etcdEndpoints, metricsUrls, clusterOffset, scopePrefix, windowAt, members);
  }

  boolean externalEtcd() {
    return !etcdEndpoints.isEmpty();
  }

  /** The scope of this generator's cluster {@code c} (0-based). */
  String scope(int c) {
    return String.format(Locale.ROOT, "%s%04d", scopePrefix, clusterOffset + c);
  }

  /** This generator's clusters in a cell of {@code clusters}, for the report: first to last. */
  String range(int clusters) {
    return clusters == 1 ? scope(0) : scope(0) + " to " + scope(clusters - 1);
  }

  /** {@code url}'s {@code /metrics}, unless it names a path already. */
  private static List<URI> metricsOf(List<URI> urls) {
    return urls.stream()
        .map(
            u ->
                u.getPath() == null || u.getPath().isEmpty() || u.getPath().equals("/")
                    ? u.resolve("/metrics")
                    : u)
        .toList();
  }

  private static List<URI> urls(String name, List<String> schemes) {
    return property(name).stream()
        .flatMap(v -> Arrays.stream(v.split(",")))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .map(s -> url(name, s, schemes))
        .toList();
  }

  private static URI url(String name, String text, List<String> schemes) {
    URI u;
    try {
      u = URI.create(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(name + " (" + text + ") is not a URL: " + e.getMessage());
    }
    if (u.getScheme() == null || !schemes.contains(u.getScheme()) || u.getHost() == null) {
      throw new IllegalArgumentException(
          name
              + " ("
              + text
              + ") must be "
              + String.join(" or ", schemes.stream().map(s -> s + "://host:port").toList())
              + (schemes.size() == 1
                  ? ": the simulated members connect without TLS or credentials"
                  : ""));
    }
    return u;
  }

  private static int integer(String name, int otherwise) {
    Optional<String> v = property(name);
    try {
      return v.isEmpty() ? otherwise : Integer.parseInt(v.get());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " (" + v.get() + ") must be a whole number");
    }
  }

  private static Instant instant(String text) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "fleet.window.at (" + text + ") must be an instant such as 2026-12-06T12:00:00Z");
    }
  }

  /** A property, unless unset or blank (the pom passes unset options as empty strings). */
  private static Optional<String> property(String name) {
    return Optional.ofNullable(System.getProperty(name))
        .map(String::trim)
        .filter(s -> !s.isEmpty());
  }
}
