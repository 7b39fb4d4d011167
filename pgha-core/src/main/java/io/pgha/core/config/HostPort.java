package io.pgha.core.config;

import java.util.Objects;

/**
 * A host and a TCP port, as written in configuration: {@code host:port}, {@code [::1]:port} for
 * IPv6.
 *
 * @param host a host name or address, never blank
 * @param port 1 to 65535
 */
public record HostPort(String host, int port) {

  public HostPort {
    Objects.requireNonNull(host, "host");
    if (host.isBlank()) {
      throw new IllegalArgumentException("host must not be blank");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port (" + port + ") must be between 1 and 65535");
    }
  }

  /**
   * Parses {@code host:port}.
   *
   * @throws IllegalArgumentException with a message naming the text and the expected form
   */
  public static HostPort parse(String text) {
    Objects.requireNonNull(text, "text");
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new IllegalArgumentException("expected host:port");
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("expected host:port with a numeric port");
    }
    return new HostPort(host, port);
  }

  /** True for wildcard listen addresses that other hosts cannot connect to. */
  public boolean isWildcard() {
    return host.equals("0.0.0.0") || host.equals("::") || host.equals("*");
  }

  /**
   * True when only this machine can connect: {@code localhost}, an address in {@code 127.0.0.0/8}
   * or {@code ::1}. Other host names count as reachable from the network (they are not resolved
   * here).
   */
  public boolean isLoopback() {
    return isLoopback(host);
  }

  /** {@link #isLoopback()} for a bare host name or address. */
  public static boolean isLoopback(String host) {
    String h = host.toLowerCase(java.util.Locale.ROOT);
    if (h.equals("localhost") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1")) {
      return true;
    }
    return h.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
  }

  @Override
  public String toString() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
