package io.pgha.core.api;

import io.pgha.core.postgres.PostgresStatus;
import io.pgha.patroni.ClusterView;
import io.pgha.patroni.Role;
import io.pgha.patroni.RoleNames;
import io.pgha.patroni.Tags;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * What the HTTP API knows about this member at one instant: everything a health check, a status
 * document or a metric is computed from. The agent builds one on demand (the API calls its supplier
 * once per request), so it should be cheap: take the cluster view from the DCS watch cache and the
 * last PostgreSQL probe, never query anything.
 *
 * @param memberName this member's name
 * @param scope the cluster name
 * @param version the agent's version, served as {@code patroni.version}
 * @param postgresState Patroni's {@code state} of the local PostgreSQL: {@code running}, {@code
 *     starting}, {@code stopped}, {@code crashed}, {@code creating replica}, ...
 * @param role the PostgreSQL role as the agent knows it, used when PostgreSQL cannot be queried and
 *     to tell a standby leader from a replica
 * @param postgres the last probe of the local PostgreSQL
 * @param cluster the cluster as last seen in etcd
 * @param dcsReachable whether the last attempt to reach etcd succeeded
 * @param holdsLeaderKey whether this member holds the leader key on an unexpired lease
 * @param leaderConfirmedAtNanos {@link System#nanoTime()} send time of the last lease renewal that
 *     etcd confirmed before the leader key was found naming this member (the DCS's {@code
 *     leadershipConfirmedAtNanos}); empty while it does not lead. The leader checks answer 200 only
 *     within {@code leader_silence_timeout} of it, or within the ttl less a quarter while {@code
 *     fastTakeoverMayDepose} is false
 * @param fastTakeoverMayDepose whether a fast takeover may depose this member while it leads (the
 *     DCS's {@code fastTakeoverMayDepose}; true when unknown)
 * @param tags this member's tags
 * @param lastLoopNanos {@link System#nanoTime()} when the HA loop last ran; empty before the first
 *     run
 * @param lastDecision the sentence the HA loop last logged ("no action. I am (pg-1), the leader
 *     with the lock")
 * @param failsafeActive whether failsafe mode currently keeps this primary running without etcd
 * @param dcsLastSeenEpochSeconds wall-clock time (epoch seconds) etcd was last reached, 0 if never;
 *     only reported, never used for a decision
 * @param apiUrl this member's API URL ({@code http://host:port/patroni})
 * @param connUrl this member's PostgreSQL URL ({@code postgres://host:port/postgres})
 * @param roleNames the name the primary's role goes by in {@code GET /patroni}
 */
public record NodeSnapshot(
    String memberName,
    String scope,
    String version,
    String postgresState,
    Role role,
    PostgresStatus postgres,
    ClusterView cluster,
    boolean dcsReachable,
    boolean holdsLeaderKey,
    OptionalLong leaderConfirmedAtNanos,
    boolean fastTakeoverMayDepose,
    Tags tags,
    OptionalLong lastLoopNanos,
    String lastDecision,
    boolean failsafeActive,
    long dcsLastSeenEpochSeconds,
    String apiUrl,
    String connUrl,
    RoleNames roleNames) {

  /** Patroni's {@code state} of a PostgreSQL that runs and answers. */
  public static final String RUNNING = "running";

  public NodeSnapshot {
    Objects.requireNonNull(memberName, "memberName");
    Objects.requireNonNull(scope, "scope");
    version = Objects.requireNonNullElse(version, "");
    postgresState = Objects.requireNonNullElse(postgresState, "unknown");
    role = Objects.requireNonNullElse(role, Role.UNKNOWN);
    postgres = Objects.requireNonNullElse(postgres, notRunning());
    cluster = Objects.requireNonNullElse(cluster, ClusterView.empty());
    leaderConfirmedAtNanos =
        Objects.requireNonNullElse(leaderConfirmedAtNanos, OptionalLong.empty());
    tags = Objects.requireNonNullElse(tags, Tags.NONE);
    lastLoopNanos = Objects.requireNonNullElse(lastLoopNanos, OptionalLong.empty());
    lastDecision = Objects.requireNonNullElse(lastDecision, "");
    apiUrl = Objects.requireNonNullElse(apiUrl, "");
    connUrl = Objects.requireNonNullElse(connUrl, "");
    roleNames = Objects.requireNonNullElse(roleNames, RoleNames.PATRONI_4);
  }

  /** A builder; everything not set is absent, false or unknown. */
  public static Builder builder(String memberName, String scope) {
    return new Builder(memberName, scope);
  }

  /** A builder starting from this snapshot. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Whether the cluster is paused (maintenance mode). */
  public boolean paused() {
    return cluster.isPaused();
  }

  /** Whether PostgreSQL runs and answers queries. */
  public boolean isRunning() {
    return RUNNING.equals(postgresState);
  }

  /**
   * The role PostgreSQL actually has: from {@code pg_is_in_recovery()} when it answered (a standby
   * of a standby cluster whose member holds the leader key is the standby leader), else {@link
   * #role()}.
   */
  public Role effectiveRole() {
    if (!postgres.acceptingConnections()) {
      return role;
    }
    if (postgres.isReadWrite()) {
      return Role.PRIMARY;
    }
    return role == Role.STANDBY_LEADER ? Role.STANDBY_LEADER : Role.REPLICA;
  }

  static PostgresStatus notRunning() {
    return PostgresStatus.notAnswering(false);
  }

  /** Mutable builder for {@link NodeSnapshot}. */
  public static final class Builder {
    private final String memberName;
    private final String scope;
    private String version = "";
    private String postgresState = "unknown";
    private Role role = Role.UNKNOWN;
    private PostgresStatus postgres = notRunning();
    private ClusterView cluster = ClusterView.empty();
    private boolean dcsReachable = true;
    private boolean holdsLeaderKey;
    private OptionalLong leaderConfirmedAtNanos = OptionalLong.empty();
    private boolean fastTakeoverMayDepose = true;
    private Tags tags = Tags.NONE;
    private OptionalLong lastLoopNanos = OptionalLong.empty();
    private String lastDecision = "";
    private boolean failsafeActive;
    private long dcsLastSeenEpochSeconds;
    private String apiUrl = "";
    private String connUrl = "";
    private RoleNames roleNames = RoleNames.PATRONI_4;

    private Builder(String memberName, String scope) {
      this.memberName = memberName;
      this.scope = scope;
    }

    private Builder(NodeSnapshot s) {
      memberName = s.memberName;
      scope = s.scope;
      version = s.version;
      postgresState = s.postgresState;
      role = s.role;
      postgres = s.postgres;
      cluster = s.cluster;
      dcsReachable = s.dcsReachable;
      holdsLeaderKey = s.holdsLeaderKey;
      leaderConfirmedAtNanos = s.leaderConfirmedAtNanos;
      fastTakeoverMayDepose = s.fastTakeoverMayDepose;
      tags = s.tags;
      lastLoopNanos = s.lastLoopNanos;
      lastDecision = s.lastDecision;
      failsafeActive = s.failsafeActive;
      dcsLastSeenEpochSeconds = s.dcsLastSeenEpochSeconds;
      apiUrl = s.apiUrl;
      connUrl = s.connUrl;
      roleNames = s.roleNames;
    }

    public Builder version(String v) {
      version = v;
      return this;
    }

    public Builder postgresState(String v) {
      postgresState = v;
      return this;
    }

    public Builder role(Role v) {
      role = v;
      return this;
    }

    public Builder postgres(PostgresStatus v) {
      postgres = v;
      return this;
    }

    public Builder cluster(ClusterView v) {
      cluster = v;
      return this;
    }

    public Builder dcsReachable(boolean v) {
      dcsReachable = v;
      return this;
    }

    public Builder holdsLeaderKey(boolean v) {
      holdsLeaderKey = v;
      return this;
    }

    public Builder leaderConfirmedAtNanos(OptionalLong v) {
      leaderConfirmedAtNanos = v;
      return this;
    }

    public Builder fastTakeoverMayDepose(boolean v) {
      fastTakeoverMayDepose = v;
      return this;
    }

    public Builder tags(Tags v) {
      tags = v;
      return this;
    }

    public Builder lastLoopNanos(long v) {
      lastLoopNanos = OptionalLong.of(v);
      return this;
    }

    public Builder lastDecision(String v) {
      lastDecision = v;
      return this;
    }

    public Builder failsafeActive(boolean v) {
      failsafeActive = v;
      return this;
    }

    public Builder dcsLastSeenEpochSeconds(long v) {
      dcsLastSeenEpochSeconds = v;
      return this;
    }

    public Builder apiUrl(String v) {
      apiUrl = v;
      return this;
    }

    public Builder connUrl(String v) {
      connUrl = v;
      return this;
    }

    public Builder roleNames(RoleNames v) {
      roleNames = v;
      return this;
    }

    public NodeSnapshot build() {
      return new NodeSnapshot(
          memberName,
          scope,
          version,
          postgresState,
          role,
          postgres,
          cluster,
          dcsReachable,
          holdsLeaderKey,
          leaderConfirmedAtNanos,
          fastTakeoverMayDepose,
          tags,
          lastLoopNanos,
          lastDecision,
          failsafeActive,
          dcsLastSeenEpochSeconds,
          apiUrl,
          connUrl,
          roleNames);
    }
  }
}
