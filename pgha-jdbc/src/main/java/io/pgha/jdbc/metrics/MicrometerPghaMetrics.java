package io.pgha.jdbc.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.pgha.jdbc.routing.PghaMetrics;
import io.pgha.jdbc.topology.Member;
import io.pgha.jdbc.topology.MemberRole;
import io.pgha.jdbc.topology.Topology;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Records the DataSource's hooks as Micrometer meters:
 *
 * <ul>
 *   <li>{@code pgha.leader.changes} (counter): the writable leader changed, including to none;
 *   <li>{@code pgha.connections.routed} (counter, tags {@code member}, {@code role} = {@code
 *       leader} or {@code replica}, {@code fallback}): where connections went;
 *   <li>{@code pgha.leader.wait} (timer, tag {@code outcome} = {@code leader} or {@code timeout}):
 *       writes that waited for a leader during a failover;
 *   <li>{@code pgha.failovers} (counter, tags {@code member}, {@code sqlstate}): connections broken
 *       by a failover, as raised to the application;
 *   <li>{@code pgha.replica.lag} (gauge, bytes, tag {@code member}): each replica's lag as the
 *       topology source reports it (-1 when unknown or no longer a replica);
 *   <li>{@code pgha.member.role} (gauge, tags {@code member}, {@code role} = {@code leader} or
 *       {@code replica}): 1 while the member is the writable leader writes go to, or a replica in
 *       the topology (whether it takes reads also depends on its lag), 0 otherwise. A member's
 *       HikariCP meters ({@code hikaricp.*}, tagged {@code member}) are not tagged with its role
 *       because the role changes at a failover while the pool and its meters live on; join on
 *       {@code member} instead.
 * </ul>
 *
 * <p>Every meter is tagged {@code pool} with the DataSource's pool name. Pass a {@code
 * MeterRegistry} to {@code PghaDataSourceConfig.Builder#meterRegistry}, which creates this and the
 * member pools' meters; construct it directly only to combine it with other hooks.
 */
public final class MicrometerPghaMetrics implements PghaMetrics {

  private final MeterRegistry registry;
  private final String pool;
  private final Counter leaderChanges;
  private final Timer waitGotLeader;
  private final Timer waitTimedOut;
  private final Map<String, Counter> routed = new ConcurrentHashMap<>();
  private final Map<String, Long> lagByMember = new ConcurrentHashMap<>();
  private final Set<String> roleGauges = ConcurrentHashMap.newKeySet();
  private volatile String leader;
  private volatile Set<String> replicas = Set.of();

  /**
   * @param registry where meters are registered
   * @param pool the DataSource's pool name, a tag on every meter
   */
  public MicrometerPghaMetrics(MeterRegistry registry, String pool) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.pool = Objects.requireNonNull(pool, "pool");
    this.leaderChanges =
        Counter.builder("pgha.leader.changes")
            .description("Changes of the writable leader seen by the DataSource")
            .tag("pool", pool)
            .register(registry);
    this.waitGotLeader = waitTimer("leader");
    this.waitTimedOut = waitTimer("timeout");
  }

  private Timer waitTimer(String outcome) {
    return Timer.builder("pgha.leader.wait")
        .description("Time writes waited for a leader during a failover")
        .tag("pool", pool)
        .tag("outcome", outcome)
        .register(registry);
  }

  @Override
  public void topologyChanged(Topology topology) {
    replicas =
        Set.copyOf(
            topology.members().stream()
                .filter(m -> m.role() == MemberRole.REPLICA)
                .map(Member::name)
                .toList());
    for (Member m : topology.members()) {
      if (roleGauges.add(m.name())) {
        roleGauge(m.name(), "leader");
        roleGauge(m.name(), "replica");
      }
      long lag = m.role() == MemberRole.REPLICA ? m.lagBytes() : Member.UNKNOWN_LAG;
      if (lagByMember.put(m.name(), lag) == null) {
        Gauge.builder(
                "pgha.replica.lag",
                lagByMember,
                byMember -> byMember.getOrDefault(m.name(), Member.UNKNOWN_LAG).doubleValue())
            .description("Replica lag behind the leader as seen by the client")
            .baseUnit("bytes")
            .tag("pool", pool)
            .tag("member", m.name())
            .register(registry);
      }
    }
    for (String name : lagByMember.keySet()) {
      if (topology.member(name).isEmpty()) {
        lagByMember.put(name, Member.UNKNOWN_LAG);
      }
    }
  }

  private void roleGauge(String member, String role) {
    Gauge.builder("pgha.member.role", this, metrics -> metrics.hasRole(member, role) ? 1 : 0)
        .description("1 while the member has this role in the DataSource's routing, else 0")
        .tag("pool", pool)
        .tag("member", member)
        .tag("role", role)
        .register(registry);
  }

  private boolean hasRole(String member, String role) {
    boolean isLeader = member.equals(leader);
    return role.equals("leader") ? isLeader : !isLeader && replicas.contains(member);
  }

  @Override
  public void leaderChanged(String previous, String current) {
    leader = current;
    leaderChanges.increment();
  }

  @Override
  public void routed(String member, boolean readOnly, boolean fallbackToLeader) {
    String role = readOnly && !fallbackToLeader ? "replica" : "leader";
    String key = member + '|' + role + '|' + fallbackToLeader;
    Counter c = routed.get(key);
    if (c == null) {
      c =
          routed.computeIfAbsent(
              key,
              k ->
                  Counter.builder("pgha.connections.routed")
                      .description("Connections routed, by member and role")
                      .tag("pool", pool)
                      .tag("member", member)
                      .tag("role", role)
                      .tag("fallback", String.valueOf(fallbackToLeader))
                      .register(registry));
    }
    c.increment();
  }

  @Override
  public void leaderWait(long waitedNanos, boolean gotLeader) {
    (gotLeader ? waitGotLeader : waitTimedOut).record(waitedNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void failover(String member, String sqlState) {
    Counter.builder("pgha.failovers")
        .description("Connections broken by a failover, by the SQLState raised")
        .tag("pool", pool)
        .tag("member", member)
        .tag("sqlstate", sqlState)
        .register(registry)
        .increment();
  }
}
