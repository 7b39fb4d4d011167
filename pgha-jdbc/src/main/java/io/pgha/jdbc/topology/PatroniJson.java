package io.pgha.jdbc.topology;

import io.pgha.jdbc.Member;
import io.pgha.jdbc.MemberRole;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the JSON documents Patroni (3.x and 4.x) and pgha agents publish: the value of a {@code
 * members/<name>} key and the body of {@code GET /cluster}. Lenient about extra fields, strict
 * about the ones routing needs.
 */
public final class PatroniJson {

  private static final ObjectMapper MAPPER = JsonMapper.builder().build();

  private PatroniJson() {}

  /**
   * A parsed member key. The WAL positions are kept apart from {@link Member} because the lag can
   * only be computed once the leader's position is known.
   *
   * @param member the member, lag not yet known
   * @param walPosition {@code xlog_location}: the leader's write position, or the replica's
   *     received position (Patroni 3.x), -1 if absent
   * @param replayPosition {@code replay_lsn} (Patroni 4.x, pgha), -1 if absent
   */
  public record MemberKey(Member member, long walPosition, long replayPosition) {}

  /**
   * Parses the value of {@code members/<name>}.
   *
   * @throws IllegalArgumentException naming the field that is missing or malformed
   */
  public static MemberKey parseMemberKey(String name, String json) {
    JsonNode node = readObject(json, "member " + name);
    String connUrl = text(node, "conn_url");
    if (connUrl == null) {
      throw new IllegalArgumentException("member " + name + ": conn_url is missing");
    }
    URI uri;
    try {
      uri = URI.create(connUrl);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "member " + name + ": conn_url (" + redact(connUrl) + ") is not a URL", e);
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException(
          "member " + name + ": conn_url (" + redact(connUrl) + ") has no host");
    }
    int port = uri.getPort() > 0 ? uri.getPort() : 5432;
    String replicationState = text(node, "replication_state");
    MemberRole role = MemberRole.fromPatroni(text(node, "role"));
    boolean streaming =
        replicationState == null
            || role != MemberRole.REPLICA
            || "streaming".equals(replicationState);
    Member member =
        new Member(
            name,
            role,
            text(node, "state"),
            uri.getHost(),
            port,
            Member.UNKNOWN_LAG,
            streaming,
            tags(node));
    return new MemberKey(member, number(node, "xlog_location"), number(node, "replay_lsn"));
  }

  /** Parses the {@code optime} of the {@code status} key, -1 if absent or malformed. */
  public static long parseStatusOptime(String json) {
    try {
      return number(readObject(json, "status"), "optime");
    } catch (IllegalArgumentException e) {
      return -1;
    }
  }

  /** pgha's {@code drain} announcement: which leader drains, and for how long at most. */
  record Drain(String leader, long timeoutMillis) {}

  /**
   * Parses the {@code drain} key a pgha leader writes before it hands over.
   *
   * @throws IllegalArgumentException naming what is malformed
   */
  static Drain parseDrain(String json) {
    JsonNode root = readObject(json, "drain");
    String leader = text(root, "leader");
    long timeout = number(root, "timeout_ms");
    if (leader == null || leader.isBlank()) {
      throw new IllegalArgumentException("drain: leader is missing");
    }
    if (timeout < 0) {
      throw new IllegalArgumentException("drain: timeout_ms is missing or negative");
    }
    return new Drain(leader, timeout);
  }

  /**
   * Parses the body of {@code GET /cluster}: members with name, role, state, host, port, lag and
   * tags; the leader is the member whose role is {@code leader} (or {@code master} / {@code
   * primary}).
   *
   * @throws IllegalArgumentException naming what is malformed
   */
  public static io.pgha.jdbc.Topology parseCluster(String json) {
    JsonNode root = readObject(json, "GET /cluster");
    JsonNode members = root.get("members");
    if (members == null || !members.isArray()) {
      throw new IllegalArgumentException("GET /cluster: members is missing or not a list");
    }
    List<Member> list = new ArrayList<>();
    String leader = null;
    for (JsonNode m : members) {
      String name = text(m, "name");
      if (name == null) {
        throw new IllegalArgumentException("GET /cluster: a member has no name: " + m);
      }
      String roleText = text(m, "role");
      MemberRole role = MemberRole.fromPatroni(roleText);
      if (role == MemberRole.PRIMARY || "standby_leader".equals(roleText)) {
        leader = name;
      }
      JsonNode lagNode = m.get("lag");
      long lag =
          lagNode != null && lagNode.isIntegralNumber() ? lagNode.asLong() : Member.UNKNOWN_LAG;
      if (role == MemberRole.PRIMARY) {
        lag = 0;
      }
      String state = text(m, "state");
      long port = number(m, "port");
      list.add(
          new Member(
              name,
              role,
              state,
              text(m, "host"),
              (int) Math.max(port, 0),
              lag,
              role != MemberRole.REPLICA || !"stopped".equals(state),
              tags(m)));
    }
    list.sort((a, b) -> a.name().compareTo(b.name()));
    return new io.pgha.jdbc.Topology(leader, list);
  }

  private static JsonNode readObject(String json, String what) {
    JsonNode node;
    try {
      node = MAPPER.readTree(json);
    } catch (JacksonException e) {
      throw new IllegalArgumentException(
          what + ": not valid JSON (" + e.getOriginalMessage() + ")", e);
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException(what + ": expected a JSON object");
    }
    return node;
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() || v.isContainer() ? null : v.asString();
  }

  private static long number(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v != null && v.canConvertToLong() && v.isNumber() ? v.asLong() : -1;
  }

  private static Map<String, Object> tags(JsonNode node) {
    JsonNode tags = node.get("tags");
    Map<String, Object> result = new LinkedHashMap<>();
    if (tags != null && tags.isObject()) {
      for (Map.Entry<String, JsonNode> e : tags.properties()) {
        JsonNode v = e.getValue();
        Object value =
            v.isBoolean()
                ? (Object) v.asBoolean()
                : v.isNumber() ? v.numberValue() : v.asString("");
        result.put(e.getKey(), value);
      }
    }
    return result;
  }

  /** Strips a password from a URL before it goes into a message. */
  static String redact(String url) {
    return url.replaceAll("//([^:/@]+):[^@/]*@", "//$1:***@");
  }
}
