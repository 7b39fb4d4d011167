package io.pgha.benchmarks;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.Lease;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Times lease keep-alives under the fleet's load: one client per etcd member, each keeping a lease
 * of its own alive with {@code keepAliveOnce} every 250 ms, the call and the schedule of pgha's
 * LeaseKeeper (whose own calls are not visible from outside the DCS layer).
 */
final class FleetKeepAliveProbe implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FleetKeepAliveProbe.class);
  private static final long EVERY_MILLIS = 250;

  /** Generous: on a machine the fleet overloads, a fresh client's first call can take long. */
  private static final long GRANT_TIMEOUT_SECONDS = 60;

  private final List<Client> clients = new ArrayList<>();
  private final List<Long> granted = new ArrayList<>();
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "fleet-keepalive-probe");
            t.setDaemon(true);
            return t;
          });

  /** The keep-alives per second {@code probes} probe leases add to etcd's load. */
  static double keepAlivesPerSecond(int probes) {
    return probes * 1000.0 / EVERY_MILLIS;
  }

  FleetKeepAliveProbe(List<String> endpoints, Duration ttl, FleetLatencies into) {
    for (String endpoint : endpoints) {
      Client client = Client.builder().endpoints(endpoint).header("hasleader", "true").build();
      clients.add(client);
      Lease leases = client.getLeaseClient();
      long lease;
      try {
        lease = leases.grant(ttl.toSeconds()).get(GRANT_TIMEOUT_SECONDS, TimeUnit.SECONDS).getID();
      } catch (Exception e) {
        close();
        throw new IllegalStateException("granting a probe lease on " + endpoint, e);
      }
      granted.add(lease);
      scheduler.scheduleAtFixedRate(
          () -> {
            long sent = System.nanoTime();
            leases
                .keepAliveOnce(lease)
                .orTimeout(ttl.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete(
                    (r, t) -> {
                      if (t == null) {
                        into.add(System.nanoTime() - sent);
                      } else {
                        LOG.warn("probe keep-alive on {}: {}", endpoint, t.toString());
                      }
                    });
          },
          EVERY_MILLIS,
          EVERY_MILLIS,
          TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
    // Revoked, not left to expire: on an external etcd, an expiry would count in the next window.
    for (int i = 0; i < granted.size(); i++) {
      try {
        clients.get(i).getLeaseClient().revoke(granted.get(i)).get(5, TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.warn("revoking probe lease {}: {}", Long.toHexString(granted.get(i)), e.toString());
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
      }
    }
    clients.forEach(Client::close);
  }
}
