package io.pgha.core.api;

/**
 * The answer of a health check: 200 or 503, and why.
 *
 * @param healthy whether the member matches the check (200)
 * @param reason a plain sentence saying why it does or does not
 */
record HealthVerdict(boolean healthy, String reason) {

  static HealthVerdict ok(String reason) {
    return new HealthVerdict(true, reason);
  }

  static HealthVerdict no(String reason) {
    return new HealthVerdict(false, reason);
  }

  int status() {
    return healthy ? 200 : 503;
  }
}
