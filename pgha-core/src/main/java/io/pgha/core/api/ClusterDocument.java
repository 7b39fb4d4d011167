package io.pgha.core.api;

import io.pgha.patroni.ClusterView;
import io.pgha.patroni.DynamicConfig;
import io.pgha.patroni.FailoverRequest;
import io.pgha.patroni.HistoryEntry;
import io.pgha.patroni.Member;
import io.pgha.patroni.SynchronousMode;
import java.net.URI;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.OptionalLong;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code GET /cluster} and {@code GET /history}: the cluster as Patroni's API shows it. */
final class ClusterDocument {
  private static final DateTimeFormatter SECONDS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");
  private static final DateTimeFormatter OFFSET = DateTimeFormatter.ofPattern("xxx");

  private ClusterDocument() {}

  /** Patroni's {@code cluster_as_json}, plus {@code scope}. */
  static ObjectNode cluster(String scope, ClusterView view) {
    ObjectNode o = Json.object();
    DynamicConfig config = view.effectiveConfig();
    String leader = view.leader().map(l -> l.name()).orElse(null);
    long clusterLsn = view.status().map(s -> s.optime().orElse(0)).orElse(0L);
    ArrayNode members = o.putArray("members");
    for (Member m : view.members().values()) {
      boolean isLeader = m.name().equals(leader);
      String role;
      if (isLeader) {
        role = config.isStandbyCluster() ? "standby_leader" : "leader";
      } else if (config.synchronousMode().isSynchronous()
          && view.sync().filter(s -> s.isSyncStandby(m.name())).isPresent()) {
        role =
            config.synchronousMode() == SynchronousMode.QUORUM ? "quorum_standby" : "sync_standby";
      } else {
        role = "replica";
      }
      ObjectNode e = members.addObject();
      e.put("name", m.name());
      e.put("role", role);
      String state = isLeader ? "" : m.replicationState().orElse("");
      e.put("state", state.isEmpty() ? m.state() : state);
      e.put("api_url", m.apiUrl());
      hostAndPort(m.connUrl(), e);
      m.timeline().ifPresent(t -> e.put("timeline", t));
      if (m.pendingRestart()) {
        e.put("pending_restart", true);
      }
      ObjectNode tags = TagValues.json(m.tags());
      if (!tags.isEmpty()) {
        e.set("tags", tags);
      }
      if (!isLeader) {
        OptionalLong lsn = m.xlogLocation();
        if (lsn.isEmpty() || lsn.getAsLong() == 0) {
          e.put("lag", "unknown");
        } else {
          e.put("lag", Math.max(0, clusterLsn - lsn.getAsLong()));
        }
      }
    }
    o.put("scope", scope);
    if (config.pause()) {
      o.put("pause", true);
    }
    view.failover()
        .filter(f -> f.scheduledAt().isPresent())
        .ifPresent(f -> o.set("scheduled_switchover", scheduled(f)));
    return o;
  }

  /** Patroni's history lines: {@code [timeline, lsn, reason, timestamp, new_leader]}. */
  static ArrayNode history(ClusterView view) {
    ArrayNode lines = Json.MAPPER.createArrayNode();
    for (HistoryEntry h : view.history()) {
      ArrayNode line = lines.addArray();
      line.add(h.timeline());
      line.add(h.switchLsn());
      line.add(h.reason());
      if (h.timestamp().isPresent() || h.newLeader().isPresent()) {
        h.timestamp().ifPresentOrElse(line::add, line::addNull);
      }
      h.newLeader().ifPresent(line::add);
    }
    return lines;
  }

  private static ObjectNode scheduled(FailoverRequest f) {
    ObjectNode s = Json.object();
    s.put("at", pythonIsoFormat(f.scheduledAt().get()));
    f.leader().ifPresent(v -> s.put("from", v));
    f.candidate().ifPresent(v -> s.put("to", v));
    return s;
  }

  /** Python's {@code datetime.isoformat()}: micro-seconds only when not zero, offset as +00:00. */
  static String pythonIsoFormat(OffsetDateTime t) {
    int micros = t.getNano() / 1000;
    return t.format(SECONDS)
        + (micros == 0 ? "" : String.format(".%06d", micros))
        + t.format(OFFSET);
  }

  private static void hostAndPort(String connUrl, ObjectNode e) {
    if (connUrl.isEmpty()) {
      return;
    }
    try {
      URI uri = URI.create(connUrl);
      if (uri.getHost() != null) {
        e.put("host", uri.getHost());
        if (uri.getPort() > 0) {
          e.put("port", uri.getPort());
        }
      }
    } catch (IllegalArgumentException ignored) {
      // A conn_url we cannot parse just leaves host and port out, as Patroni does.
    }
  }
}
