package io.pgha.patroni;

/**
 * The name the primary goes by where pgha writes a role for others to read: the member key, {@code
 * GET /patroni} and the {@code on_role_change} callback's argument. Patroni 3 says {@code master}
 * there, Patroni 4 {@code primary}. Both are read as {@link Role#PRIMARY} either way, by pgha and
 * by Patroni 4's tools; Patroni 3.0.2's {@code patronictl} recognises the leader's member key by
 * {@code master} only (its {@code --role master} filters of {@code restart}, {@code dsn}, {@code
 * query}).
 */
public enum RoleNames {
  /** {@code master}, as Patroni 3.x writes it. */
  PATRONI_3("master"),
  /** {@code primary}, as Patroni 4 writes it. */
  PATRONI_4("primary");

  private final String primary;

  RoleNames(String primary) {
    this.primary = primary;
  }

  /** The name of {@code role}: {@link Role#wireName()}, except the primary's. */
  public String of(Role role) {
    return role == Role.PRIMARY ? primary : role.wireName();
  }

  /** {@code master} → {@link #PATRONI_3}, {@code primary} → {@link #PATRONI_4}; else empty. */
  public static java.util.Optional<RoleNames> ofPrimaryName(String name) {
    for (RoleNames n : values()) {
      if (n.primary.equalsIgnoreCase(name == null ? "" : name.strip())) {
        return java.util.Optional.of(n);
      }
    }
    return java.util.Optional.empty();
  }
}
