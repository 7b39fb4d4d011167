package io.pgha.core.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/** {@code PATCH /config} refuses what the configuration file refuses, and absurd values. */
class ConfigEditTest {

  @Test
  void negativeOrAbsurdValuesAreRefused() {
    assertRefused("{\"primary_start_timeout\": -1}", "primary_start_timeout");
    assertRefused("{\"primary_stop_timeout\": -1}", "primary_stop_timeout");
    assertRefused("{\"master_start_timeout\": -5}", "master_start_timeout");
    assertRefused("{\"ttl\": 30000}", "ttl");
    assertRefused("{\"loop_wait\": 100000, \"ttl\": 3600}", "loop_wait");
    assertRefused("{\"retry_timeout\": -3}", "retry_timeout");
    assertRefused("{\"drain_timeout\": 86400}", "drain_timeout");
    assertRefused("{\"synchronous_node_count\": 0}", "synchronous_node_count");
    assertRefused("{\"maximum_lag_on_failover\": -1}", "maximum_lag_on_failover");
    assertRefused("{\"max_timelines_history\": -2}", "max_timelines_history");
  }

  @Test
  void ordinaryValuesPass() throws RequestRefusedException {
    assertThat(
            ConfigEdit.validate(
                    (ObjectNode)
                        Json.tree(
                            "{\"ttl\": 60, \"loop_wait\": 10, \"retry_timeout\": 10,"
                                + " \"primary_start_timeout\": 0, \"drain_timeout\": 5,"
                                + " \"synchronous_node_count\": 2}"))
                .ttl())
        .isEqualTo(60);
  }

  private static void assertRefused(String body, String field) {
    assertThatThrownBy(() -> ConfigEdit.validate((ObjectNode) Json.tree(body)))
        .as(body)
        .isInstanceOf(RequestRefusedException.class)
        .hasMessageContaining(field);
  }
}
