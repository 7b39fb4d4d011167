package io.pgha.patroni;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class PatroniCodecTest {
  private final List<String> warnings = new ArrayList<>();

  @Test
  void readsPatroni3MemberWithMasterRole() {
    PatroniSamples.Sample sample = PatroniSamples.load("async");
    Member m =
        PatroniCodec.decodeMember(
            "k", "pg-test-2", sample.value("members/pg-test-2"), warnings::add);

    assertThat(m.role()).isEqualTo(Role.PRIMARY);
    assertThat(m.connUrl()).isEqualTo("postgres://127.0.0.1:25433/postgres");
    assertThat(m.apiUrl()).isEqualTo("http://127.0.0.1:28009/patroni");
    assertThat(m.state()).isEqualTo("running");
    assertThat(m.version()).isEqualTo("3.0.2");
    assertThat(m.xlogLocation()).hasValue(67356440L);
    assertThat(m.timeline()).hasValue(2);
    assertThat(m.tags()).isEqualTo(Tags.NONE);
    assertThat(warnings).isEmpty();
  }

  @Test
  void memberRoundTripsThroughItsOwnEncoding() {
    Member m =
        Member.builder("pg-1")
            .connUrl("postgres://10.0.0.1:5432/postgres")
            .apiUrl("http://10.0.0.1:8008/patroni")
            .state("running")
            .role(Role.REPLICA)
            .version("0.1.0")
            .xlogLocation(123)
            .receiveLsn(OptionalLong.of(124))
            .replayLsn(OptionalLong.of(120))
            .replicationState("streaming")
            .timeline(3)
            .tags(
                Tags.NONE
                    .withNoFailover(true)
                    .withFailoverPriority(0)
                    .withNoLoadBalance(true)
                    .withCustom("dc", "eu-1"))
            .pendingRestart(true)
            .extra(Map.of("dcs_last_seen", 1700000000))
            .build();

    String json = PatroniCodec.encodeMember(m);
    Member back = PatroniCodec.decodeMember("k", "pg-1", json, warnings::add);

    assertThat(back).isEqualTo(m);
    assertThat(json).contains("\"role\":\"replica\"").contains("\"nofailover\":true");
    assertThat(warnings).isEmpty();
  }

  @Test
  void writesPrimaryNotMaster() {
    String json = PatroniCodec.encodeMember(Member.builder("a").role(Role.PRIMARY).build());
    assertThat(json).isEqualTo("{\"role\":\"primary\"}");
  }

  @Test
  void writesMasterWithPatroni3NamesAndReadsItBackAsThePrimary() {
    Member primary = Member.builder("a").role(Role.PRIMARY).build();
    String json = PatroniCodec.encodeMember(primary, RoleNames.PATRONI_3);
    assertThat(json).isEqualTo("{\"role\":\"master\"}");
    assertThat(PatroniCodec.decodeMember("k", "a", json, w -> {}).role()).isEqualTo(Role.PRIMARY);
    assertThat(
            PatroniCodec.encodeMember(
                Member.builder("b").role(Role.STANDBY_LEADER).build(), RoleNames.PATRONI_3))
        .isEqualTo("{\"role\":\"standby_leader\"}");
    assertThat(RoleNames.ofPrimaryName("master")).contains(RoleNames.PATRONI_3);
    assertThat(RoleNames.ofPrimaryName("leader")).isEmpty();
  }

  @Test
  void memberWithOneBadFieldKeepsTheRest() {
    Member m =
        PatroniCodec.decodeMember(
            "/service/x/members/a",
            "a",
            "{\"role\":\"replica\",\"timeline\":\"two\",\"xlog_location\":\"42\","
                + "\"tags\":{\"nofailover\":\"maybe\",\"noloadbalance\":\"on\"}}",
            warnings::add);

    assertThat(m.role()).isEqualTo(Role.REPLICA);
    assertThat(m.timeline()).isEqualTo(OptionalInt.empty());
    assertThat(m.xlogLocation()).hasValue(42L);
    assertThat(m.tags().noFailover()).isFalse();
    assertThat(m.tags().noLoadBalance()).isTrue();
    assertThat(warnings)
        .anySatisfy(w -> assertThat(w).contains("/service/x/members/a", "timeline", "'\"two\"'"))
        .anySatisfy(w -> assertThat(w).contains("nofailover", "maybe", "true or false"));
  }

  @Test
  void nullFieldsOfUnknownNamesAreKept() {
    Member m =
        PatroniCodec.decodeMember(
            "k",
            "a",
            "{\"role\":\"replica\",\"future\":null,\"tags\":{\"zone\":null}}",
            warnings::add);
    assertThat(m.role()).isEqualTo(Role.REPLICA);
    assertThat(m.extra()).containsEntry("future", null);
    assertThat(m.tags().custom()).containsEntry("zone", null);
    assertThat(PatroniCodec.decodeMember("k", "a", PatroniCodec.encodeMember(m), warnings::add))
        .isEqualTo(m);
    assertThat(warnings).isEmpty();
  }

  @Test
  void notAnObjectIsAnInvalidValueNamingTheKey() {
    assertThatThrownBy(() -> PatroniCodec.decodeMember("/s/c/members/a", "a", "[1,2", w -> {}))
        .isInstanceOf(InvalidValueException.class)
        .hasMessageContaining("/s/c/members/a")
        .hasMessageContaining("[1,2")
        .hasMessageContaining("JSON object");
  }

  @Test
  void readsConfigSampleWithDefaultsForMissingSettings() {
    PatroniSamples.Sample sample = PatroniSamples.load("sync");
    DynamicConfig c = PatroniCodec.decodeConfig("k", sample.value("config"), warnings::add);

    assertThat(c.ttl()).isEqualTo(10);
    assertThat(c.loopWait()).isEqualTo(2);
    assertThat(c.retryTimeout()).isEqualTo(4);
    assertThat(c.primaryStartTimeout()).isEqualTo(4);
    assertThat(c.maximumLagOnFailover()).isEqualTo(1048576);
    assertThat(c.maximumLagOnSyncnode()).isEqualTo(-1);
    assertThat(c.synchronousMode()).isEqualTo(SynchronousMode.ON);
    assertThat(c.synchronousNodeCount()).isEqualTo(1);
    assertThat(c.failsafeMode()).isFalse();
    assertThat(c.usePgRewind()).isTrue();
    assertThat(c.useSlots()).isTrue();
    assertThat(c.parameters())
        .containsEntry("max_connections", 100)
        .containsEntry("wal_keep_size", "128MB");
    assertThat(warnings).isEmpty();
  }

  @Test
  void configDefaultsAreTheDocumentedOnes() {
    DynamicConfig c = PatroniCodec.decodeConfig("k", "{}", warnings::add);
    assertThat(c).isEqualTo(DynamicConfig.defaults());
    assertThat(c.ttl()).isEqualTo(30);
    assertThat(c.loopWait()).isEqualTo(10);
    assertThat(c.retryTimeout()).isEqualTo(10);
    assertThat(c.primaryStartTimeout()).isEqualTo(300);
    assertThat(c.primaryStopTimeout()).isZero();
    assertThat(c.synchronousMode()).isEqualTo(SynchronousMode.OFF);
  }

  @Test
  void primaryStopTimeoutAppliesOnlyAboveZeroInSynchronousModeAsInPatroni() {
    DynamicConfig.Builder b = DynamicConfig.builder().primaryStopTimeout(5);
    assertThat(b.build().primaryStopLimit()).isEmpty();
    assertThat(b.synchronousMode(SynchronousMode.ON).build().primaryStopLimit())
        .contains(java.time.Duration.ofSeconds(5));
    assertThat(b.synchronousMode(SynchronousMode.QUORUM).build().primaryStopLimit())
        .contains(java.time.Duration.ofSeconds(5));
    assertThat(b.primaryStopTimeout(0).build().primaryStopLimit()).isEmpty();
  }

  @Test
  void maxTimelinesHistoryIsReadCheckedAndWrittenBack() {
    DynamicConfig c =
        PatroniCodec.decodeConfig("k", "{\"max_timelines_history\":3}", warnings::add);
    assertThat(c.maxTimelinesHistory()).isEqualTo(3);
    assertThat(PatroniCodec.encodeConfig(c)).contains("\"max_timelines_history\":3");
    assertThat(PatroniCodec.encodeConfig(DynamicConfig.defaults()))
        .doesNotContain("max_timelines_history");
    assertThat(warnings).isEmpty();

    DynamicConfig bad =
        PatroniCodec.decodeConfig("k", "{\"max_timelines_history\":-1}", warnings::add);
    assertThat(bad.maxTimelinesHistory()).isZero();
    assertThat(warnings)
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains(
            "max_timelines_history' holds '-1'", "0 (keep every timeline) or a positive number");
  }

  @Test
  void configKeepsUnknownKeysThroughARoundTrip() {
    String json =
        "{\"ttl\":20,\"synchronous_mode\":\"quorum\",\"slots\":{\"s1\":{\"type\":\"physical\"}},"
            + "\"standby_cluster\":null,\"postgresql\":{\"use_slots\":false,"
            + "\"pg_hba\":[\"host all all 0.0.0.0/0 md5\"],\"parameters\":{\"work_mem\":\"4MB\"}}}";
    DynamicConfig c = PatroniCodec.decodeConfig("k", json, warnings::add);
    DynamicConfig back =
        PatroniCodec.decodeConfig("k", PatroniCodec.encodeConfig(c), warnings::add);

    assertThat(back).isEqualTo(c);
    assertThat(c.synchronousMode()).isEqualTo(SynchronousMode.QUORUM);
    assertThat(c.useSlots()).isFalse();
    assertThat(c.extra()).containsKey("slots").containsKey("standby_cluster");
    assertThat(c.isStandbyCluster()).isFalse();
    assertThat(c.postgresqlExtra()).containsKey("pg_hba");
    assertThat(warnings).isEmpty();
  }

  @Test
  void badConfigSettingFallsBackToItsDefaultWithAWarning() {
    DynamicConfig c =
        PatroniCodec.decodeConfig(
            "/service/x/config",
            "{\"ttl\":-5,\"loop_wait\":\"soon\",\"retry_timeout\":\"3\",\"master_start_timeout\":7}",
            warnings::add);

    assertThat(c.ttl()).isEqualTo(30);
    assertThat(c.loopWait()).isEqualTo(10);
    assertThat(c.retryTimeout()).isEqualTo(3);
    assertThat(c.primaryStartTimeout()).isEqualTo(7);
    assertThat(warnings).hasSize(2);
    assertThat(warnings.get(0)).contains("/service/x/config", "ttl", "-5", "2 to 3600 seconds");
  }

  @Test
  void fastTakeoverIsOnByDefaultExactlyInSynchronousMode() {
    DynamicConfig sync =
        PatroniCodec.decodeConfig("k", "{\"synchronous_mode\":true}", warnings::add);
    DynamicConfig async = PatroniCodec.decodeConfig("k", "{\"ttl\":10}", warnings::add);
    DynamicConfig quorum =
        PatroniCodec.decodeConfig(
            "k", "{\"ttl\":10,\"synchronous_mode\":\"quorum\"}", warnings::add);

    assertThat(sync.fastTakeover()).isEmpty();
    assertThat(sync.leaderSilenceTimeout()).isEqualTo(2);
    assertThat(sync.fastTakeoverEnabled()).isTrue();
    assertThat(async.fastTakeoverEnabled()).isFalse();
    assertThat(async.fastTakeoverProblem()).isEmpty();
    assertThat(quorum.fastTakeoverEnabled()).isFalse();
    assertThat(quorum.fastTakeoverProblem()).isEmpty();
    // Nothing new is written for a cluster that does not set the keys (Patroni reads the same).
    assertThat(PatroniCodec.encodeConfig(sync))
        .doesNotContain("fast_takeover")
        .doesNotContain("leader_silence_timeout");
    assertThat(warnings).isEmpty();
  }

  @Test
  void fastTakeoverSettingsRoundTripAndAreChecked() {
    DynamicConfig c =
        PatroniCodec.decodeConfig(
            "k",
            "{\"ttl\":10,\"loop_wait\":2,\"synchronous_mode\":true,\"fast_takeover\":false,"
                + "\"leader_silence_timeout\":3}",
            warnings::add);
    assertThat(c.fastTakeover()).contains(false);
    assertThat(c.leaderSilenceTimeout()).isEqualTo(3);
    assertThat(c.fastTakeoverEnabled()).isFalse();
    assertThat(PatroniCodec.decodeConfig("k", PatroniCodec.encodeConfig(c), warnings::add))
        .isEqualTo(c);

    DynamicConfig tooLong = c.toBuilder().fastTakeover(null).leaderSilenceTimeout(8).build();
    assertThat(tooLong.fastTakeoverEnabled()).isFalse();
    assertThat(tooLong.fastTakeoverProblem())
        .contains(
            "leader_silence_timeout (8s) must be at least 1s and less than ttl - loop_wait (10s -"
                + " 2s = 8s)");
    DynamicConfig async =
        c.toBuilder().synchronousMode(SynchronousMode.OFF).fastTakeover(true).build();
    assertThat(async.fastTakeoverProblem())
        .hasValueSatisfying(
            p -> assertThat(p).startsWith("fast_takeover (true) requires synchronous_mode true"));

    DynamicConfig garbled =
        PatroniCodec.decodeConfig(
            "k", "{\"synchronous_mode\":true,\"fast_takeover\":\"maybe\"}", warnings::add);
    assertThat(garbled.fastTakeoverEnabled()).isFalse();
    assertThat(warnings).singleElement().asString().contains("fast_takeover", "maybe");
  }

  @Test
  void aTimeoutSpeltThePatroni3WayIsWrittenBackThatWay() {
    DynamicConfig legacy =
        PatroniCodec.decodeConfig("k", "{\"master_start_timeout\":0}", warnings::add);
    assertThat(legacy.primaryStartTimeout()).isZero();
    String json = PatroniCodec.encodeConfig(legacy);
    assertThat(json).contains("\"master_start_timeout\":0").doesNotContain("primary_start_timeout");
    assertThat(PatroniCodec.decodeConfig("k", json, warnings::add).primaryStartTimeout()).isZero();
    DynamicConfig both =
        PatroniCodec.decodeConfig(
            "k", "{\"master_start_timeout\":0,\"primary_start_timeout\":20}", warnings::add);
    assertThat(both.primaryStartTimeout()).isEqualTo(20);
    assertThat(PatroniCodec.encodeConfig(both))
        .contains("\"primary_start_timeout\":20")
        .doesNotContain("master_start_timeout");
    assertThat(warnings).isEmpty();
  }

  @Test
  void failoverReadAndWrittenAsPatronictlDoes() {
    OffsetDateTime at = OffsetDateTime.of(2026, 11, 26, 10, 0, 0, 0, ZoneOffset.ofHours(2));
    FailoverRequest r = FailoverRequest.switchover("pg-1", "pg-2").at(at);
    String json = PatroniCodec.encodeFailover(r);

    assertThat(json)
        .isEqualTo(
            "{\"leader\":\"pg-1\",\"member\":\"pg-2\",\"scheduled_at\":\"2026-11-26T10:00:00+02:00\"}");
    FailoverRequest back = PatroniCodec.decodeFailover("k", json, 7, warnings::add);
    assertThat(back.leader()).hasValue("pg-1");
    assertThat(back.candidate()).hasValue("pg-2");
    assertThat(back.scheduledAt()).hasValue(at);
    assertThat(back.modRevision()).isEqualTo(7);
  }

  @Test
  void clearedFailoverSampleIsEmpty() {
    PatroniSamples.Sample sample = PatroniSamples.load("async");
    FailoverRequest r =
        PatroniCodec.decodeFailover("k", sample.value("failover"), 30, warnings::add);
    assertThat(r.isEmpty()).isTrue();
  }

  @Test
  void patroniScheduledAtWithMicrosecondsIsRead() {
    FailoverRequest r =
        PatroniCodec.decodeFailover(
            "k",
            "{\"leader\":\"a\",\"scheduled_at\":\"2026-11-26T09:50:49.246305+00:00\"}",
            1,
            warnings::add);
    assertThat(r.scheduledAt()).isPresent();
    assertThat(r.candidate()).isEmpty();
  }

  @Test
  void unreadableScheduleMakesTheWholeRequestInvalid() {
    assertThatThrownBy(
            () ->
                PatroniCodec.decodeFailover(
                    "/x/failover", "{\"leader\":\"a\",\"scheduled_at\":\"tomorrow\"}", 1, w -> {}))
        .isInstanceOf(InvalidValueException.class)
        .hasMessageContaining("scheduled_at")
        .hasMessageContaining("tomorrow");
  }

  @Test
  void syncSampleAndRoundTrip() {
    PatroniSamples.Sample sample = PatroniSamples.load("sync");
    SyncState s = PatroniCodec.decodeSync("k", sample.value("sync"), 63, warnings::add);
    assertThat(s.leader()).hasValue("pg-test-2");
    assertThat(s.syncStandbys()).containsExactly("pg-test-3");
    assertThat(s.matches("pg-test-3")).isTrue();
    assertThat(s.matches("pg-test-1")).isFalse();

    SyncState two = SyncState.of("a", List.of("b", "c"));
    String json = PatroniCodec.encodeSync(two);
    assertThat(json).isEqualTo("{\"leader\":\"a\",\"sync_standby\":\"b,c\"}");
    assertThat(PatroniCodec.decodeSync("k", json, 0, warnings::add)).isEqualTo(two);

    SyncState none =
        PatroniCodec.decodeSync("k", "{\"leader\":null,\"sync_standby\":null}", 0, w -> {});
    assertThat(none.leader()).isEmpty();
    assertThat(none.syncStandbys()).isEmpty();
  }

  @Test
  void statusAndHistorySamples() {
    PatroniSamples.Sample sample = PatroniSamples.load("async");
    ClusterStatus st = PatroniCodec.decodeStatus("k", sample.value("status"), warnings::add);
    assertThat(st.optime()).hasValue(67356440L);

    List<HistoryEntry> h = PatroniCodec.decodeHistory("k", sample.value("history"), warnings::add);
    assertThat(h)
        .containsExactly(
            new HistoryEntry(
                1,
                67280960,
                "no recovery target specified",
                java.util.Optional.of("2026-11-26T09:50:49.246305+00:00"),
                java.util.Optional.of("pg-test-2")));
    assertThat(PatroniCodec.decodeHistory("k", PatroniCodec.encodeHistory(h), warnings::add))
        .isEqualTo(h);

    ClusterStatus full =
        new ClusterStatus(OptionalLong.of(5), Map.of("pg_1", 4L), List.of("pg_1", "pg_2"));
    assertThat(PatroniCodec.decodeStatus("k", PatroniCodec.encodeStatus(full), warnings::add))
        .isEqualTo(full);
    assertThat(warnings).isEmpty();
  }

  @Test
  void historyWithABadEntryKeepsTheGoodOnes() {
    List<HistoryEntry> h =
        PatroniCodec.decodeHistory(
            "/x/history",
            "[[1,100,\"r\"],\"junk\",[2,\"x\"],[2,200,\"s\",null,\"b\"]]",
            warnings::add);
    assertThat(h).extracting(HistoryEntry::timeline).containsExactly(1L, 2L);
    assertThat(warnings).hasSize(2).allSatisfy(w -> assertThat(w).contains("/x/history"));
  }

  @Test
  void plainValues() {
    PatroniSamples.Sample sample = PatroniSamples.load("async");
    assertThat(PatroniCodec.decodePlain("k", sample.value("initialize")))
        .isEqualTo("7712415343663771374");
    assertThat(PatroniCodec.decodePlain("k", sample.value("leader"))).isEqualTo("pg-test-2");
    assertThatThrownBy(() -> PatroniCodec.decodePlain("/x/leader", "  "))
        .isInstanceOf(InvalidValueException.class)
        .hasMessageContaining("/x/leader");
  }

  @Test
  void failsafeRoundTrip() {
    Map<String, String> f = Map.of("a", "http://a:8008/patroni");
    assertThat(PatroniCodec.decodeFailsafe("k", PatroniCodec.encodeFailsafe(f), warnings::add))
        .isEqualTo(f);
  }

  @Test
  void drainRoundTrip() {
    Drain d =
        PatroniCodec.decodeDrain(
            "k", PatroniCodec.encodeDrain("a", "b", Duration.ofMillis(2500)), warnings::add);
    assertThat(d).isEqualTo(new Drain("a", Optional.of("b"), Duration.ofMillis(2500)));
    assertThat(
            PatroniCodec.decodeDrain("k", "{\"leader\": \"a\", \"timeout_ms\": 0}", warnings::add))
        .isEqualTo(new Drain("a", Optional.empty(), Duration.ZERO));
  }

  @Test
  void aDrainHoldsWritesBackForTwoMinutesAtMost() {
    Drain d =
        PatroniCodec.decodeDrain(
            "/x/drain", "{\"leader\": \"a\", \"timeout_ms\": 86400000000}", warnings::add);
    assertThat(d.timeout()).isEqualTo(Drain.MAX_TIMEOUT).isEqualTo(Duration.ofMinutes(2));
    assertThat(warnings)
        .anySatisfy(
            w -> assertThat(w).startsWith("/x/drain: timeout_ms (86400000000) must be at most"));
  }

  @Test
  void drainWithoutLeaderOrTimeoutIsRejected() {
    assertThatThrownBy(
            () -> PatroniCodec.decodeDrain("/x/drain", "{\"timeout_ms\": 100}", warnings::add))
        .isInstanceOf(InvalidValueException.class)
        .hasMessageContaining("/x/drain")
        .hasMessageContaining("leader");
    assertThatThrownBy(
            () ->
                PatroniCodec.decodeDrain(
                    "/x/drain", "{\"leader\": \"a\", \"timeout_ms\": -1}", warnings::add))
        .isInstanceOf(InvalidValueException.class)
        .hasMessageContaining("timeout_ms");
    assertThatThrownBy(
            () -> PatroniCodec.decodeDrain("/x/drain", "{\"leader\": \"a\"}", warnings::add))
        .isInstanceOf(InvalidValueException.class);
    assertThatThrownBy(() -> PatroniCodec.decodeDrain("/x/drain", "[]", warnings::add))
        .isInstanceOf(InvalidValueException.class);
  }

  @Test
  void tagValuesUsePatronisNamesAndLeaveDefaultsOut() {
    Tags t = Tags.NONE.withNoLoadBalance(true).withFailoverPriority(3).withCustom("zone", "b");
    assertThat(PatroniCodec.tagValues(t))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("noloadbalance", true, "failover_priority", 3, "zone", "b"));
    assertThat(PatroniCodec.tagValues(Tags.NONE)).isEmpty();
  }
}
