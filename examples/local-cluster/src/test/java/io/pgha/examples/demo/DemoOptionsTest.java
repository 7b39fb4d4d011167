package io.pgha.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DemoOptionsTest {

  @Test
  void noArgumentsRunTheScenarioOnceOnAFreePort() {
    DemoOptions o = DemoOptions.parse();
    assertThat(o.port()).isZero();
    assertThat(o.keepUp()).isEqualTo(Duration.ZERO);
    assertThat(o.untilInterrupted()).isFalse();
    assertThat(o.pace()).isEqualTo(DemoOptions.Pace.NORMAL);
  }

  @Test
  void interactiveKeepsTheClusterUpUntilInterrupted() {
    assertThat(DemoOptions.parse("--interactive", "--port", "8080").untilInterrupted()).isTrue();
    assertThat(DemoOptions.parse("--port", "8080").port()).isEqualTo(8080);
  }

  @Test
  void minutesKeepTheClusterUpThatLong() {
    assertThat(DemoOptions.parse("--minutes", "10").keepUp()).isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void badValuesAreNamedWithWhatIsAllowed() {
    assertThatThrownBy(() -> DemoOptions.parse("--port", "http"))
        .hasMessage("--port 'http' is not allowed: give a whole number from 1 to 65535");
    assertThatThrownBy(() -> DemoOptions.parse("--minutes", "0"))
        .hasMessageContaining("--minutes '0' is not allowed");
    assertThatThrownBy(() -> DemoOptions.parse("--minutes")).hasMessage("--minutes needs a value");
    assertThatThrownBy(() -> DemoOptions.parse("3"))
        .hasMessage("unknown option '3'; allowed: --port N, --interactive, --minutes N");
  }

  @Test
  void describeKeepsTheCausesOnOneLine() {
    Exception e = new IllegalStateException("no primary within PT2M", new RuntimeException("a\nb"));
    assertThat(LocalClusterDemo.describe(e)).isEqualTo("no primary within PT2M <- a b");
    Exception repeated =
        new IllegalStateException(
            "cannot serve on :80 (Address already in use)",
            new java.net.BindException("Address already in use"));
    assertThat(LocalClusterDemo.describe(repeated))
        .isEqualTo("cannot serve on :80 (Address already in use)");
  }
}
