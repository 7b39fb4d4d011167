package io.pgha.core.api;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/** An IP address or CIDR range of an allow-list. */
record AddressRange(byte[] network, int prefixLength) {

  /**
   * Parses an allow-list entry: {@code 10.0.0.0/8}, {@code ::1}, {@code 192.0.2.7} or a host name
   * (resolved now, to every address it has).
   *
   * @throws IllegalArgumentException naming the entry when it is none of these
   */
  static List<AddressRange> parse(String entry) {
    String e = entry.trim();
    int slash = e.indexOf('/');
    try {
      if (slash >= 0) {
        InetAddress base = literal(e.substring(0, slash), entry);
        int bits = Integer.parseInt(e.substring(slash + 1));
        int max = base.getAddress().length * 8;
        if (bits < 0 || bits > max) {
          throw new IllegalArgumentException(
              "allowlist entry '" + entry + "': prefix length must be 0.." + max);
        }
        return List.of(new AddressRange(base.getAddress(), bits));
      }
      List<AddressRange> result = new ArrayList<>();
      for (InetAddress a : InetAddress.getAllByName(e)) {
        result.add(new AddressRange(a.getAddress(), a.getAddress().length * 8));
      }
      return result;
    } catch (NumberFormatException | UnknownHostException ex) {
      throw new IllegalArgumentException(
          "allowlist entry '"
              + entry
              + "' is not an IP address, a CIDR range (10.0.0.0/8) or a host name that resolves",
          ex);
    }
  }

  private static InetAddress literal(String text, String entry) throws UnknownHostException {
    if (!text.matches("[0-9a-fA-F:.]+")) {
      throw new IllegalArgumentException(
          "allowlist entry '" + entry + "': a CIDR range needs an IP address before the '/'");
    }
    return InetAddress.getByName(text);
  }

  boolean contains(InetAddress address) {
    byte[] a = address.getAddress();
    if (a.length != network.length) {
      return false;
    }
    int full = prefixLength / 8;
    for (int i = 0; i < full; i++) {
      if (a[i] != network[i]) {
        return false;
      }
    }
    int rest = prefixLength % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xFF << (8 - rest)) & 0xFF;
    return (a[full] & mask) == (network[full] & mask);
  }
}
