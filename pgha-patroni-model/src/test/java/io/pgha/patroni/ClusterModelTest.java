package io.pgha.patroni;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClusterModelTest {

  @Test
  void theRecordsDependOnTheJdkOnly() {
    JavaClasses model =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.pgha.patroni");
    // The codec reads and writes JSON; the records it produces stay plain.
    classes()
        .that()
        .haveSimpleNameNotEndingWith("Codec")
        .and()
        .doNotHaveSimpleName("JsonFields")
        .and()
        .doNotHaveSimpleName("WireJson")
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage("io.pgha.patroni..", "java..")
        .check(model);
  }

  @Test
  void rolesOfPatroni3And4AreRead() {
    assertThat(Role.fromWire("master")).isEqualTo(Role.PRIMARY);
    assertThat(Role.fromWire("primary")).isEqualTo(Role.PRIMARY);
    assertThat(Role.fromWire(" Replica ")).isEqualTo(Role.REPLICA);
    assertThat(Role.fromWire("standby_leader")).isEqualTo(Role.STANDBY_LEADER);
    assertThat(Role.fromWire("captain")).isEqualTo(Role.UNKNOWN);
    // The names of GET /cluster, which pgha-jdbc reads through the same parser.
    assertThat(Role.fromWire("leader")).isEqualTo(Role.PRIMARY);
    assertThat(Role.fromWire("sync_standby")).isEqualTo(Role.REPLICA);
    assertThat(Role.fromWire("quorum_standby")).isEqualTo(Role.REPLICA);
    assertThat(Role.fromWire(null)).isEqualTo(Role.UNKNOWN);
    assertThat(Role.PRIMARY.wireName()).isEqualTo("primary");
    assertThat(Role.STANDBY_LEADER.isLeaderRole()).isTrue();
    assertThat(Role.REPLICA.isLeaderRole()).isFalse();
  }

  @Test
  void failoverEligibilityFollowsPatroni() {
    assertThat(Tags.NONE.isFailoverCandidate()).isTrue();
    assertThat(Tags.NONE.withNoFailover(true).isFailoverCandidate()).isFalse();
    assertThat(Tags.NONE.withFailoverPriority(0).isFailoverCandidate()).isFalse();
    assertThat(Tags.NONE.withNoFailover(true).withFailoverPriority(5).isFailoverCandidate())
        .as("nofailover wins over a priority")
        .isFalse();
  }

  @Test
  void viewHelpersAnswerFromTheSnapshot() {
    Member a = Member.builder("a").role(Role.PRIMARY).state("running").build();
    Member b = Member.builder("b").role(Role.REPLICA).state("starting").build();
    ClusterView v =
        ClusterView.builder()
            .leader("a")
            .member(b)
            .member(a)
            .failover(new FailoverRequest(Optional.empty(), Optional.empty(), Optional.empty(), 9))
            .config(DynamicConfig.builder().pause(true).build())
            .build();

    assertThat(v.members().keySet()).containsExactly("a", "b");
    assertThat(v.isLeader("a")).isTrue();
    assertThat(v.isLeader("b")).isFalse();
    assertThat(v.isUnlocked()).isFalse();
    assertThat(v.leaderMember()).hasValue(a);
    assertThat(v.member("b").orElseThrow().isRunning()).isFalse();
    assertThat(v.failover()).as("an empty request {} is no request").isEmpty();
    assertThat(v.isPaused()).isTrue();
    assertThat(v.isInitialized()).isFalse();
    assertThat(ClusterView.empty().effectiveConfig()).isEqualTo(DynamicConfig.defaults());
    assertThat(v.toBuilder().leader((Leader) null).build().isUnlocked()).isTrue();
  }

  @Test
  void syncStateNamesWhoHasEveryCommit() {
    SyncState s = SyncState.of("a", List.of("b", "c"));
    assertThat(s.matches("a")).isTrue();
    assertThat(s.matches("c")).isTrue();
    assertThat(s.isSyncStandby("a")).isFalse();
    assertThat(s.matches("d")).isFalse();
  }
}
