package io.pgha.core.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgha.core.config.PghaConfig;
import io.pgha.patroni.Tags;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ValuesTest {

  @Test
  void actionsAboutAnotherMemberNeedOne() {
    assertThat(Action.of(ActionKind.CLONE_FROM, "pg-2")).hasToString("CLONE_FROM(pg-2)");
    assertThat(Action.of(ActionKind.RENEW)).hasToString("RENEW");
    assertThat(new Action(ActionKind.START_AS_REPLICA, null, null, null).member()).isEmpty();
    assertThatThrownBy(() -> Action.of(ActionKind.FOLLOW)).hasMessage("FOLLOW needs a member");
    assertThatThrownBy(() -> Action.of(ActionKind.RENEW, "pg-2"))
        .hasMessage("RENEW is not about another member");
  }

  @Test
  void aDecisionHasAtLeastOneAction() {
    Decision d = Decision.of("why", Action.of(ActionKind.WAIT));

    assertThat(d).hasToString("[WAIT]: why");
    assertThat(d.isActive()).isFalse();
    assertThatThrownBy(() -> new Decision(List.of(), "why"))
        .hasMessage("a decision has at least one action");
  }

  @Test
  void localStateRolesAndCopies() {
    LocalState empty = LocalState.builder().build();
    assertThat(empty.dataDirectoryEmpty()).isTrue();
    assertThat(empty.isReadWrite()).isFalse();
    assertThat(empty.isReplica()).isFalse();

    LocalState primary = empty.toBuilder().running(true).postgresUp().build();
    assertThat(primary.isReadWrite()).isTrue();
    assertThat(primary.isReplica()).isFalse();
    assertThat(primary.toBuilder().inRecovery(true).build().isReplica()).isTrue();

    LocalState nulls =
        new LocalState(
            false, null, false, false, 0, 0, false, 0, null, null, false, null, 0, null, null, null,
            false, true, null, null, null, null, null, 0, false, null);
    assertThat(nulls.systemIdentifier()).isEmpty();
    assertThat(nulls.postgresDownSinceNanos()).isEmpty();
    assertThat(nulls.following()).isEmpty();
    assertThat(nulls.leaseDeadlineNanos()).isEmpty();
    assertThat(nulls.failsafeRefusal()).isEmpty();
    assertThat(nulls.promotionRefusal()).isEmpty();
    assertThat(nulls.standbys()).isEmpty();
    assertThat(nulls.synchronousStandbyNames()).isEqualTo(StandbyNames.none());
    assertThat(nulls.slots()).isEmpty();
    assertThat(nulls.leaderLease()).isEmpty();
    assertThat(nulls.leaderKeyVacatedUntilNanos()).isEmpty();
  }

  @Test
  void identityFromConfigurationCarriesTagsAndRecloningPolicy() {
    PghaConfig config =
        PghaConfig.builder()
            .scope("pg-test")
            .name("pg-test-2")
            .etcdEndpoints("http://127.0.0.1:2379")
            .postgresDataDir(Path.of("/data"))
            .postgresListen("127.0.0.1:5432")
            .removeDataDirectoryOnRewindFailure(true)
            .tags(
                Map.of(
                    "nofailover", "true",
                    "noloadbalance", "true",
                    "clonefrom", "true",
                    "nosync", "true",
                    "sync_priority", "3",
                    "replicatefrom", "pg-test-1",
                    "nostream", "false",
                    "dc", "east"))
            .build();

    MemberIdentity me = MemberIdentity.from(config);

    assertThat(me.name()).isEqualTo("pg-test-2");
    assertThat(me.removeDataDirectoryOnRewindFailure()).isTrue();
    assertThat(me.tags())
        .isEqualTo(
            new Tags(
                true,
                1,
                true,
                true,
                true,
                3,
                Optional.of("pg-test-1"),
                false,
                Map.of("dc", "east")));
    assertThat(MemberIdentity.tagsOf(Map.of("failover_priority", "4")).failoverPriority())
        .isEqualTo(4);
    assertThat(new MemberIdentity("x", null, false).tags()).isEqualTo(Tags.NONE);
  }

  @Test
  void peersAndNow() {
    PeerPositions peers = PeerPositions.of(PeerPosition.replica("pg-2", 2, 10));

    assertThat(peers.get("pg-2")).contains(new PeerPosition("pg-2", false, 2, 10));
    assertThat(PeerPositions.none().get("pg-2")).isEmpty();
    assertThatThrownBy(() -> new Now(0, null)).isInstanceOf(NullPointerException.class);
    assertThat(new Now(1, Instant.EPOCH).nanos()).isEqualTo(1);
  }
}
