package io.pgha.patroni;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The body of {@code GET /cluster} of Patroni's REST API (and pgha's), as far as a client reads it.
 *
 * @param members the members in the order the agent listed them
 */
public record ApiCluster(List<ApiCluster.Entry> members) {
  public ApiCluster {
    members = members == null ? List.of() : List.copyOf(members);
  }

  /**
   * One member of {@code GET /cluster}.
   *
   * @param name {@code name}
   * @param role {@code role} ({@code leader}, {@code replica}, {@code sync_standby}, ...)
   * @param state {@code state}: {@code running}, {@code streaming}, {@code stopped}, ...; empty if
   *     absent
   * @param host {@code host}: where PostgreSQL listens
   * @param port {@code port}
   * @param lag {@code lag} in bytes; empty when Patroni writes {@code unknown} (or nothing: the
   *     leader)
   * @param tags {@code tags}
   */
  public record Entry(
      String name,
      Role role,
      String state,
      Optional<String> host,
      OptionalInt port,
      OptionalLong lag,
      Tags tags) {
    public Entry {
      Objects.requireNonNull(name, "name");
      role = Objects.requireNonNullElse(role, Role.UNKNOWN);
      state = Objects.requireNonNullElse(state, "");
      host = Objects.requireNonNullElse(host, Optional.empty());
      port = Objects.requireNonNullElse(port, OptionalInt.empty());
      lag = Objects.requireNonNullElse(lag, OptionalLong.empty());
      tags = Objects.requireNonNullElse(tags, Tags.NONE);
    }
  }
}
