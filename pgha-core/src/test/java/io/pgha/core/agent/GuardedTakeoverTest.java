package io.pgha.core.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.PutOption;
import io.pgha.core.dcs.Dcs;
import io.pgha.core.dcs.EtcdDcs;
import io.pgha.core.dcs.LeaseTimeToLive;
import io.pgha.core.dcs.TestEtcdDcs;
import io.pgha.core.ha.LeaderLease;
import io.pgha.core.ha.Takeover;
import io.pgha.patroni.DcsKeys;
import io.pgha.patroni.PatroniCodec;
import io.pgha.patroni.SyncState;
import io.pgha.testkit.LocalEtcd;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The fast takeover's transaction between its two readings, against a real etcd: a leader that
 * renewed after the reading the decision was made on is not taken over, and one that renewed
 * between the reading before the transaction and the transaction makes the new leader hold its
 * leader checks; so does a reading or transaction etcd does not answer.
 */
class GuardedTakeoverTest {
  private static final AtomicInteger SCOPES = new AtomicInteger();
  private static final long SILENCE = TimeUnit.SECONDS.toNanos(2);
  private static final OptionalLong CONFIRMED = OptionalLong.of(System.nanoTime());
  private static LocalEtcd etcd;

  private Client raw;
  private EtcdDcs standby;
  private DcsKeys keys;
  private long oldLease;
  private long leaderRevision;
  private long syncRevision;
  private final LeaderChecksHold hold = new LeaderChecksHold();

  @BeforeAll
  static void startEtcd() {
    etcd = LocalEtcd.start(1);
  }

  @AfterAll
  static void stopEtcd() {
    if (etcd != null) {
      etcd.close();
    }
  }

  /** pg-old leads on a lease of 10 s that it stops renewing; pg-new is its synchronous standby. */
  @BeforeEach
  void silentLeader() throws Exception {
    String scope = "takeover-" + SCOPES.incrementAndGet() + "-" + ProcessHandle.current().pid();
    keys = new DcsKeys(DcsKeys.DEFAULT_NAMESPACE, scope);
    raw = Client.builder().endpoints(etcd.clientEndpoints().toArray(String[]::new)).build();
    standby =
        TestEtcdDcs.connect(
            etcd.clientEndpoints(), scope, "pg-new", Duration.ofSeconds(10), Duration.ofSeconds(5));
    oldLease = raw.getLeaseClient().grant(10).get(30, TimeUnit.SECONDS).getID();
    leaderRevision =
        raw.getKVClient()
            .put(
                bytes(keys.leader()),
                bytes("pg-old"),
                PutOption.builder().withLeaseId(oldLease).build())
            .get(30, TimeUnit.SECONDS)
            .getHeader()
            .getRevision();
    syncRevision =
        raw.getKVClient()
            .put(
                bytes(keys.sync()),
                bytes(PatroniCodec.encodeSync(SyncState.of("pg-old", List.of("pg-new")))))
            .get(30, TimeUnit.SECONDS)
            .getHeader()
            .getRevision();
    standby.leaseTimeToLive(oldLease); // the first call of a JVM loads many classes
    // etcd reads the time left in whole seconds, rounded down: 3.2 s after the grant a reading
    // shows at least 2 s of silence.
    Thread.sleep(3200);
  }

  @AfterEach
  void close() {
    standby.close();
    raw.close();
  }

  @Test
  void aLeaderThatRenewedAfterTheReadingDecidedOnIsNotTakenOver() throws Exception {
    Takeover takeover = decidedOn(readOldLease());
    assertThat(takeover.silentForMillis()).isGreaterThanOrEqualTo(2000);

    renewOldLease();

    assertThat(new GuardedTakeover("pg-new", standby, hold).run(takeover)).isFalse();
    assertThat(value(keys.leader())).isEqualTo("pg-old");
    assertThat(value(keys.sync())).contains("\"pg-old\"");
  }

  @Test
  void aLeaderSilentThroughoutIsTakenOverWithoutHoldingTheChecks() throws Exception {
    assertThat(new GuardedTakeover("pg-new", standby, hold).run(decidedOn(readOldLease())))
        .isTrue();
    assertThat(hold.confirmedAt(CONFIRMED, System.nanoTime())).isEqualTo(CONFIRMED);
    assertThat(value(keys.leader())).isEqualTo("pg-new");
    assertThat(PatroniCodec.decodeSync(keys.sync(), value(keys.sync()), 0, w -> {}).leader())
        .contains("pg-new");
  }

