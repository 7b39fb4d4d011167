package io.pgha.core.api;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/** Reading request bodies and writing replies on an {@link ApiExchange}. */
final class Exchanges {
  static final String JSON = "application/json";
  static final String TEXT = "text/plain; charset=utf-8";
  static final String METRICS = "text/plain; version=0.0.4; charset=utf-8";

  private Exchanges() {}

  /**
   * The request body as text.
   *
   * @param required whether a body (and so a Content-Length) is needed: without one, 411
   * @throws RequestRefusedException 411, 413 above {@code maxBytes}, 400 when not UTF-8
   */
  static String body(ApiExchange ex, boolean required, int maxBytes)
      throws RequestRefusedException {
    Optional<byte[]> body = ex.body();
    if (body.isEmpty()) {
      if (required) {
        throw new RequestRefusedException(
            411, "this request needs a JSON body sent with a Content-Length header");
      }
      return "";
    }
    byte[] bytes = body.get();
    if (bytes.length > maxBytes) {
      throw new RequestRefusedException(
          413,
          "request body of " + bytes.length + " bytes exceeds the limit of " + maxBytes + " bytes");
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new RequestRefusedException("request body is not UTF-8 text");
    }
  }

  static void json(ApiExchange ex, int status, JsonNode body) {
    send(ex, status, JSON, body.toString());
  }

  static void text(ApiExchange ex, int status, String body) {
    send(ex, status, TEXT, body);
  }

  /** Status line and headers only, as Patroni answers HEAD, OPTIONS and its probes. */
  static void statusOnly(ApiExchange ex, int status) {
    ex.reply(status, new byte[0]);
  }

  static void send(ApiExchange ex, int status, String contentType, String body) {
    ex.setResponseHeader("Content-Type", contentType);
    ex.reply(status, body.getBytes(StandardCharsets.UTF_8));
  }

  /** Whether a reply has been started (the status line can no longer change). */
  static boolean replied(ApiExchange ex) {
    return ex.replied();
  }
}
