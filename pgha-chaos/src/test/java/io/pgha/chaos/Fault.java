package io.pgha.chaos;

/**
 * A fault the nemesis can inject. Each is healed after a while; the ones aimed at "the primary"
 * pick whichever member accepts writes when the fault starts.
 */
enum Fault {
  /** kill -9 of the primary's agent and PostgreSQL (a host crash); healed by a new agent. */
  PRIMARY_HOST_KILL,
  /** kill -9 of the primary's PostgreSQL alone; the agent notices and recovers it. */
  PRIMARY_POSTGRES_KILL,
  /**
   * {@code kill -STOP} of the primary's agent JVM (PostgreSQL runs on) for longer than {@code ttl},
   * then {@code kill -CONT}: the agent wakes with stale state in memory.
   */
  PRIMARY_AGENT_SIGSTOP,
  /**
   * The primary's agent loses etcd (its proxies to every etcd member drop every packet) for longer
   * than {@code ttl}.
   */
  PRIMARY_ETCD_PARTITION,
  /**
   * The primary's PostgreSQL port drops every packet from processes of OS user {@code postgres}
   * (iptables): the replicas' walreceivers, pg_basebackup and pg_rewind are cut; clients and agents
   * are not. Skipped when iptables is missing or refuses.
   */
  PRIMARY_REPLICATION_PARTITION,
  /** One etcd member, any of the three, is killed, then restarted. */
  ETCD_MEMBER_LOSS,
  /** Two of three etcd members are paused (SIGSTOP), then resumed: no quorum meanwhile. */
  ETCD_QUORUM_LOSS,
  /** A planned switchover ({@code POST /switchover} on the leader). */
  SWITCHOVER,
  /** kill -9 of a replica's agent and PostgreSQL; healed by a new agent. */
  REPLICA_KILL,
  /**
   * A hung host: {@code kill -STOP} of the primary's agent JVM, its postmaster and every backend
   * for longer than {@code ttl}, then {@code kill -CONT}. Unlike a kill, nothing resets the
   * clients' and the replicas' connections: they must give up on their own timeouts.
   */
  PRIMARY_HOST_FREEZE,
  /**
   * A hung replica host (agent, postmaster, backends stopped), then thawed; in synchronous mode the
   * primary must stop waiting for it if it is the synchronous standby.
   */
  REPLICA_FREEZE,
  /**
   * The primary's host black-holed: every packet its agent and PostgreSQL send or are sent is
   * dropped (net_cls cgroup and iptables), no connection reset, for longer than {@code ttl}.
   * Skipped (and recorded so) where iptables or the net_cls controller is missing.
   */
  PRIMARY_HOST_BLACKHOLE
}
