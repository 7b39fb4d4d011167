package io.pgha.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Values from member keys stay data in the HAProxy configuration. */
class HaproxyConfigTest {

  @Test
  void aMemberNameOrHostThatWouldBecomeSyntaxIsRefused() {
    for (String name :
        List.of("pg-1\n    server evil 203.0.113.9:5432", "pg 1", "pg-1#", "\"pg\"", "")) {
      assertThatThrownBy(() -> new HaproxyConfig.Server(name, "10.0.0.1", 5432, "10.0.0.1", 8008))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("member name (")
          .hasMessageNotContaining("\n");
    }
    for (String host : List.of("10.0.0.1 backup", "10.0.0.1\nlisten x", "a,b", "h/x")) {
      assertThatThrownBy(() -> new HaproxyConfig.Server("pg-1", host, 5432, "10.0.0.1", 8008))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("must be a host name or an IP address");
      assertThatThrownBy(() -> new HaproxyConfig.Server("pg-1", "10.0.0.1", 5432, host, 8008))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void ordinaryMembersAreServers() {
    String text =
        new HaproxyConfig(
                "pg-test",
                "*",
                HaproxyConfig.Ports.PIGSTY,
                List.of(
                    new HaproxyConfig.Server("pg-1", "db1.example.com", 5432, "10.0.0.1", 8008),
                    new HaproxyConfig.Server("pg_2.b", "[::1]", 5433, "::1", 8009)),
                false,
                HaproxyConfig.Checks.PIGSTY,
                "read\nfrom etcd")
            .render();
    assertThat(text)
        .contains("    server pg-1 db1.example.com:5432 check port 8008 addr 10.0.0.1\n")
        .contains("    server pg_2.b [::1]:5433 check port 8009 addr ::1\n")
        .contains("members read\\u000afrom etcd\n")
        .contains("    timeout check 3s\n")
        .contains("    default-server inter 3s fastinter 1s downinter 5s rise 3 fall 3 ");
  }

  @Test
  void fastChecksFollowTheFastTakeover() {
    String text =
        new HaproxyConfig(
                "pg-test",
                "*",
                HaproxyConfig.Ports.PIGSTY,
                List.of(new HaproxyConfig.Server("pg-1", "10.0.0.1", 5432, "10.0.0.1", 8008)),
                false,
                HaproxyConfig.Checks.FAST,
                "read from etcd")
            .render();
    assertThat(text)
        .contains("    timeout check 1s\n")
        .doesNotContain("inter 3s")
        .contains(
            "    default-server inter 500ms fastinter 250ms downinter 500ms rise 1 fall 2"
                + " on-marked-down shutdown-sessions");
  }
}
