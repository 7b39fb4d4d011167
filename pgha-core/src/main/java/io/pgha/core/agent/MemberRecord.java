package io.pgha.core.agent;

import io.pgha.core.postgres.Lsn;
import io.pgha.core.postgres.PostgresStatus;
import io.pgha.patroni.Member;
import io.pgha.patroni.Role;
import io.pgha.patroni.Tags;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;

/** Builds this member's {@code members/<name>} value, with Patroni's fields, from a probe. */
final class MemberRecord {
  /** What the {@code version} field says; Patroni's tools only display it. */
  static final String VERSION = "pgha-0.1.0";

  private final String name;
  private final String connUrl;
  private final String apiUrl;
  private final Optional<String> proxyUrl;
  private final Supplier<Tags> tags;
  private final ScheduledRestarts restarts;

  /**
   * @param proxyUrl Patroni's {@code proxy_url} ({@code postgresql.proxy_address}), written in
   *     every state as Patroni writes it; empty for none
   */
  MemberRecord(
      String name,
      String connUrl,
      String apiUrl,
      Optional<String> proxyUrl,
      Supplier<Tags> tags,
      ScheduledRestarts restarts) {
    this.name = name;
    this.connUrl = connUrl;
    this.apiUrl = apiUrl;
    this.proxyUrl = proxyUrl;
    this.tags = tags;
    this.restarts = restarts;
  }

  Member build(PostgresStatus status, String state, boolean paused) {
    return build(status, state, paused, false);
  }

  /**
   * As {@link #build(PostgresStatus, String, boolean)}; a standby is named {@code standbyLeader}.
   */
  Member build(PostgresStatus status, String state, boolean paused, boolean standbyLeader) {
    Member.Builder b =
        Member.builder(name)
            .connUrl(connUrl)
            .apiUrl(apiUrl)
            .state(state)
            .version(VERSION)
            .tags(tags.get())
            .pause(paused)
            .pendingRestart(Boolean.TRUE.equals(status.pendingRestart()));
    Map<String, Object> extra = new LinkedHashMap<>();
    proxyUrl.ifPresent(u -> extra.put("proxy_url", u));
    restarts.memberField().ifPresent(r -> extra.put("scheduled_restart", r));
    b.extra(extra);
    if (!status.acceptingConnections()) {
      return b.role(Role.UNKNOWN).build();
    }
    boolean replica = status.isStandby();
    b.role(replica ? (standbyLeader ? Role.STANDBY_LEADER : Role.REPLICA) : Role.PRIMARY);
    Lsn position = status.walPosition();
    if (position != null) {
      b.xlogLocation(position.value());
    }
    if (status.timeline() != null) {
      b.timeline(status.timeline());
    }
    if (replica) {
      b.receiveLsn(lsn(status.receivedLsn())).replayLsn(lsn(status.replayedLsn()));
      status.replicationState().ifPresent(b::replicationState);
    }
    return b.build();
  }

  private static OptionalLong lsn(Lsn lsn) {
    return lsn == null ? OptionalLong.empty() : OptionalLong.of(lsn.value());
  }
}
