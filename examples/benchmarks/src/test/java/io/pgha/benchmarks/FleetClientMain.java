package io.pgha.benchmarks;

import io.pgha.jdbc.PghaDataSourceConfig;
import io.pgha.jdbc.TopologyAwareDataSource;
import io.pgha.jdbc.routing.PghaMetrics;
import io.pgha.jdbc.topology.Topology;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One application instance of the fleet-clients benchmark, in a JVM of its own: {@code count}
 * pgha-jdbc DataSources on one cluster's etcd keys, as an application's would be configured, each
 * recording the wall-clock moment the topology it installed named a new leader-key holder ({@link
 * PghaMetrics#topologyChanged}, called by the DataSource once routing uses the new topology).
 * Writes go to that leader as soon as its member key also says primary: that later moment is the
 * promotion's, the same for every client, and not what fan-out costs.
 *
 * <p>Talks to the benchmark over stdin and stdout, in lines starting with {@value #TAG}: it prints
 * {@code READY <ms>} once every DataSource has started; {@code DUMP} makes it print the leader
 * changes recorded since the last dump ({@code EVENT <client> <epoch micros> <leader>}) and {@code
 * END}; {@code EXIT} (or the end of stdin) closes the DataSources and exits.
 *
 * <p>Arguments: {@code <jvm id> <count> <etcd endpoints, comma-separated> <scope>}.
 */
public final class FleetClientMain {
  static final String TAG = "FLEETCLIENT ";

  private record Change(int client, long epochMicros, String leader) {}

  private FleetClientMain() {}

  public static void main(String[] args) throws Exception {
    int jvm = Integer.parseInt(args[0]);
    int count = Integer.parseInt(args[1]);
    List<String> endpoints = Arrays.asList(args[2].split(","));
    String scope = args[3];
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    ConcurrentLinkedQueue<Change> changes = new ConcurrentLinkedQueue<>();
    // HikariCP's housekeeping on one thread for every pool of this instance (three per DataSource):
    // what an application with many pools sets too; the pools stay empty (no statement runs).
    ScheduledExecutorService hikariHousekeeping = Executors.newScheduledThreadPool(1);
    List<TopologyAwareDataSource> sources = new ArrayList<>(count);
    long start = System.nanoTime();
    FleetClientLeaderWatch ownWatch = null;
    try {
      for (int i = 0; i < count; i++) {
        int client = i;
        PghaMetrics recorder =
            new PghaMetrics() {
              private String leader; // only the source's thread calls this

              @Override
              public void topologyChanged(Topology topology) {
                long now = epochMicros();
                if (!Objects.equals(leader, topology.leaderName())) {
                  leader = topology.leaderName();
                  changes.add(new Change(client, now, Objects.toString(leader, "-")));
                }
              }
            };
        sources.add(
            new TopologyAwareDataSource(
                PghaDataSourceConfig.builder()
                    .etcd(endpoints)
                    .scope(scope)
                    .username("postgres")
                    .password("unused")
                    .poolName("fleet" + jvm + "-" + i)
                    .minimumIdle(0)
                    .replayLagProbeInterval(Duration.ZERO)
                    .startTimeout(Duration.ofSeconds(60))
                    .hikari(hc -> hc.setScheduledExecutor(hikariHousekeeping))
                    .metrics(recorder)
                    .build()));
      }
      changes.clear(); // the first topology of each is not a change
      // This instance's own raw watch on the leader key (a jetcd client of its own, as a
      // DataSource's): when the change reached this JVM, apart from what the DataSources then do.
      ownWatch = new FleetClientLeaderWatch(endpoints, "/service/" + scope + "/leader");
      out.println(TAG + "READY " + (System.nanoTime() - start) / 1_000_000);
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.equals("DUMP")) {
          for (Change c = changes.poll(); c != null; c = changes.poll()) {
            out.println(TAG + "EVENT " + c.client + " " + c.epochMicros + " " + c.leader);
          }
          for (FleetClientLeaderWatch.Seen seen : ownWatch.drain()) {
            out.println(TAG + "EVENT raw " + seen.epochMicros() + " " + seen.leader());
          }
          out.println(TAG + "END");
        } else if (line.equals("EXIT")) {
          break;
        }
      }
    } finally {
      if (ownWatch != null) {
        ownWatch.close();
      }
      closeAll(sources);
      hikariHousekeeping.shutdownNow();
    }
    System.exit(0);
  }

  /**
   * Closes the DataSources side by side: a close may wait up to seconds for its topology thread,
   * and one after the other those waits add up for every cell of the benchmark.
   */
  private static void closeAll(List<TopologyAwareDataSource> sources) throws InterruptedException {
    ExecutorService closer =
        Executors.newFixedThreadPool(Math.max(1, Math.min(16, sources.size())));
    sources.forEach(s -> closer.execute(s::close));
    closer.shutdown();
    if (!closer.awaitTermination(60, TimeUnit.SECONDS)) {
      System.err.println("DataSources still closing after 60 s: exiting anyway");
    }
  }

  /** Wall-clock microseconds: comparable across the JVMs of this machine. */
  static long epochMicros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
  }
}
