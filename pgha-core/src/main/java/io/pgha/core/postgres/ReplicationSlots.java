package io.pgha.core.postgres;

import java.util.Locale;

/** How member names map to physical replication slot names. */
public final class ReplicationSlots {

  private static final int MAX_LENGTH = 63;

  private ReplicationSlots() {}

  /**
   * The slot name for a member, as Patroni derives it: lower case, every character other than
   * {@code a-z0-9_} replaced by {@code _}, at most 63 characters.
   */
  public static String slotNameFor(String memberName) {
    String lower = memberName.toLowerCase(Locale.ROOT);
    StringBuilder slot = new StringBuilder(lower.length());
    for (char c : lower.toCharArray()) {
      slot.append((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ? c : '_');
    }
    return slot.length() > MAX_LENGTH ? slot.substring(0, MAX_LENGTH) : slot.toString();
  }
}
