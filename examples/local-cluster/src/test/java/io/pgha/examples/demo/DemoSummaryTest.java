package io.pgha.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DemoSummaryTest {
  private final DemoSummary summary =
      new DemoSummary(
          "pg-1", "pg-2", 9.9, 3, 400, 0.1, true, "pg-2", "pg-2", "pg-3", 10.2, 4, true, "pg-3",
          "pg-1", "pg-1", 0, 0.5, 12_000, 0);

  @Test
  void theTerminalGetsATitleLine() {
    assertThat(summary.text()).startsWith("summary" + System.lineSeparator());
    assertThat(summary.text()).endsWith(summary.body());
  }

  @Test
  void theWebPageBoxHasItsOwnTitleSoTheBodyDoesNotRepeatIt() {
    assertThat(summary.body()).doesNotContain("summary");
    assertThat(summary.body()).contains("host failure of the leader pg-1: pg-2 was elected");
  }
}
