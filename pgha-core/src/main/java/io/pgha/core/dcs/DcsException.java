package io.pgha.core.dcs;

/**
 * etcd could not be asked: unreachable, no etcd leader (this member is in a minority), timed out,
 * or refused the request. The state in etcd is unknown; a compare-and-swap that merely lost its
 * race is reported by a {@code false} result instead.
 */
public final class DcsException extends Exception {
  private static final long serialVersionUID = 1L;

  DcsException(String message, Throwable cause) {
    super(message, cause);
  }

  DcsException(String message) {
    super(message);
  }
}
