package io.pgha.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HostPortTest {

  @Test
  void parsesNamesAndBracketedIpv6() {
    assertThat(HostPort.parse("db1:5432")).isEqualTo(new HostPort("db1", 5432));
    assertThat(HostPort.parse("[::1]:5432")).isEqualTo(new HostPort("::1", 5432));
    assertThat(new HostPort("::1", 5432)).hasToString("[::1]:5432");
  }

  @Test
  void wildcards() {
    assertThat(HostPort.parse("0.0.0.0:1").isWildcard()).isTrue();
    assertThat(HostPort.parse("[::]:1").isWildcard()).isTrue();
    assertThat(HostPort.parse("*:1").isWildcard()).isTrue();
    assertThat(HostPort.parse("10.0.0.1:1").isWildcard()).isFalse();
  }

  @Test
  void rejectsWhatIsNotHostPort() {
    assertThatThrownBy(() -> HostPort.parse("db1:")).hasMessage("expected host:port");
    assertThatThrownBy(() -> HostPort.parse("db1:x"))
        .hasMessage("expected host:port with a numeric port");
    assertThatThrownBy(() -> new HostPort(" ", 1)).hasMessage("host must not be blank");
    assertThatThrownBy(() -> new HostPort("h", 0))
        .hasMessage("port (0) must be between 1 and 65535");
  }
}
