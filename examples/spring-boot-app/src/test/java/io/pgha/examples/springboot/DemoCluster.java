package io.pgha.examples.springboot;

import io.pgha.testkit.cluster.LocalPghaCluster;
import io.pgha.testkit.cluster.LocalPghaCluster.Node;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A real 3-member pgha cluster on this machine for the notes application (one etcd, three
 * PostgreSQL servers, three agents in this JVM). It prints the properties to start the application
 * with; each Enter kills the leader's host (agent and PostgreSQL, kill -9), waits for the new
 * leader and brings the old member back as a replica. {@code q} stops everything.
 *
 * <pre>
 * ./mvnw -pl examples/spring-boot-app -am install -DskipTests   # once
 * ./mvnw -pl examples/spring-boot-app exec:java
 * </pre>
 */
public final class DemoCluster {
  private static final Duration CONVERGE = Duration.ofSeconds(180);

  private DemoCluster() {}

  public static void main(String[] args) throws Exception {
    System.out.println("starting etcd and three PostgreSQL members with their pgha agents...");
    try (LocalPghaCluster cluster =
        new LocalPghaCluster(
            3, Duration.ofSeconds(6), Duration.ofSeconds(1), Duration.ofSeconds(2))) {
      cluster.startAll();
      Node primary = cluster.awaitHealthy(CONVERGE);
      System.out.printf(
          "%ncluster is up, %s is the leader. Start the application in another terminal:%n%n"
              + "  PGHA_PASSWORD='%s' ./mvnw -pl examples/spring-boot-app spring-boot:run \\%n"
              + "    -Dspring-boot.run.arguments=\"--pgha.datasource.etcd-endpoints=%s"
              + " --pgha.datasource.scope=%s\"%n%n"
              + "Enter: kill the leader's host.  q + Enter: stop.%n",
          primary,
          LocalPghaCluster.superuserPassword(),
          cluster.etcdEndpoints().get(0),
          cluster.scope());
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line = in.readLine();
          line != null && !line.trim().equals("q");
          line = in.readLine()) {
        Node old = cluster.awaitHealthy(CONVERGE);
        long killed = System.nanoTime();
        System.out.printf(">>> killing the host of %s (agent and PostgreSQL, kill -9)%n", old);
        old.killHost();
        Node next = cluster.awaitNewPrimary(old, CONVERGE);
        System.out.printf(
            ">>> %s accepts writes %.1f s after the kill; bringing %s back%n",
            next, (System.nanoTime() - killed) / 1e9, old);
        old.start();
        cluster.awaitHealthy(CONVERGE);
        System.out.printf(">>> healthy again: %s leads, %s follows. Enter / q%n", next, old);
      }
      System.out.println("stopping the cluster cleanly");
    }
  }
}
