package io.pgha.compat;

/** What Patroni's features start as a cluster member. */
enum BehaveTarget {
  /** The pgha sidecar ({@code java -jar pgha-sidecar.jar <member>.yml}). */
  PGHA,
  /** The installed Patroni (its own {@code patroni.py}): checks the harness itself. */
  PATRONI;

  /** Patroni's tree, copied unchanged from the tag. */
  static final String PATRONI_TREE = "patroni-v3.0.2";

  static BehaveTarget of(String name) {
    return switch (name == null || name.isBlank() ? "pgha" : name.strip()) {
      case "pgha" -> PGHA;
      case "patroni" -> PATRONI;
      default ->
          throw new IllegalArgumentException(
              "behave.target (" + name + ") must be pgha or patroni");
    };
  }

  String id() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
