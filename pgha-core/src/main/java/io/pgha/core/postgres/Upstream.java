package io.pgha.core.postgres;

import java.util.Objects;

/**
 * The server a replica clones from or streams from: the current leader, as another member
 * advertises it.
 *
 * @param host host name or address
 * @param port TCP port
 */
public record Upstream(String host, int port) {

  /** Validates the address. */
  public Upstream {
    Objects.requireNonNull(host, "upstream host");
    if (host.isBlank()) {
      throw new IllegalArgumentException("upstream host must not be blank");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("upstream port (" + port + ") must be in 1..65535");
    }
  }

  @Override
  public String toString() {
    return host + ":" + port;
  }
}
