package io.pgha.patroni;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An immutable snapshot of one cluster's keys in etcd, as of one etcd revision.
 *
 * <p>A key that is absent, or whose value could not be read, is empty here: a decision made from a
 * view never has to handle a half-parsed value.
 *
 * @param revision the etcd revision this snapshot reflects (0 for a hand-made view)
 * @param initialize {@code initialize}: the PostgreSQL system identifier of the cluster; empty
 *     string while the member that won the bootstrap race is still running initdb
 * @param leader {@code leader}
 * @param members {@code members/*} by name, sorted
 * @param config {@code config}; see {@link #effectiveConfig()}
 * @param configModRevision mod revision of {@code config}, for compare-and-swap (0 when absent)
 * @param failover {@code failover}; an empty request ({@code {}}) is absent
 * @param sync {@code sync}
 * @param status {@code status}
 * @param history {@code history}, oldest first
 * @param failsafe {@code failsafe}: member name to API URL
 */
public record ClusterView(
    long revision,
    Optional<String> initialize,
    Optional<Leader> leader,
    Map<String, Member> members,
    Optional<DynamicConfig> config,
    long configModRevision,
    Optional<FailoverRequest> failover,
    Optional<SyncState> sync,
    Optional<ClusterStatus> status,
    List<HistoryEntry> history,
    Optional<Map<String, String>> failsafe) {

  private static final ClusterView EMPTY = builder().build();

  public ClusterView {
    initialize = Objects.requireNonNullElse(initialize, Optional.empty());
    leader = Objects.requireNonNullElse(leader, Optional.empty());
    members = members == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(members));
    config = Objects.requireNonNullElse(config, Optional.empty());
    failover = failover == null ? Optional.empty() : failover.filter(request -> !request.isEmpty());
    sync = Objects.requireNonNullElse(sync, Optional.empty());
    status = Objects.requireNonNullElse(status, Optional.empty());
    history = history == null ? List.of() : List.copyOf(history);
    failsafe =
        failsafe == null
            ? Optional.empty()
            : failsafe.map(m -> Collections.unmodifiableMap(new LinkedHashMap<>(m)));
  }

  /** A view of a cluster with no keys at all. */
  public static ClusterView empty() {
    return EMPTY;
  }

  /** A builder for views, mainly for tests of code that decides from a view. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from this view. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** The configuration in effect: the {@code config} key, or Patroni's defaults when absent. */
  public DynamicConfig effectiveConfig() {
    return config.orElseGet(DynamicConfig::defaults);
  }

  /** The member called {@code name}, if it has a key. */
  public Optional<Member> member(String name) {
    return Optional.ofNullable(members.get(name));
  }

  /** The member key of the leader, if both exist. */
  public Optional<Member> leaderMember() {
    return leader.flatMap(l -> member(l.name()));
  }

  /** True when nobody holds the leader key. */
  public boolean isUnlocked() {
    return leader.isEmpty();
  }

  /** True when {@code name} holds the leader key. */
  public boolean isLeader(String name) {
    return leader.filter(l -> l.isHeldBy(name)).isPresent();
  }

  /** True when the cluster has been initialised (the {@code initialize} key exists). */
  public boolean isInitialized() {
    return initialize.isPresent();
  }

  /** True when the configuration says {@code pause}. */
  public boolean isPaused() {
    return effectiveConfig().pause();
  }

  /** Mutable builder for {@link ClusterView}; everything starts absent. */
  public static final class Builder {
    private long revision;
    private Optional<String> initialize = Optional.empty();
    private Optional<Leader> leader = Optional.empty();
    private final Map<String, Member> members = new TreeMap<>();
    private Optional<DynamicConfig> config = Optional.empty();
    private long configModRevision;
    private Optional<FailoverRequest> failover = Optional.empty();
    private Optional<SyncState> sync = Optional.empty();
    private Optional<ClusterStatus> status = Optional.empty();
    private List<HistoryEntry> history = List.of();
    private Optional<Map<String, String>> failsafe = Optional.empty();

    private Builder() {}

    private Builder(ClusterView v) {
      revision = v.revision;
      initialize = v.initialize;
      leader = v.leader;
      members.putAll(v.members);
      config = v.config;
      configModRevision = v.configModRevision;
      failover = v.failover;
      sync = v.sync;
      status = v.status;
      history = v.history;
      failsafe = v.failsafe;
    }

    public Builder revision(long v) {
      revision = v;
      return this;
    }

    public Builder initialize(String v) {
      initialize = Optional.ofNullable(v);
      return this;
    }

    public Builder leader(Leader v) {
      leader = Optional.ofNullable(v);
      return this;
    }

    /** Sets the leader key to {@code name} with zero revisions. */
    public Builder leader(String name) {
      leader = Optional.ofNullable(name).map(n -> new Leader(n, 0, 0, 0));
      return this;
    }

    public Builder member(Member m) {
      members.put(m.name(), m);
      return this;
    }

    public Builder removeMember(String name) {
      members.remove(name);
      return this;
    }

    public Builder clearMembers() {
      members.clear();
      return this;
    }

    public Builder config(DynamicConfig v) {
      config = Optional.ofNullable(v);
      return this;
    }

    public Builder configModRevision(long v) {
      configModRevision = v;
      return this;
    }

    public Builder failover(FailoverRequest v) {
      failover = Optional.ofNullable(v);
      return this;
    }

    public Builder sync(SyncState v) {
      sync = Optional.ofNullable(v);
      return this;
    }

    public Builder status(ClusterStatus v) {
      status = Optional.ofNullable(v);
      return this;
    }

    public Builder history(List<HistoryEntry> v) {
      history = v == null ? List.of() : v;
      return this;
    }

    public Builder failsafe(Map<String, String> v) {
      failsafe = Optional.ofNullable(v);
      return this;
    }

    public ClusterView build() {
      return new ClusterView(
          revision,
          initialize,
          leader,
          members,
          config,
          configModRevision,
          failover,
          sync,
          status,
          history,
          failsafe);
    }
  }
}
