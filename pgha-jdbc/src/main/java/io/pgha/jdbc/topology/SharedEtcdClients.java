package io.pgha.jdbc.topology;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.SSLException;

/**
 * One jetcd client per JVM for each {@link EtcdAccess} (same endpoints, credentials and TLS files),
 * shared by every etcd topology source of that access and closed by the last one. A jetcd client
 * brings its own Vert.x instance (event-loop and worker threads) and connection: an application
 * with several DataSources on the same etcd (one per database, or a read-only one) would otherwise
 * hold one each, and etcd one connection per DataSource. Watches stay one per source: closing a
 * source cancels its own watch only.
 */
final class SharedEtcdClients {

  private static final Map<EtcdAccess, Entry> CLIENTS = new HashMap<>();

  private SharedEtcdClients() {}

  /** A use of a shared client; {@link #close()} releases it once. */
  static final class Lease implements AutoCloseable {
    private final EtcdAccess access;
    private final Entry entry;
    private boolean released;

    private Lease(EtcdAccess access, Entry entry) {
      this.access = access;
      this.entry = entry;
    }

    Client client() {
      return entry.client;
    }

    /** Releases this use; the last release of a client closes it. */
    @Override
    public void close() {
      Client toClose = null;
      synchronized (CLIENTS) {
        if (released) {
          return;
        }
        released = true;
        if (--entry.users == 0) {
          CLIENTS.remove(access, entry);
          toClose = entry.client;
        }
      }
      if (toClose != null) {
        toClose.close();
      }
    }
  }

  private static final class Entry {
    final Client client;
    int users;

    Entry(Client client) {
      this.client = client;
    }
  }

  /** The client of {@code access}, created on the first use. */
  static Lease acquire(EtcdAccess access) {
    synchronized (CLIENTS) {
      Entry entry = CLIENTS.get(access);
      if (entry == null) {
        entry = new Entry(build(access));
        CLIENTS.put(access, entry);
      }
      entry.users++;
      return new Lease(access, entry);
    }
  }

  /** How many distinct clients are open now (for tests). */
  static int openClients() {
    synchronized (CLIENTS) {
      return CLIENTS.size();
    }
  }

  /** The jetcd client: endpoints, then credentials and TLS as the agent's own etcd client. */
  private static Client build(EtcdAccess access) {
    ClientBuilder b =
        Client.builder()
            .endpoints(access.endpoints().toArray(String[]::new))
            // Ping only while a call or the watch is open, as the agent's client does: etcd
            // answers pings on a connection without one with GOAWAY "too_many_pings".
            .keepaliveWithoutCalls(false);
    if (access.username() != null) {
      b.user(bytes(access.username()))
          .password(bytes(access.password() == null ? "" : access.password()));
    }
    if (access.usesTlsFiles()) {
      try {
        b.sslContext(
            ssl -> {
              if (access.caFile() != null) {
                ssl.trustManager(access.caFile().toFile());
              }
              if (access.certFile() != null) {
                ssl.keyManager(access.certFile().toFile(), access.keyFile().toFile());
              }
            });
      } catch (SSLException e) {
        throw new IllegalArgumentException(
            "TLS files for etcd cannot be used (ca "
                + access.caFile()
                + ", cert "
                + access.certFile()
                + "): "
                + e.getMessage(),
            e);
      }
    }
    return b.build();
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }
}
