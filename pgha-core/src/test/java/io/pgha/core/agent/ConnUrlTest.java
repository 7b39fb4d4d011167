package io.pgha.core.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.core.postgres.Upstream;
import org.junit.jupiter.api.Test;

class ConnUrlTest {

  @Test
  void readsWhatPatroniWrites() {
    assertThat(ConnUrl.parse("postgres://10.0.0.11:5433/postgres"))
        .contains(new Upstream("10.0.0.11", 5433));
    assertThat(ConnUrl.parse("postgres://[::1]:5432/postgres")).contains(new Upstream("::1", 5432));
    assertThat(ConnUrl.parse("postgres://db1/postgres")).contains(new Upstream("db1", 5432));
  }

  @Test
  void roundTrips() {
    assertThat(ConnUrl.parse(ConnUrl.of("127.0.0.1", 6000)))
        .contains(new Upstream("127.0.0.1", 6000));
    assertThat(ConnUrl.parse(ConnUrl.of("::1", 6000))).contains(new Upstream("::1", 6000));
  }

  @Test
  void garbageIsAbsentNotAnError() {
    assertThat(ConnUrl.parse("")).isEmpty();
    assertThat(ConnUrl.parse(null)).isEmpty();
    assertThat(ConnUrl.parse("not a url at all")).isEmpty();
    assertThat(ConnUrl.parse("postgres://:99999999/x")).isEmpty();
  }
}
