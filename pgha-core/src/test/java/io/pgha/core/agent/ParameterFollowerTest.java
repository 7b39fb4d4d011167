package io.pgha.core.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.core.postgres.DynamicSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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

  @Test
  void theSectionsRecoveryConfPgHbaAndPgIdentAreReadAndWhatCannotBeWrittenIsLeftOut() {
    Map<String, Object> recovery = new LinkedHashMap<>();
    recovery.put("restore_command", "cp /archive/%f %p");
    recovery.put("recovery_min_apply_delay", 300000);
    recovery.put("archive_cleanup_command", "cleanup\nmore");
    recovery.put("primary_slot_name", "theirs");
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("recovery_conf", recovery);
    extra.put("pg_hba", List.of("host all all 127.0.0.1/32 trust", "two\nlines"));
    extra.put("pg_ident", "not a list");
    List<String> warnings = new ArrayList<>();

    DynamicSettings dynamic =
        ParameterFollower.dynamicSettings(Map.of("work_mem", "8MB"), extra, warnings);

    assertThat(dynamic.parameters()).containsExactly(Map.entry("work_mem", "8MB"));
    assertThat(dynamic.recoveryConf())
        .containsOnly(
            Map.entry("restore_command", "cp /archive/%f %p"),
            Map.entry("recovery_min_apply_delay", "300000"));
    assertThat(dynamic.pgHba()).containsExactly("host all all 127.0.0.1/32 trust");
    assertThat(dynamic.pgIdent()).isEmpty();
    assertThat(warnings)
        .anySatisfy(w -> assertThat(w).contains("archive_cleanup_command").endsWith("left out"))
        .anySatisfy(w -> assertThat(w).contains("primary_slot_name is ignored"))
        .anySatisfy(w -> assertThat(w).startsWith("postgresql.pg_hba (two"))
        .anySatisfy(w -> assertThat(w).startsWith("postgresql.pg_ident (not a list)"));
  }
}
