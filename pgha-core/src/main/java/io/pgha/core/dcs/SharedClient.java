package io.pgha.core.dcs;

import io.etcd.jetcd.Client;
import java.util.Objects;

/**
 * A jetcd client and the DCS instances that use it: closed when the last of them closes. One per
 * DCS for an agent; shared by many members' DCS in one JVM only through {@link
 * EtcdDcs#connectSharing}, where each still has its own lease, keys and watch.
 */
final class SharedClient {
  private final Client client;
  private final EtcdDcsConfig settings;
  private final KeepAliveStream keepAlives;
  private int users = 1;

  SharedClient(Client client, EtcdDcsConfig settings, KeepAliveStream keepAlives) {
    this.client = client;
    this.settings = settings;
    this.keepAlives = keepAlives;
  }

  Client client() {
    return client;
  }

  /** The keep-alive stream that learns the client's channel: joiners open siblings of it. */
  KeepAliveStream keepAlives() {
    return keepAlives;
  }

  /** One more user, whose settings must reach etcd the same way (endpoints, credentials, TLS). */
  synchronized SharedClient join(EtcdDcsConfig other) {
    if (users == 0) {
      throw new IllegalStateException(
          "the etcd client of " + settings.memberName() + " is closed: it cannot be shared");
    }
    boolean same =
        settings.endpoints().equals(other.endpoints())
            && settings.user().equals(other.user())
            && settings.password().equals(other.password())
            && settings.caFile().equals(other.caFile())
            && settings.certFile().equals(other.certFile())
            && settings.keyFile().equals(other.keyFile())
            && Objects.equals(settings.requestTimeout(), other.requestTimeout());
    if (!same) {
      throw new IllegalArgumentException(
          "etcd ("
              + other.endpoints()
              + " of "
              + other.memberName()
              + ") must be reached as by "
              + settings.memberName()
              + " (endpoints, credentials, TLS files, request timeout) to share its client");
    }
    users++;
    return this;
  }

  /** One user less; the last closes the client. */
  synchronized void leave() {
    if (users > 0 && --users == 0) {
      client.close();
    }
  }
}
