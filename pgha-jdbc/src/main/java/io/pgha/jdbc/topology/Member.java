package io.pgha.jdbc.topology;

import java.util.Map;
import java.util.Objects;

/**
 * One cluster member as seen by a topology source.
 *
 * @param name the member name (Patroni's {@code name}, or {@code host:port} for static hosts)
 * @param role the PostgreSQL role the member reports
 * @param state the agent's state string ({@code running}, {@code starting}, ...)
 * @param host where PostgreSQL listens
 * @param port the PostgreSQL port
 * @param lagBytes how far this member is behind the leader in bytes, {@link #UNKNOWN_LAG} if
 *     unknown
 * @param streaming false only when the source knows the replica is not streaming from the primary
 * @param tags the member's tags ({@code noloadbalance}, {@code nofailover}, ...)
 */
public record Member(
    String name,
    MemberRole role,
    String state,
    String host,
    int port,
    long lagBytes,
    boolean streaming,
    Map<String, Object> tags) {

  /** The value of {@link #lagBytes()} when the source does not know the lag. */
  public static final long UNKNOWN_LAG = -1;

  public Member {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(role, "role");
    state = state == null ? "unknown" : state;
    tags = tags == null ? Map.of() : Map.copyOf(tags);
  }

  /** True when the agent says PostgreSQL is up and serving. */
  public boolean isRunning() {
    return "running".equals(state) || "streaming".equals(state);
  }

  /** True when the member carries the {@code noloadbalance} tag with a true value. */
  public boolean isNoLoadBalance() {
    Object value = tags.get("noloadbalance");
    return Boolean.TRUE.equals(value) || "true".equalsIgnoreCase(String.valueOf(value));
  }

  /** True when the address of the PostgreSQL server is known. */
  public boolean hasAddress() {
    return host != null && !host.isEmpty() && port > 0;
  }

  /** {@code host:port}, the identity of the PostgreSQL server behind this member. */
  public String address() {
    return host + ":" + port;
  }

  /** A copy with another lag value. */
  public Member withLag(long newLagBytes) {
    return new Member(name, role, state, host, port, newLagBytes, streaming, tags);
  }
}
