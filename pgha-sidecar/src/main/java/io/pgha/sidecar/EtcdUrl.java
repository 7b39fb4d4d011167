package io.pgha.sidecar;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * Patroni's {@code etcd3.url} and {@code etcd3.proxy}: {@code
 * http(s)://[user:password@]host[:port]}, the port 2379 when absent, the credentials (if any) those
 * of etcd, as Python's {@code urlparse} reads them.
 *
 * @param endpoint {@code scheme://host:port}, without the credentials
 * @param username the URL's user, decoded; empty when it has none
 * @param password the URL's password, decoded; empty when it has none
 */
record EtcdUrl(String endpoint, Optional<String> username, Optional<String> password) {

  /** Empty when {@code text} is not an http or https URL naming a host. */
  static Optional<EtcdUrl> parse(String text) {
    URI uri;
    try {
      uri = new URI(text.trim());
    } catch (URISyntaxException e) {
      return Optional.empty();
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    String path = uri.getRawPath();
    if (!(scheme.equals("http") || scheme.equals("https"))
        || uri.getHost() == null
        || (path != null && !path.isEmpty() && !path.equals("/"))) {
      return Optional.empty();
    }
    String host = uri.getHost();
    int port = uri.getPort() > 0 ? uri.getPort() : 2379;
    Optional<String> user = Optional.empty();
    Optional<String> password = Optional.empty();
    String info = uri.getRawUserInfo();
    if (info != null) {
      int colon = info.indexOf(':');
      user = Optional.of(decode(colon < 0 ? info : info.substring(0, colon)));
      password = colon < 0 ? Optional.empty() : Optional.of(decode(info.substring(colon + 1)));
    }
    return Optional.of(new EtcdUrl(scheme + "://" + host + ":" + port, user, password));
  }

  /** {@code text} with its credentials hidden, for messages. */
  static String masked(String text) {
    return text.replaceAll("//[^/@]*@", "//****@");
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "EtcdUrl[" + endpoint + (username.isPresent() ? ", user " + username.get() : "") + "]";
  }
}
