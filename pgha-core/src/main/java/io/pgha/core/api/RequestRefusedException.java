package io.pgha.core.api;

/**
 * A request the API refuses (4xx, or 503 when etcd cannot serve it) before anything is changed. The
 * message is the reason sent to the client: it names the field, the value and what is allowed, and
 * never holds a secret.
 */
final class RequestRefusedException extends Exception {
  private static final long serialVersionUID = 1L;

  private final int status;

  RequestRefusedException(int status, String reason) {
    super(reason, null, false, false);
    this.status = status;
  }

  RequestRefusedException(String reason) {
    this(400, reason);
  }

  int status() {
    return status;
  }
}
