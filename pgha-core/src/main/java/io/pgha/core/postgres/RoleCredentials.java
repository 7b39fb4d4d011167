package io.pgha.core.postgres;

import io.pgha.core.config.ConnectionSecurity;
import java.util.Objects;

/**
 * A PostgreSQL role name, its password and how its connections use TLS. The password never appears
 * in {@link #toString()}.
 *
 * @param name the role name
 * @param password the password, never logged
 * @param security TLS and authentication settings of the role's connections
 */
public record RoleCredentials(String name, String password, ConnectionSecurity security) {

  /** Validates that every part is present. */
  public RoleCredentials {
    Objects.requireNonNull(name, "role name");
    Objects.requireNonNull(password, "password of role " + name);
    Objects.requireNonNull(security, "connection security of role " + name);
    if (name.isBlank()) {
      throw new IllegalArgumentException("role name must not be blank");
    }
  }

  /** A role connecting with {@link ConnectionSecurity#DEFAULT}. */
  public RoleCredentials(String name, String password) {
    this(name, password, ConnectionSecurity.DEFAULT);
  }

  /** Returns the role name with the password masked. */
  @Override
  public String toString() {
    return name + ":******";
  }
}
