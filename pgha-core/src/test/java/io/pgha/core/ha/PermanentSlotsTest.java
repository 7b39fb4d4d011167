package io.pgha.core.ha;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.patroni.DynamicConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PermanentSlotsTest {

  private static PermanentSlots of(Map<String, Object> extra) {
    return PermanentSlots.of(DynamicConfig.builder().extra(extra).build());
  }

  @Test
  void noSectionsNoSlots() {
    PermanentSlots none = PermanentSlots.of(DynamicConfig.defaults());

    assertThat(none.physical()).isEmpty();
    assertThat(none.logical()).isEmpty();
    assertThat(none.ignores("any", "physical", null, null)).isFalse();
  }

  @Test
  void slotsAreReadAsPatroniReadsThem() {
    Map<String, Object> slots = new HashMap<>();
    slots.put("pm_1", Map.of("type", "physical"));
    slots.put("pm_2", null);
    slots.put("pm_3", Map.of());
    slots.put(
        "test_logical", Map.of("type", "logical", "database", "postgres", "plugin", "pgoutput"));
    slots.put("implied_logical", Map.of("database", "app", "plugin", "test_decoding"));
    slots.put("Bad-Name", Map.of());
    slots.put("half_logical", Map.of("type", "logical", "database", "app"));
    slots.put("not_an_object", "physical");

    PermanentSlots p = of(Map.of("slots", slots));

    assertThat(p.physical()).containsExactly("pm_1", "pm_2", "pm_3");
    assertThat(p.logical())
        .containsOnlyKeys("test_logical", "implied_logical")
        .containsEntry("implied_logical", new PermanentSlots.LogicalSlot("app", "test_decoding"));
    assertThat(p.problems())
        .containsExactly(
            "slots.Bad-Name is no valid slot name (a-z, 0-9 and _, at most 63)",
            "slots.half_logical must be physical, or logical with a database and a plugin",
            "slots.not_an_object (physical) must be an object");
  }

  @Test
  void anIgnoreSlotsEntryMatchesWhenEveryAttributeItGivesMatches() {
    PermanentSlots p =
        of(
            Map.of(
                "ignore_slots",
                List.of(
                    Map.of("name", "keep_me"),
                    Map.of("type", "logical", "database", "app"),
                    Map.of("name", "only_physical", "type", "physical"))));

    assertThat(p.ignores("keep_me", "physical", null, null)).isTrue();
    assertThat(p.ignores("keep_me", "logical", "app", "pgoutput")).isTrue();
    assertThat(p.ignores("other", "logical", "app", "pgoutput")).isTrue();
    assertThat(p.ignores("other", "logical", "postgres", "pgoutput")).isFalse();
    assertThat(p.ignores("only_physical", "physical", null, null)).isTrue();
    assertThat(p.ignores("only_physical", "logical", "app", "x")).isTrue();
    assertThat(p.ignores("only_physical", "logical", "db", "x")).isFalse();
    assertThat(p.ignores("drop_me", "physical", null, null)).isFalse();
  }

  @Test
  void positionsOfKeepsThePermanentSlotsOnly() {
    PermanentSlots permanent =
        of(
            Map.of(
                "slots",
                Map.of(
                    "pm_1", Map.of("type", "physical"),
                    "dcs_slot_0", Map.of("database", "postgres", "plugin", "test_decoding"))));

    assertThat(permanent.positionsOf(Map.of("pm_1", 10L, "dcs_slot_0", 20L, "pg_2", 30L)))
        .containsExactlyInAnyOrderEntriesOf(Map.of("pm_1", 10L, "dcs_slot_0", 20L));
  }
}
