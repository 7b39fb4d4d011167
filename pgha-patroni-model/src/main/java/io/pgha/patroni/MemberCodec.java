package io.pgha.patroni;

import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import tools.jackson.databind.node.ObjectNode;

/** {@code members/<name>}: a member and its tags. */
final class MemberCodec {
  private static final Set<String> MEMBER_FIELDS =
      Set.of(
          "conn_url",
          "api_url",
          "state",
          "role",
          "version",
          "xlog_location",
          "receive_lsn",
          "replay_lsn",
          "replication_state",
          "timeline",
          "tags",
          "pending_restart",
          "pause");
  private static final Set<String> TAG_FIELDS =
      Set.of(
          "nofailover",
          "failover_priority",
          "noloadbalance",
          "clonefrom",
          "nosync",
          "sync_priority",
          "replicatefrom",
          "nostream");

  private MemberCodec() {}

  /** Decodes a {@code members/<name>} value. */
  static Member decodeMember(String key, String name, String value, Consumer<String> warn) {
    JsonFields f =
        new JsonFields(key, WireJson.object(key, value, "a JSON object of member fields"), warn);
    Member.Builder b =
        Member.builder(name)
            .connUrl(f.string("conn_url").orElse(""))
            .apiUrl(f.string("api_url").orElse(""))
            .state(f.string("state").orElse(""))
            .role(Role.fromWire(f.string("role").orElse(null)))
            .version(f.string("version").orElse(""))
            .xlogLocation(f.longValue("xlog_location"))
            .receiveLsn(f.longValue("receive_lsn"))
            .replayLsn(f.longValue("replay_lsn"))
            .replicationState(f.string("replication_state"))
            .timeline(f.intValue("timeline"))
            .pendingRestart(f.bool("pending_restart", false))
            .pause(f.bool("pause", false))
            .extra(f.others(MEMBER_FIELDS));
    f.object("tags").ifPresent(tags -> b.tags(decodeTags(f.nested("tags", tags))));
    return b.build();
  }

  /** Encodes a member as Patroni does; fields that are absent or at their default are left out. */
  static String encodeMember(Member m, RoleNames names) {
    ObjectNode o = WireJson.JSON.createObjectNode();
    WireJson.putIfNotEmpty(o, "conn_url", m.connUrl());
    WireJson.putIfNotEmpty(o, "api_url", m.apiUrl());
    WireJson.putIfNotEmpty(o, "state", m.state());
    if (m.role() != Role.UNKNOWN) {
      o.put("role", names.of(m.role()));
    }
    WireJson.putIfNotEmpty(o, "version", m.version());
    m.xlogLocation().ifPresent(v -> o.put("xlog_location", v));
    m.receiveLsn().ifPresent(v -> o.put("receive_lsn", v));
    m.replayLsn().ifPresent(v -> o.put("replay_lsn", v));
    m.replicationState().ifPresent(v -> o.put("replication_state", v));
    m.timeline().ifPresent(v -> o.put("timeline", v));
    ObjectNode tags = encodeTags(m.tags());
    if (!tags.isEmpty()) {
      o.set("tags", tags);
    }
    if (m.pendingRestart()) {
      o.put("pending_restart", true);
    }
    if (m.pause()) {
      o.put("pause", true);
    }
    WireJson.putAll(o, m.extra(), MEMBER_FIELDS);
    return o.toString();
  }

  static Tags decodeTags(JsonFields f) {
    boolean noFailover = f.bool("nofailover", false);
    return new Tags(
        noFailover,
        f.intValue("failover_priority", Tags.DEFAULT_FAILOVER_PRIORITY),
        f.bool("noloadbalance", false),
        f.bool("clonefrom", false),
        f.bool("nosync", false),
        f.intValue("sync_priority", Tags.DEFAULT_SYNC_PRIORITY),
        f.string("replicatefrom"),
        f.bool("nostream", false),
        f.others(TAG_FIELDS));
  }

  /** The tags under Patroni's names, defaults left out, as plain Java values. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> tagMap(Tags t) {
    return (Map<String, Object>) WireJson.toJava(encodeTags(t));
  }

  private static ObjectNode encodeTags(Tags t) {
    ObjectNode o = WireJson.JSON.createObjectNode();
    if (t.noFailover()) {
      o.put("nofailover", true);
    }
    if (t.failoverPriority() != Tags.DEFAULT_FAILOVER_PRIORITY) {
      o.put("failover_priority", t.failoverPriority());
    }
    if (t.noLoadBalance()) {
      o.put("noloadbalance", true);
    }
    if (t.cloneFrom()) {
      o.put("clonefrom", true);
    }
    if (t.noSync()) {
      o.put("nosync", true);
    }
    if (t.syncPriority() != Tags.DEFAULT_SYNC_PRIORITY) {
      o.put("sync_priority", t.syncPriority());
    }
    t.replicateFrom().ifPresent(v -> o.put("replicatefrom", v));
    if (t.noStream()) {
      o.put("nostream", true);
    }
    WireJson.putAll(o, t.custom(), TAG_FIELDS);
    return o;
  }
}
