package io.pgha.core.postgres;

import java.util.Objects;

/**
 * A PostgreSQL role name and its password. The password never appears in {@link #toString()}.
 *
 * @param name the role name
 * @param password the password, never logged
 */
public record RoleCredentials(String name, String password) {

  /** Validates that both parts are present. */
  public RoleCredentials {
    Objects.requireNonNull(name, "role name");
    Objects.requireNonNull(password, "password of role " + name);
    if (name.isBlank()) {
      throw new IllegalArgumentException("role name must not be blank");
    }
  }

  /** Returns the role name with the password masked. */
  @Override
  public String toString() {
    return name + ":******";
  }
}