  @Test
  void aRenewalJustBeforeTheTransactionHoldsTheNewLeadersChecksForTheSilenceTimeout()
      throws Exception {
    Takeover takeover = decidedOn(readOldLease());
    // The old leader renews while the transaction is on its way: no key changes, so it lands.
    Dcs renewingFirst = standbyWhere("takeOverFromSilentLeader", this::renewOldLease);
    long before = System.nanoTime();
    assertThat(new GuardedTakeover("pg-new", renewingFirst, hold).run(takeover)).isTrue();
    long after = System.nanoTime();

    assertThat(value(keys.leader())).isEqualTo("pg-new");
    // Held from the transaction's answer for the silence timeout, then no longer.
    assertThat(hold.confirmedAt(CONFIRMED, before + SILENCE)).isEmpty();
    assertThat(hold.confirmedAt(CONFIRMED, after + SILENCE)).isEqualTo(CONFIRMED);
  }

  @Test
  void aSyncKeyChangedSinceTheDecisionLosesTheRaceAndChangesNothing() throws Exception {
    Takeover takeover = decidedOn(readOldLease());
    raw.getKVClient()
        .put(
            bytes(keys.sync()),
            bytes(PatroniCodec.encodeSync(SyncState.of("pg-old", List.of("pg-other")))))
        .get(30, TimeUnit.SECONDS);

    assertThat(new GuardedTakeover("pg-new", standby, hold).run(takeover)).isFalse();
    assertThat(value(keys.leader())).isEqualTo("pg-old");
    assertThat(hold.confirmedAt(CONFIRMED, System.nanoTime())).isEqualTo(CONFIRMED);
  }

  @Test
  void aReadingAfterTheTransactionEtcdDoesNotAnswerHoldsTheChecks() throws Exception {
    Takeover takeover = decidedOn(readOldLease());
    AtomicInteger readings = new AtomicInteger();
    Dcs secondUnanswered =
        standbyWhere(
            "leaseTimeToLive",
            () -> {
              if (readings.incrementAndGet() == 2) {
                noAnswer("reading the time to live").run();
              }
            });

    long before = System.nanoTime();
    assertThat(new GuardedTakeover("pg-new", secondUnanswered, hold).run(takeover)).isTrue();

    assertThat(readings).hasValue(2);
    assertThat(value(keys.leader())).isEqualTo("pg-new");
    assertThat(hold.confirmedAt(CONFIRMED, before + SILENCE)).isEmpty();
  }

  @Test
  void noTakeoverWhenEtcdDoesNotAnswerTheReadingBeforeIt() throws Exception {
    Takeover takeover = decidedOn(readOldLease());
    Dcs unanswered = standbyWhere("leaseTimeToLive", noAnswer("reading the time to live"));

    assertThat(new GuardedTakeover("pg-new", unanswered, hold).run(takeover)).isFalse();
    assertThat(value(keys.leader())).isEqualTo("pg-old");
  }

  @Test
  void aTransactionLeftUnansweredHoldsTheChecksShouldItHaveLanded() throws Exception {
    Takeover takeover = decidedOn(readOldLease());
    Dcs unanswered =
        standbyWhere("takeOverFromSilentLeader", noAnswer("taking the leader key over"));

    long before = System.nanoTime();
    assertThatThrownBy(() -> new GuardedTakeover("pg-new", unanswered, hold).run(takeover))
        .hasMessageContaining("no answer");
    assertThat(hold.confirmedAt(CONFIRMED, before + SILENCE)).isEmpty();
  }

  /** Something the test does to etcd, or a failure it stages. */
  interface Step {
    void run() throws Exception;
  }

  /** A call etcd does not answer (DcsException is etcd's own, so a runtime one stands in). */
  private static Step noAnswer(String what) {
    return () -> {
      throw new IllegalStateException(what + ": no answer within 5 s");
    };
  }

  /** The standby's DCS, which runs {@code first} before each call of {@code method}. */
  private Dcs standbyWhere(String method, Step first) {
    return (Dcs)
        Proxy.newProxyInstance(
            Dcs.class.getClassLoader(),
            new Class<?>[] {Dcs.class},
            (proxy, m, args) -> {
              if (m.getName().equals(method)) {
                first.run();
              }
              try {
                return m.invoke(standby, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  private LeaderLease readOldLease() throws Exception {
    long asked = System.nanoTime();
    LeaseTimeToLive ttl = standby.leaseTimeToLive(oldLease);
    return LeaderLease.afterReading(
        Optional.empty(),
        oldLease,
        ttl.grantedSeconds(),
        ttl.remainingSeconds(),
        asked,
        System.nanoTime());
  }

  private Takeover decidedOn(LeaderLease reading) {
    long silent = reading.silentForNanos(System.nanoTime());
    return new Takeover(
        "pg-old",
        leaderRevision,
        syncRevision,
        TimeUnit.NANOSECONDS.toMillis(silent),
        reading,
        SILENCE);
  }

  private void renewOldLease() throws Exception {
    raw.getLeaseClient().keepAliveOnce(oldLease).get(30, TimeUnit.SECONDS);
  }

  private String value(String key) throws Exception {
    return raw.getKVClient()
        .get(bytes(key))
        .get(30, TimeUnit.SECONDS)
        .getKvs()
        .get(0)
        .getValue()
        .toString(StandardCharsets.UTF_8);
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }
}
