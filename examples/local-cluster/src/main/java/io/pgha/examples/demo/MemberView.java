package io.pgha.examples.demo;

/**
 * One member as the live view shows it, from its PostgreSQL and from the cluster's etcd keys.
 *
 * @param name the member's name
 * @param pgPort its PostgreSQL port
 * @param role {@code primary}, {@code replica} or {@code down} (PostgreSQL does not answer)
 * @param leader whether it holds the leader key in etcd
 * @param agentRunning whether its pgha agent runs
 * @param state the state its agent publishes in etcd ({@code running}, {@code starting}, ...), or
 *     {@code -} when it has no member key
 * @param follows the member it streams WAL from, or null
 * @param lagBytes how far it replays behind the primary, -1 when unknown or not a replica
 * @param writes acknowledged client writes it served so far
 * @param reads client reads it served so far
 */
record MemberView(
    String name,
    int pgPort,
    String role,
    boolean leader,
    boolean agentRunning,
    String state,
    String follows,
    long lagBytes,
    long writes,
    long reads) {

  /** A compact description for the terminal, e.g. {@code pg2 replica<-pg1 lag 0 B}. */
  String brief() {
    StringBuilder b = new StringBuilder(name).append(' ');
    if (leader) {
      b.append("LEADER ");
    }
    b.append(role);
    if ("replica".equals(role)) {
      b.append(follows == null ? " (not streaming)" : "<-" + follows);
      if (lagBytes >= 0) {
        b.append(" lag ").append(lagBytes).append(" B");
      }
    }
    if (!agentRunning) {
      b.append(" (no agent)");
    }
    return b.toString();
  }
}
