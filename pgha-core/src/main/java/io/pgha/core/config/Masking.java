package io.pgha.core.config;

/** How secrets are shown wherever configuration is printed. */
final class Masking {
  private Masking() {}

  static String mask(String secret) {
    return secret == null ? "<none>" : "****";
  }
}
