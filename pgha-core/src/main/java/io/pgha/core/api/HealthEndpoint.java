package io.pgha.core.api;

import java.util.List;
import java.util.Optional;

/** The health-check paths, with Patroni's aliases. */
enum HealthEndpoint {
  PRIMARY(true, "/", "/primary", "/read-write", "/master"),
  LEADER(true, "/leader"),
  STANDBY_LEADER(true, "/standby-leader", "/standby_leader"),
  REPLICA(true, "/replica"),
  READ_ONLY(true, "/read-only"),
  SYNC(true, "/sync", "/synchronous"),
  READ_ONLY_SYNC(true, "/read-only-sync", "/read-only-synchronous"),
  QUORUM(true, "/quorum"),
  READ_ONLY_QUORUM(true, "/read-only-quorum"),
  ASYNC(true, "/async", "/asynchronous"),
  HEALTH(true, "/health"),
  // Patroni serves these two on GET only: HEAD and OPTIONS fall through to 503.
  LIVENESS(false, "/liveness"),
  READINESS(false, "/readiness");

  private final boolean answersHeadAndOptions;
  private final List<String> paths;

  HealthEndpoint(boolean answersHeadAndOptions, String... paths) {
    this.answersHeadAndOptions = answersHeadAndOptions;
    this.paths = List.of(paths);
  }

  /** Whether HEAD and OPTIONS on this path are health checks too. */
  boolean answersHeadAndOptions() {
    return answersHeadAndOptions;
  }

  /** Whether the {@code tag_*} filters apply (Patroni ignores them for the leader checks). */
  boolean filtersTags() {
    return this != PRIMARY && this != LEADER && this != STANDBY_LEADER;
  }

  /** The endpoint for a request path (without query), if it is a health check. */
  static Optional<HealthEndpoint> forPath(String path) {
    for (HealthEndpoint e : values()) {
      if (e.paths.contains(path)) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }
}
