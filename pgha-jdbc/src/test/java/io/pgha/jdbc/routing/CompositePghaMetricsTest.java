package io.pgha.jdbc.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompositePghaMetricsTest {

  @Test
  void aListenerThatThrowsDoesNotKeepTheNextFromItsEvent() {
    List<String> seen = new ArrayList<>();
    PghaMetrics failing =
        new PghaMetrics() {
          @Override
          public void routed(String member, boolean readOnly, boolean fallbackToLeader) {
            throw new IllegalStateException("broken listener");
          }
        };
    PghaMetrics recording =
        new PghaMetrics() {
          @Override
          public void routed(String member, boolean readOnly, boolean fallbackToLeader) {
            seen.add(member + (readOnly ? " read" : " write"));
          }
        };

    PghaMetrics.composite(List.of(failing, recording)).routed("pg1", true, false);

    assertThat(seen).containsExactly("pg1 read");
  }

  @Test
  void noOrOneRealListenerNeedsNoComposite() {
    PghaMetrics one = new PghaMetrics() {};
    assertThat(PghaMetrics.composite(List.of())).isSameAs(PghaMetrics.NOOP);
    assertThat(PghaMetrics.composite(List.of(PghaMetrics.NOOP, one))).isSameAs(one);
  }
}
