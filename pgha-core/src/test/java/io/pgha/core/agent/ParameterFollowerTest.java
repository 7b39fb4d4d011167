package io.pgha.core.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The config key's parameters as PostgreSQL settings. */
class ParameterFollowerTest {

  @Test
  void valuesBecomeSettingsAndWhatPghaSetsItselfIsLeftOut() {
    Map<String, Object> parameters = new LinkedHashMap<>();
    parameters.put("max_connections", 101);
    parameters.put("hot_standby", true);
    parameters.put("wal_log_hints", false);
    parameters.put("archive_command", "cp %p /arch/%f");
    parameters.put("port", 5433);
    parameters.put("LISTEN_ADDRESSES", "*");
    parameters.put("work_mem", null);

    assertThat(ParameterFollower.settings(parameters))
        .containsExactly(
            Map.entry("max_connections", "101"),
            Map.entry("hot_standby", "on"),
            Map.entry("wal_log_hints", "off"),
            Map.entry("archive_command", "cp %p /arch/%f"));
  }
}
