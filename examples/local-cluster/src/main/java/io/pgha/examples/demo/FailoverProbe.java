package io.pgha.examples.demo;

import io.pgha.testkit.cluster.LocalPghaCluster;
import io.pgha.testkit.cluster.LocalPghaCluster.Node;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

/**
 * The failover benchmark of the HA agent (a measurement, not a test): on a local 3-node cluster,
 * the {@link Workload} writes and reads every 20 ms while the primary host (agent and PostgreSQL)
 * is killed, N times; it reports write unavailability (the longest gap between two acknowledged
 * writes), read unavailability and acknowledged writes missing afterwards.
 *
 * <p>Arguments: runs, ttl, loop_wait, retry_timeout (seconds). Defaults: 5 10 2 4 (Patroni "fast"
 * as measured in the baseline).
 */
public final class FailoverProbe {
  private FailoverProbe() {}

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    Duration ttl = Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 10);
    Duration loopWait = Duration.ofSeconds(args.length > 2 ? Long.parseLong(args[2]) : 2);
    Duration retry = Duration.ofSeconds(args.length > 3 ? Long.parseLong(args[3]) : 4);
    double[] writeGaps = new double[runs];
    double[] readGaps = new double[runs];
    long lost = 0;
    try (LocalPghaCluster cluster = new LocalPghaCluster(3, ttl, loopWait, retry)) {
      cluster.startAll();
      Workload.createTable(cluster.awaitHealthy(Duration.ofSeconds(180)));
      for (int run = 0; run < runs; run++) {
        Node old = cluster.awaitHealthy(Duration.ofSeconds(180));
        Workload workload = new Workload(cluster, (run + 1) * 10_000_000L).start();
        Workload.sleep(2000);
        workload.resetGaps();
        old.killHost();
        Node next = cluster.awaitNewPrimary(old, Duration.ofSeconds(120));
        Workload.sleep(2000);
        workload.close();
        writeGaps[run] = workload.longestWriteGapSeconds();
        readGaps[run] = workload.longestReadGapSeconds();
        long missing = workload.missingOn(next);
        lost += missing;
        System.out.printf(
            Locale.ROOT,
            "run %d: write unavailability %.2f s, read unavailability %.2f s, acknowledged writes"
                + " lost %d, write errors %d, read errors %d%n",
            run + 1,
            writeGaps[run],
            readGaps[run],
            missing,
            workload.writeErrors(),
            workload.readErrors());
        old.start();
      }
    }
    Arrays.sort(writeGaps);
    Arrays.sort(readGaps);
    System.out.printf(
        Locale.ROOT,
        "%nprimary host failure, ttl %ds loop_wait %ds retry_timeout %ds, %d runs:%n"
            + "  write unavailability median %.2f s [%.2f-%.2f]; read unavailability median %.2f s"
            + " [%.2f-%.2f]; acknowledged writes lost: %d%n",
        ttl.toSeconds(),
        loopWait.toSeconds(),
        retry.toSeconds(),
        runs,
        writeGaps[runs / 2],
        writeGaps[0],
        writeGaps[runs - 1],
        readGaps[runs / 2],
        readGaps[0],
        readGaps[runs - 1],
        lost);
  }
}
