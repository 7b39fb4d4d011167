package io.pgha.patroni;

import java.util.regex.Pattern;

/**
 * Whether a host read from etcd or from an agent's answer is a host name or an IP address and
 * nothing more: such a value ends up in a JDBC connection or an HAProxy line, where a comma, a
 * slash, a {@code ?} or white space would add hosts, paths or parameters of the writer's choice.
 */
public final class HostNames {
  private static final String LABEL = "[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?";
  private static final Pattern NAME_OR_IPV4 = Pattern.compile(LABEL + "(?:\\." + LABEL + ")*\\.?");
  private static final Pattern IPV6 =
      Pattern.compile("\\[?[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(?:%[A-Za-z0-9._-]+)?\\]?");

  /** The rule, for messages: "host (value) " + RULE. */
  public static final String RULE = "must be a host name or an IP address";

  private HostNames() {}

  /**
   * Whether {@code host} is a host name, an IPv4 address or an IPv6 address (in brackets or not).
   */
  public static boolean isHostOrAddress(String host) {
    if (host == null || host.isEmpty() || host.length() > 253) {
      return false;
    }
    if (host.indexOf(':') >= 0) {
      boolean bracketed = host.startsWith("[");
      return IPV6.matcher(host).matches() && bracketed == host.endsWith("]");
    }
    return NAME_OR_IPV4.matcher(host).matches();
  }
}
