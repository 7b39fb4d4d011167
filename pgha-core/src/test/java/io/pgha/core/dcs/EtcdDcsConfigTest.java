package io.pgha.core.dcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgha.patroni.DcsKeys;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class EtcdDcsConfigTest {
  private static EtcdDcsConfig.Builder valid() {
    return EtcdDcsConfig.builder().endpoint("127.0.0.1:2379").scope("pg").memberName("pg-1");
  }

  @Test
  void defaultsFollowPatroniAndTheTtl() {
    EtcdDcsConfig c = valid().build();
    assertThat(c.namespace()).isEqualTo("/service");
    assertThat(c.ttl()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.safetyMargin()).isEqualTo(Duration.ofMillis(7500));
    assertThat(c.requestTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.endpoints()).extracting(Object::toString).containsExactly("http://127.0.0.1:2379");
    assertThat(c.keys().leader()).isEqualTo("/service/pg/leader");

    EtcdDcsConfig fast = valid().ttl(Duration.ofSeconds(2)).build();
    assertThat(fast.requestTimeout()).isEqualTo(Duration.ofSeconds(1));
    assertThat(fast.safetyMargin()).isEqualTo(Duration.ofMillis(500));
  }

  @Test
  void thePasswordNeverAppearsInToString() {
    EtcdDcsConfig c = valid().credentials("pgha", "s3cret-Pa55").build();
    assertThat(c.toString()).contains("user=pgha").doesNotContain("s3cret-Pa55");
    assertThat(c.withTtl(Duration.ofSeconds(10)).toString()).doesNotContain("s3cret-Pa55");
  }

  @Test
  void badSettingsAreNamedWithTheValueAndTheRule() {
    assertThatThrownBy(() -> valid().ttl(Duration.ofSeconds(1)).build())
        .hasMessageContaining("ttl (PT1S)")
        .hasMessageContaining("at least 2s");
    assertThatThrownBy(() -> valid().ttl(Duration.ofMillis(2500)).build())
        .hasMessageContaining("whole seconds");
    assertThatThrownBy(() -> valid().scope("a/b").build()).hasMessageContaining("scope (a/b)");
    assertThatThrownBy(() -> valid().memberName(" ").build()).hasMessageContaining("member name");
    assertThatThrownBy(
            () -> valid().ttl(Duration.ofSeconds(4)).safetyMargin(Duration.ofSeconds(3)).build())
        .hasMessageContaining("safety margin (PT3S)")
        .hasMessageContaining("half the ttl");
    assertThatThrownBy(
            () -> valid().ttl(Duration.ofSeconds(4)).requestTimeout(Duration.ofSeconds(4)).build())
        .hasMessageContaining("request timeout (PT4S)");
    assertThatThrownBy(() -> EtcdDcsConfig.builder().scope("s").memberName("m").build())
        .hasMessageContaining("endpoints");
    assertThatThrownBy(() -> valid().endpoint("http://nohost"))
        .hasMessageContaining("'http://nohost'");
    assertThatThrownBy(() -> valid().caFile(Path.of("/nonexistent/ca.pem")).build())
        .hasMessageContaining("/nonexistent/ca.pem")
        .hasMessageContaining("readable");
    assertThatThrownBy(() -> valid().endpoints(List.of("https://127.0.0.1:2379")).build())
        .hasMessageContaining("must use http");
  }

  @Test
  void keysNormaliseTheNamespace() {
    assertThat(new DcsKeys("/service/", "pg-test").member("pg-1"))
        .isEqualTo("/service/pg-test/members/pg-1");
    assertThat(new DcsKeys("pg", "x").prefix()).isEqualTo("/pg/x/");
    assertThat(new DcsKeys("", "x").prefix()).isEqualTo("/x/");
    assertThat(new DcsKeys("/service", "x").relative("/service/x/members/a")).hasValue("members/a");
    assertThat(new DcsKeys("/service", "x").relative("/service/y/leader")).isEmpty();
    assertThatThrownBy(() -> new DcsKeys("/s", "x").member("a/b")).hasMessageContaining("'a/b'");
  }

  @Test
  void leaseStatusUsesTheMonotonicDeadline() {
    LeaseStatus s = new LeaseStatus(7, 3, 1_000, 2_000);
    assertThat(s.isValidAt(1_999)).isTrue();
    assertThat(s.isValidAt(2_000)).isFalse();
    assertThat(s.remainingNanos(1_500)).isEqualTo(500);
    assertThat(LeaseStatus.NONE.isValidAt(0)).isFalse();
    // nanoTime may be negative or wrap; only differences count.
    LeaseStatus wrapped = new LeaseStatus(7, 3, Long.MAX_VALUE - 10, Long.MIN_VALUE + 10);
    assertThat(wrapped.isValidAt(Long.MAX_VALUE)).isTrue();
    assertThat(wrapped.isValidAt(Long.MIN_VALUE + 11)).isFalse();
  }
}
