package io.pgha.compat;

/**
 * One scenario's outcome in a behave run.
 *
 * @param feature the feature file's name ({@code basic_replication})
 * @param scenario the scenario's name as the feature file writes it
 * @param status behave's status: passed, failed, skipped or untested
 * @param seconds how long it ran
 * @param failure the first failed step's message, empty when it passed
 */
record ScenarioResult(
    String feature, String scenario, String status, double seconds, String failure) {

  boolean passed() {
    return status.equals("passed");
  }

  /** {@code feature: scenario}, as the expected-to-pass lists write it. */
  String key() {
    return feature + ": " + scenario;
  }
}
