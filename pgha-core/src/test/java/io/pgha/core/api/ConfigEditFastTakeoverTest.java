package io.pgha.core.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgha.patroni.DynamicConfig;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

class ConfigEditFastTakeoverTest {

  private static ObjectNode json(String text) {
    return (ObjectNode) Json.tree(text);
  }

  @Test
  void askedForInAsynchronousOrQuorumModeItIsRefused() {
    assertThatThrownBy(() -> ConfigEdit.validate(json("{\"fast_takeover\": true}")))
        .isInstanceOf(RequestRefusedException.class)
        .hasMessageContaining(
            "fast_takeover (true) requires synchronous_mode true (priority), not false");
    assertThatThrownBy(
            () ->
                ConfigEdit.validate(
                    json("{\"synchronous_mode\": \"quorum\", \"fast_takeover\": true}")))
        .hasMessageContaining("not quorum");
  }

  @Test
  void aSilenceTimeoutTheLeaseWouldBeatIsRefused() {
    assertThatThrownBy(
            () ->
                ConfigEdit.validate(
                    json(
                        "{\"synchronous_mode\": true, \"ttl\": 30, \"loop_wait\": 10,"
                            + " \"leader_silence_timeout\": 20}")))
        .hasMessageContaining(
            "leader_silence_timeout (20s) must be at least 1s and less than ttl - loop_wait (30s -"
                + " 10s = 20s)");
  }

  @Test
  void leftToItsDefaultOrTurnedOffNothingIsRefused() throws Exception {
    DynamicConfig sync = ConfigEdit.validate(json("{\"synchronous_mode\": true}"));
    assertThat(sync.fastTakeoverEnabled()).isTrue();
    DynamicConfig off =
        ConfigEdit.validate(json("{\"synchronous_mode\": false, \"fast_takeover\": false}"));
    assertThat(off.fastTakeoverEnabled()).isFalse();
    DynamicConfig tight =
        ConfigEdit.validate(
            json(
                "{\"synchronous_mode\": true, \"ttl\": 3, \"loop_wait\": 1, \"retry_timeout\": 1}"));
    assertThat(tight.fastTakeoverEnabled()).isFalse();
  }
}
