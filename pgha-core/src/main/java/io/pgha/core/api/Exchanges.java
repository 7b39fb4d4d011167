package io.pgha.core.api;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import tools.jackson.databind.JsonNode;

/** Reading request bodies and writing replies on a JDK {@link HttpExchange}. */
final class Exchanges {
  static final String JSON = "application/json";
  static final String TEXT = "text/plain; charset=utf-8";
  static final String METRICS = "text/plain; version=0.0.4; charset=utf-8";

  private Exchanges() {}

  /**
   * The request body as text.
   *
   * @param required whether a body (and so a Content-Length) is needed: without one, 411
   * @throws RequestRefusedException 411, 413 above {@code maxBytes}, 400 when short or not UTF-8
   */
  static String body(HttpExchange ex, boolean required, int maxBytes)
      throws RequestRefusedException, IOException {
    String length = ex.getRequestHeaders().getFirst("Content-Length");
    if (length == null) {
      if (required) {
        throw new RequestRefusedException(
            411, "this request needs a JSON body sent with a Content-Length header");
      }
      return "";
    }
    long n;
    try {
      n = Long.parseLong(length.trim());
    } catch (NumberFormatException e) {
      throw new RequestRefusedException("Content-Length '" + length + "' is not a number");
    }
    if (n > maxBytes) {
      throw new RequestRefusedException(
          413, "request body of " + n + " bytes exceeds the limit of " + maxBytes + " bytes");
    }
    byte[] bytes = ex.getRequestBody().readNBytes((int) n);
    if (bytes.length < n) {
      throw new RequestRefusedException(
          "request body ended after " + bytes.length + " of " + n + " bytes");
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

  static void json(HttpExchange ex, int status, JsonNode body) throws IOException {
    send(ex, status, JSON, body.toString());
  }

  static void text(HttpExchange ex, int status, String body) throws IOException {
    send(ex, status, TEXT, body);
  }

  /** Status line and headers only, as Patroni answers HEAD, OPTIONS and its probes. */
  static void statusOnly(HttpExchange ex, int status) throws IOException {
    ex.sendResponseHeaders(status, -1);
  }

  static void send(HttpExchange ex, int status, String contentType, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", contentType);
    if ("HEAD".equalsIgnoreCase(ex.getRequestMethod())) {
      ex.sendResponseHeaders(status, -1);
      return;
    }
    ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  /** Whether a reply has been started (the status line can no longer change). */
  static boolean replied(HttpExchange ex) {
    return ex.getResponseCode() != -1;
  }
}
