package io.pgha.core.api;

import java.net.InetAddress;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One request, received in full, and its one reply. The transport ({@link HttpTransport}) makes it
 * and sends what {@link #reply} is given; the endpoints see plain Java values only.
 */
final class ApiExchange {
  /** Where a reply goes: status, headers, body (empty for none). Called at most once. */
  interface Replies {
    void send(int status, Map<String, String> headers, byte[] body);
  }

  private final String method;
  private final URI uri;
  private final Map<String, String> requestHeaders;
  private final Optional<byte[]> body;
  private final InetAddress remoteAddress;
  private final boolean clientCertificate;
  private final Replies replies;
  private final Map<String, String> responseHeaders = new LinkedHashMap<>();
  private volatile int status = -1;

  /**
   * @param requestHeaders header names in lower case to the first value
   * @param body the request body, empty when the request had no Content-Length
   * @param clientCertificate whether the client presented a verified certificate
   */
  ApiExchange(
      String method,
      URI uri,
      Map<String, String> requestHeaders,
      Optional<byte[]> body,
      InetAddress remoteAddress,
      boolean clientCertificate,
      Replies replies) {
    this.method = method.toUpperCase(Locale.ROOT);
    this.uri = uri;
    this.requestHeaders = Map.copyOf(requestHeaders);
    this.body = body;
    this.remoteAddress = remoteAddress;
    this.clientCertificate = clientCertificate;
    this.replies = Objects.requireNonNull(replies, "replies");
  }

  /** The method, upper case. */
  String method() {
    return method;
  }

  URI uri() {
    return uri;
  }

  /** The first value of a request header; names are case-insensitive. */
  Optional<String> header(String name) {
    return Optional.ofNullable(requestHeaders.get(name.toLowerCase(Locale.ROOT)));
  }

  /** The body as sent with a Content-Length; empty when there was none (or it was chunked). */
  Optional<byte[]> body() {
    return body;
  }

  InetAddress remoteAddress() {
    return remoteAddress;
  }

  boolean hasClientCertificate() {
    return clientCertificate;
  }

  /** Sets a header of the reply; before {@link #reply}. */
  void setResponseHeader(String name, String value) {
    responseHeaders.put(name, value);
  }

  /** Sends the reply; a HEAD request gets the status and headers only. */
  synchronized void reply(int status, byte[] body) {
    if (this.status != -1) {
      throw new IllegalStateException("already replied " + this.status);
    }
    this.status = status;
    replies.send(status, Map.copyOf(responseHeaders), method.equals("HEAD") ? new byte[0] : body);
  }

  /** Whether a reply has been sent (the status can no longer change). */
  boolean replied() {
    return status != -1;
  }

  /** The status sent, or -1. */
  int status() {
    return status;
  }
}
