package io.pgha.patroni;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;

/** {@code GET /cluster} of the agents' REST API, read as a client needs it. */
final class ApiClusterCodec {
  static final String DOCUMENT = "GET /cluster";

  private ApiClusterCodec() {}

  /** Strict about the shape (an object with a list of named members), lenient about fields. */
  static ApiCluster decode(String body, Consumer<String> warn) {
    JsonNode root =
        WireJson.object(DOCUMENT, body, "a JSON object {members: [{name, role, host, port, ...}]}");
    JsonNode members = root.get("members");
    if (members == null || !members.isArray()) {
      throw new InvalidValueException(
          DOCUMENT + " members", String.valueOf(members), "a list of members");
    }
    List<ApiCluster.Entry> entries = new ArrayList<>();
    for (JsonNode m : members.values()) {
      entries.add(entry(m, warn));
    }
    return new ApiCluster(entries);
  }

  private static ApiCluster.Entry entry(JsonNode node, Consumer<String> warn) {
    Optional<String> name =
        node.isObject()
            ? new JsonFields(DOCUMENT + " members", node, warn).string("name")
            : Optional.empty();
    if (name.isEmpty()) {
      // A member we cannot name cannot be routed to or told apart: the whole answer is suspect.
      throw new InvalidValueException(
          DOCUMENT + " members", node.toString(), "a member with a name");
    }
    JsonFields f = new JsonFields(DOCUMENT + " member " + name.get(), node, warn);
    return new ApiCluster.Entry(
        name.get(),
        Role.fromWire(f.string("role").orElse(null)),
        f.string("state").orElse(""),
        f.string("host"),
        f.intValue("port"),
        lag(node),
        f.object("tags").map(t -> MemberCodec.decodeTags(f.nested("tags", t))).orElse(Tags.NONE));
  }

  /** Only an integer is a lag; Patroni writes {@code "unknown"} when it cannot tell. */
  private static OptionalLong lag(JsonNode node) {
    JsonNode lag = node.get("lag");
    return lag != null && lag.isIntegralNumber() && lag.canConvertToLong()
        ? OptionalLong.of(lag.asLong())
        : OptionalLong.empty();
  }
}
