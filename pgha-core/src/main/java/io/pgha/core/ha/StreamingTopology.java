package io.pgha.core.ha;

import io.pgha.patroni.ClusterView;
import io.pgha.patroni.Member;
import io.pgha.patroni.Tags;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who streams WAL from whom, as Patroni's tags say: a member tagged {@code replicatefrom} streams
 * from that member while it runs, else from the leader; a member tagged {@code nostream} streams
 * from no one (it restores from the WAL archive only). A member keeps the physical replication slot
 * of every member that streams from it, so that a cascading upstream, not the leader, holds the
 * slot of its cascaded replica (a slot on the leader would not advance while the replica streams
 * elsewhere, and the leader would keep WAL for it forever).
 */
public final class StreamingTopology {
  private StreamingTopology() {}

  /**
   * The member {@code member} streams from: its {@code replicatefrom} member while that one runs,
   * else the leader; empty when it is tagged {@code nostream} or there is no one to stream from.
   *
   * @param tags the member's own tags (a member knows its tags before its key is published)
   * @param leader the leader's name, if any
   */
  static Optional<String> upstreamOf(
      ClusterView view, String member, Tags tags, Optional<String> leader) {
    if (tags.noStream()) {
      return Optional.empty();
    }
    return tags.replicateFrom()
        .filter(name -> !name.equals(member))
        .filter(name -> view.member(name).map(Member::isRunning).orElse(false))
        .or(() -> leader.filter(name -> !name.equals(member)));
  }

  /**
   * The members that stream from {@code node}, whose replication slots it keeps: on the primary
   * every member that streams and has no running {@code replicatefrom} member other than it; on a
   * replica the members whose {@code replicatefrom} names it (never the leader).
   *
   * @param primary whether {@code node} runs as the primary (it leads, whatever the view says)
   */
  public static Set<String> streamingFrom(ClusterView view, String node, boolean primary) {
    Optional<String> leader =
        primary ? Optional.of(node) : view.leader().map(l -> l.name()).filter(n -> !n.isEmpty());
    Set<String> members = new TreeSet<>();
    for (Member m : view.members().values()) {
      if (m.name().equals(node) || leader.filter(m.name()::equals).isPresent()) {
        continue;
      }
      if (upstreamOf(view, m.name(), m.tags(), leader).filter(node::equals).isPresent()) {
        members.add(m.name());
      }
    }
    return members;
  }
}
