package io.pgha.core.ha;

import java.util.Map;
import java.util.TreeMap;

/**
 * What the leader writes to the {@code failsafe} key: member name to {@code api_url}; empty to
 * delete a key left over after failsafe mode was turned off.
 *
 * @param members the members and their API URLs
 */
public record FailsafeKey(Map<String, String> members) implements Action.Payload {
  public FailsafeKey {
    members = Map.copyOf(members);
  }

  /** Whether the key is to be deleted. */
  public boolean deletes() {
    return members.isEmpty();
  }

  @Override
  public String toString() {
    return deletes() ? "delete" : new TreeMap<>(members).keySet().toString();
  }
}
