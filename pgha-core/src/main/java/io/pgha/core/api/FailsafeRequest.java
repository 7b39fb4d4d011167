package io.pgha.core.api;

import java.util.Map;
import java.util.Objects;

/**
 * {@code POST /failsafe}: the leader, in failsafe mode and cut off from etcd, asks this member to
 * confirm it still sees the leader.
 *
 * @param leaderName {@code name}: the member that leads
 * @param connUrl {@code conn_url} of the leader (may be empty)
 * @param apiUrl {@code api_url} of the leader (may be empty)
 * @param slots {@code slots}: replication slot name to the leader's LSN for it (may be empty)
 */
public record FailsafeRequest(
    String leaderName, String connUrl, String apiUrl, Map<String, Long> slots) {

  public FailsafeRequest {
    Objects.requireNonNull(leaderName, "leaderName");
    connUrl = Objects.requireNonNullElse(connUrl, "");
    apiUrl = Objects.requireNonNullElse(apiUrl, "");
    slots = slots == null ? Map.of() : Map.copyOf(slots);
  }
}
