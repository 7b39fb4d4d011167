package io.pgha.spring.boot.autoconfigure;

/** The DataSource could not read the cluster's topology at start. */
final class TopologyUnavailableException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  private final String source;

  TopologyUnavailableException(String source, RuntimeException cause) {
    super(
        "pgha could not read the cluster topology from " + source + ": " + cause.getMessage(),
        cause);
    this.source = source;
  }

  String source() {
    return source;
  }
}
