package io.pgha.core.ha;

import java.util.Objects;

/**
 * The last promotion the fencing checks (watchdog, {@code pre_promote}) cancelled.
 *
 * @param why what refused, in words
 * @param atNanos when ({@link System#nanoTime()})
 */
public record PromotionRefusal(String why, long atNanos) {
  public PromotionRefusal {
    Objects.requireNonNull(why, "why");
  }
}
