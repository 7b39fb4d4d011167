package io.pgha.core.api;

import io.pgha.patroni.Member;
import io.pgha.patroni.PatroniCodec;
import io.pgha.patroni.Tags;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** A member's tags as Patroni shows them: the tags that are set, by their wire names. */
final class TagValues {
  private TagValues() {}

  /** The tags that are set, as a JSON object (empty when none). */
  static ObjectNode json(Tags tags) {
    // The member codec is the one place that knows the tags' wire names and defaults.
    JsonNode member = Json.tree(PatroniCodec.encodeMember(Member.builder("x").tags(tags).build()));
    JsonNode t = member.get("tags");
    return t != null && t.isObject() ? (ObjectNode) t : Json.object();
  }

  /** The tags that are set, as plain Java values. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> of(Tags tags) {
    return Json.MAPPER.convertValue(json(tags), Map.class);
  }
}
