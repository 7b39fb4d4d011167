package io.pgha.testkit.cluster;

import io.pgha.core.PghaAgent;
import io.pgha.core.agent.AgentEvent;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/**
 * One {@link LocalPghaCluster} member's agent as a JVM of its own: {@code java -cp <test class
 * path> io.pgha.testkit.cluster.LocalAgentMain <agent.properties>}. The agent is built exactly as
 * the cluster builds its embedded ones ({@link LocalPghaCluster#configOf}); SIGTERM stops it
 * cleanly. Its events go to standard output as lines the cluster parses back ({@link #parseEvent}),
 * stamped with {@link System#nanoTime()}, which on Linux is one clock for every process of the
 * machine.
 */
public final class LocalAgentMain {
  static final String EVENT_PREFIX = "PGHA-EVENT\t";

  private LocalAgentMain() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    if (args.length != 1) {
      System.err.println("usage: LocalAgentMain <agent.properties>");
      System.exit(2);
    }
    Properties spec = new Properties();
    try (Reader r = Files.newBufferedReader(Path.of(args[0]))) {
      spec.load(r);
    }
    PghaAgent agent =
        PghaAgent.builder(LocalPghaCluster.configOf(spec).build())
            .listener(e -> System.out.println(formatEvent(System.nanoTime(), e)))
            .build();
    Runtime.getRuntime().addShutdownHook(new Thread(agent::stop, "pgha-agent-stop"));
    agent.start();
    Thread.currentThread().join();
  }

  /** One event line: prefix, nanos, type, member, then the type's fields, tab-separated. */
  static String formatEvent(long nanos, AgentEvent e) {
    String fields = "";
    if (e instanceof AgentEvent.LeadershipLost l) {
      fields = l.reason();
    } else if (e instanceof AgentEvent.Promoted p) {
      fields = Integer.toString(p.timeline());
    } else if (e instanceof AgentEvent.PromotedWithDataLoss d) {
      fields = d.lostBytes() + "\t" + d.lastKnownLeaderPosition() + "\t" + d.promotedAt();
    } else if (e instanceof AgentEvent.Demoted d) {
      fields = d.reason();
    } else if (e instanceof AgentEvent.FollowingLeader f) {
      fields = f.leader();
    } else if (e instanceof AgentEvent.FastTakeover t) {
      fields = t.previousLeader() + "\t" + t.silentForMillis();
    }
    return EVENT_PREFIX
        + nanos
        + "\t"
        + e.getClass().getSimpleName()
        + "\t"
        + e.member()
        + "\t"
        + String.valueOf(fields).replaceAll("[\r\n]", " ");
  }

  /** The event of a line written by {@link #formatEvent}; empty for any other line. */
  static Optional<LocalPghaCluster.TimedEvent> parseEvent(String line) {
    if (!line.startsWith(EVENT_PREFIX)) {
      return Optional.empty();
    }
    String[] f = line.substring(EVENT_PREFIX.length()).split("\t", -1);
    try {
      long nanos = Long.parseLong(f[0]);
      String member = f[2];
      AgentEvent event =
          switch (f[1]) {
            case "LeadershipAcquired" -> new AgentEvent.LeadershipAcquired(member);
            case "LeadershipLost" -> new AgentEvent.LeadershipLost(member, f[3]);
            case "Promoted" -> new AgentEvent.Promoted(member, Integer.parseInt(f[3]));
            case "PromotedWithDataLoss" ->
                new AgentEvent.PromotedWithDataLoss(
                    member, Long.parseLong(f[3]), Long.parseLong(f[4]), Long.parseLong(f[5]));
            case "Demoted" -> new AgentEvent.Demoted(member, f[3]);
            case "FollowingLeader" -> new AgentEvent.FollowingLeader(member, f[3]);
            case "FastTakeover" -> new AgentEvent.FastTakeover(member, f[3], Long.parseLong(f[4]));
            default -> null;
          };
      return Optional.ofNullable(event).map(ev -> new LocalPghaCluster.TimedEvent(nanos, ev));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }
}
