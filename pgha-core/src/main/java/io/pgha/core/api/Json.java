package io.pgha.core.api;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The one JSON mapper of the API, and request-body parsing with reasons a client can act on. */
final class Json {
  static final JsonMapper MAPPER = JsonMapper.builder().build();

  private Json() {}

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  static JsonNode tree(String json) {
    return MAPPER.readTree(json);
  }

  /**
   * Parses a request body that must be a JSON object.
   *
   * @param allowEmpty whether {@code {}} is acceptable
   * @throws RequestRefusedException 400 naming what is wrong with the body
   */
  static ObjectNode requestObject(String body, boolean allowEmpty) throws RequestRefusedException {
    JsonNode node;
    try {
      node = MAPPER.readTree(body);
    } catch (JacksonException e) {
      throw new RequestRefusedException(
          "request body is not valid JSON: " + e.getOriginalMessage().replaceAll("\\s+", " "));
    }
    if (node == null || !node.isObject()) {
      throw new RequestRefusedException(
          "request body must be a JSON object, got " + (node == null ? "nothing" : nodeKind(node)));
    }
    if (!allowEmpty && node.isEmpty()) {
      throw new RequestRefusedException("request body must be a non-empty JSON object");
    }
    return (ObjectNode) node;
  }

  static String nodeKind(JsonNode node) {
    return node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
  }
}
