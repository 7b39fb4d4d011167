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
   * The primary's agent freezes longer than {@code ttl} while PostgreSQL runs on. The agents run
   * inside this JVM, so a SIGSTOP would freeze the whole cluster: the agent is halted instead (it
   * stops without a word, its lease runs out, PostgreSQL keeps accepting writes) and a new agent
   * starts on the same data when the fault heals, which is what a SIGCONT meets: a stale primary.
   */
  PRIMARY_AGENT_FREEZE,
  /** The primary's agent loses etcd (its proxy drops every packet) for longer than {@code ttl}. */
  PRIMARY_ETCD_PARTITION,
  /** One etcd member (never the one the agents' proxies lead to) is killed, then restarted. */
  ETCD_MEMBER_LOSS,
  /** Two of three etcd members are paused (SIGSTOP), then resumed: no quorum meanwhile. */
  ETCD_QUORUM_LOSS,
  /** A planned switchover ({@code POST /switchover} on the leader). */
  SWITCHOVER,
  /** kill -9 of a replica's agent and PostgreSQL; healed by a new agent. */
  REPLICA_KILL
}
