package io.pgha.core.config;

import java.util.Objects;
import java.util.Optional;

/**
 * A user name and an optional password. The password never appears in {@link #toString()}, logs or
 * exception messages.
 *
 * @param username never blank
 * @param password null when authentication does not use a password (trust, certificates)
 */
public record Credentials(String username, String password) {

  public Credentials {
    Objects.requireNonNull(username, "username");
  }

  /** The password, when one is configured. */
  public Optional<String> passwordIfSet() {
    return Optional.ofNullable(password);
  }

  @Override
  public String toString() {
    return "Credentials[username=" + username + ", password=" + Masking.mask(password) + "]";
  }
}
