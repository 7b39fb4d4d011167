package io.pgha.core.agent;

import io.pgha.core.ha.PeerPosition;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A peer's position read from its {@code GET /patroni} document, as Patroni reads it: a primary's
 * position is {@code xlog.location}, a replica's the furthest of {@code xlog.received_location} and
 * {@code xlog.replayed_location}. A document without {@code xlog} (PostgreSQL not accepting
 * connections) is no answer, as a PostgreSQL that cannot be asked.
 */
final class PeerStatusDocument {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private PeerStatusDocument() {}

  static Optional<PeerPosition> position(String member, byte[] body) {
    JsonNode doc;
    try {
      doc = JSON.readTree(body);
    } catch (JacksonException e) {
      return Optional.empty();
    }
    if (doc == null || !doc.isObject() || !doc.path("xlog").isObject()) {
      return Optional.empty();
    }
    String role = doc.path("role").asString("");
    boolean primary = role.equals("primary") || role.equals("master");
    JsonNode xlog = doc.path("xlog");
    long position =
        primary
            ? lsn(xlog, "location")
            : Math.max(lsn(xlog, "received_location"), lsn(xlog, "replayed_location"));
    int timeline = doc.path("timeline").canConvertToInt() ? doc.path("timeline").asInt() : 0;
    return Optional.of(new PeerPosition(member, primary, Math.max(timeline, 0), position));
  }

  private static long lsn(JsonNode xlog, String field) {
    JsonNode v = xlog.path(field);
    return v.isIntegralNumber() && v.canConvertToLong() ? Math.max(v.asLong(), 0) : 0;
  }
}
