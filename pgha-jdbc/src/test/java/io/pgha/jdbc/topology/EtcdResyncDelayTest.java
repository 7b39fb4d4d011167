package io.pgha.jdbc.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * After a failed re-read, every source of a fleet that lost etcd together retries: the delays
 * spread over 250-750 ms instead of all landing at 500 ms, in step.
 */
class EtcdResyncDelayTest {

  @Test
  void retriesOfManySourcesSpreadOverHalfASecond() {
    SplittableRandom random = new SplittableRandom(21);
    Set<Long> delays = new HashSet<>();
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (int source = 0; source < 3000; source++) {
      long d = EtcdTopologySource.retryDelayMillis(random);
      delays.add(d);
      min = Math.min(min, d);
      max = Math.max(max, d);
    }
    assertThat(min).isBetween(250L, 300L);
    assertThat(max).isBetween(700L, 750L);
    // 3000 sources on ~500 distinct milliseconds: no millisecond holds more than a few dozen.
    assertThat(delays.size()).isGreaterThan(400);
  }
}
