package io.pgha.patroni;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * One member as published in its {@code members/<name>} key, with Patroni's fields.
 *
 * @param name the member name (the last segment of the key)
 * @param connUrl {@code conn_url}, e.g. {@code postgres://127.0.0.1:5432/postgres}; empty if absent
 * @param apiUrl {@code api_url}, e.g. {@code http://127.0.0.1:8008/patroni}; empty if absent
 * @param state {@code state}: {@code running}, {@code starting}, {@code stopped}, {@code crashed},
 *     {@code creating replica}, ...; empty if absent
 * @param role {@code role}; {@link Role#UNKNOWN} if absent or not understood
 * @param version {@code version} of the agent (Patroni's or ours); empty if absent
 * @param xlogLocation {@code xlog_location}: the WAL position as an integer LSN
 * @param receiveLsn {@code receive_lsn} (replicas)
 * @param replayLsn {@code replay_lsn} (replicas)
 * @param replicationState {@code replication_state}: {@code streaming} or {@code in archive
 *     recovery} (replicas)
 * @param timeline {@code timeline}
 * @param tags {@code tags}
 * @param pendingRestart {@code pending_restart}
 * @param pause {@code pause}: the member sees the cluster paused
 * @param extra every other field, kept as read so that it round-trips
 */
public record Member(
    String name,
    String connUrl,
    String apiUrl,
    String state,
    Role role,
    String version,
    OptionalLong xlogLocation,
    OptionalLong receiveLsn,
    OptionalLong replayLsn,
    Optional<String> replicationState,
    OptionalInt timeline,
    Tags tags,
    boolean pendingRestart,
    boolean pause,
    Map<String, Object> extra) {

  public Member {
    Objects.requireNonNull(name, "name");
    connUrl = Objects.requireNonNullElse(connUrl, "");
    apiUrl = Objects.requireNonNullElse(apiUrl, "");
    state = Objects.requireNonNullElse(state, "");
    role = Objects.requireNonNullElse(role, Role.UNKNOWN);
    version = Objects.requireNonNullElse(version, "");
    xlogLocation = Objects.requireNonNullElse(xlogLocation, OptionalLong.empty());
    receiveLsn = Objects.requireNonNullElse(receiveLsn, OptionalLong.empty());
    replayLsn = Objects.requireNonNullElse(replayLsn, OptionalLong.empty());
    replicationState = Objects.requireNonNullElse(replicationState, Optional.empty());
    timeline = Objects.requireNonNullElse(timeline, OptionalInt.empty());
    tags = Objects.requireNonNullElse(tags, Tags.NONE);
    extra = Maps.immutableCopy(extra);
  }

  /** A builder starting from a member with only a name. */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** A builder starting from this member. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** {@code state == running}. */
  public boolean isRunning() {
    return "running".equals(state);
  }

  /** Mutable builder for {@link Member}; every field defaults to absent. */
  public static final class Builder {
    private final String name;
    private String connUrl = "";
    private String apiUrl = "";
    private String state = "";
    private Role role = Role.UNKNOWN;
    private String version = "";
    private OptionalLong xlogLocation = OptionalLong.empty();
    private OptionalLong receiveLsn = OptionalLong.empty();
    private OptionalLong replayLsn = OptionalLong.empty();
    private Optional<String> replicationState = Optional.empty();
    private OptionalInt timeline = OptionalInt.empty();
    private Tags tags = Tags.NONE;
    private boolean pendingRestart;
    private boolean pause;
    private Map<String, Object> extra = Map.of();

    private Builder(String name) {
      this.name = Objects.requireNonNull(name, "name");
    }

    private Builder(Member m) {
      this.name = m.name;
      this.connUrl = m.connUrl;
      this.apiUrl = m.apiUrl;
      this.state = m.state;
      this.role = m.role;
      this.version = m.version;
      this.xlogLocation = m.xlogLocation;
      this.receiveLsn = m.receiveLsn;
      this.replayLsn = m.replayLsn;
      this.replicationState = m.replicationState;
      this.timeline = m.timeline;
      this.tags = m.tags;
      this.pendingRestart = m.pendingRestart;
      this.pause = m.pause;
      this.extra = m.extra;
    }

    public Builder connUrl(String v) {
      this.connUrl = v;
      return this;
    }

    public Builder apiUrl(String v) {
      this.apiUrl = v;
      return this;
    }

    public Builder state(String v) {
      this.state = v;
      return this;
    }

    public Builder role(Role v) {
      this.role = v;
      return this;
    }

    public Builder version(String v) {
      this.version = v;
      return this;
    }

    public Builder xlogLocation(long v) {
      this.xlogLocation = OptionalLong.of(v);
      return this;
    }

    public Builder xlogLocation(OptionalLong v) {
      this.xlogLocation = v;
      return this;
    }

    public Builder receiveLsn(OptionalLong v) {
      this.receiveLsn = v;
      return this;
    }

    public Builder replayLsn(OptionalLong v) {
      this.replayLsn = v;
      return this;
    }

    public Builder replicationState(Optional<String> v) {
      this.replicationState = v;
      return this;
    }

    public Builder replicationState(String v) {
      this.replicationState = Optional.ofNullable(v);
      return this;
    }

    public Builder timeline(int v) {
      this.timeline = OptionalInt.of(v);
      return this;
    }

    public Builder timeline(OptionalInt v) {
      this.timeline = v;
      return this;
    }

    public Builder tags(Tags v) {
      this.tags = v;
      return this;
    }

    public Builder pendingRestart(boolean v) {
      this.pendingRestart = v;
      return this;
    }

    public Builder pause(boolean v) {
      this.pause = v;
      return this;
    }

    public Builder extra(Map<String, Object> v) {
      this.extra = v;
      return this;
    }

    public Member build() {
      return new Member(
          name,
          connUrl,
          apiUrl,
          state,
          role,
          version,
          xlogLocation,
          receiveLsn,
          replayLsn,
          replicationState,
          timeline,
          tags,
          pendingRestart,
          pause,
          extra);
    }
  }
}
