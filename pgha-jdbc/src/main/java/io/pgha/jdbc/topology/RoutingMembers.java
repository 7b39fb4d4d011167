package io.pgha.jdbc.topology;

import io.pgha.patroni.ApiCluster;
import io.pgha.patroni.HostNames;
import io.pgha.patroni.MemberNames;
import io.pgha.patroni.PatroniCodec;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's routing view of what Patroni (3.x, 4.x) and pgha agents publish. The wire format is
 * read by pgha-patroni-model's {@link PatroniCodec}, as the agent reads it; this class only maps
 * its records to {@link Member}s and adds what routing needs: an address from {@code conn_url}, the
 * lag, whether a replica streams.
 */
final class RoutingMembers {

  private static final Logger LOG = LoggerFactory.getLogger(RoutingMembers.class);

  private RoutingMembers() {}

  /**
   * A member key as routing sees it. The WAL positions are kept apart from {@link Member} because
   * the lag can only be computed once the leader's position is known.
   *
   * @param member the member, lag not yet known
   * @param walPosition {@code xlog_location}: the leader's write position, or the replica's
   *     received position (Patroni 3.x), -1 if absent
   * @param replayPosition {@code replay_lsn} (Patroni 4.x, pgha), -1 if absent
   */
  record MemberKey(Member member, long walPosition, long replayPosition) {}

  /**
   * Reads the value of {@code members/<name>}.
   *
   * @throws IllegalArgumentException naming the member and what is missing or malformed
   */
  static MemberKey memberKey(String key, String name, String value) {
    io.pgha.patroni.Member m = PatroniCodec.decodeMember(key, name, value, RoutingMembers::ignored);
    String connUrl = m.connUrl();
    if (connUrl.isEmpty()) {
      throw new IllegalArgumentException("member " + name + ": conn_url is missing");
    }
    URI uri;
    try {
      uri = URI.create(connUrl);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "member " + name + ": conn_url (" + redact(connUrl) + ") is not a URL", e);
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException(
          "member " + name + ": conn_url (" + redact(connUrl) + ") has no host");
    }
    if (!HostNames.isHostOrAddress(uri.getHost())) {
      throw new IllegalArgumentException(
          "member " + name + ": conn_url host (" + uri.getHost() + ") " + HostNames.RULE);
    }
    MemberRole role = MemberRole.of(m.role());
    boolean streaming =
        role != MemberRole.REPLICA || m.replicationState().map("streaming"::equals).orElse(true);
    Member member =
        new Member(
            name,
            role,
            m.state().isEmpty() ? null : m.state(),
            uri.getHost(),
            uri.getPort() > 0 ? uri.getPort() : 5432,
            Member.UNKNOWN_LAG,
            streaming,
            PatroniCodec.tagValues(m.tags()));
    return new MemberKey(member, m.xlogLocation().orElse(-1), m.replayLsn().orElse(-1));
  }

  /**
   * Reads the body of {@code GET /cluster}: the leader is the member whose role is {@code leader}
   * (or {@code master} / {@code primary}, or {@code standby_leader}).
   *
   * @throws IllegalArgumentException naming what is malformed
   */
  static Topology cluster(String body) {
    ApiCluster cluster = PatroniCodec.decodeApiCluster(body, RoutingMembers::ignored);
    List<Member> list = new ArrayList<>();
    String leader = null;
    for (ApiCluster.Entry e : cluster.members()) {
      MemberRole role = MemberRole.of(e.role());
      if (role == MemberRole.PRIMARY || role == MemberRole.STANDBY_LEADER) {
        leader = e.name();
      }
      String state = e.state().isEmpty() ? null : e.state();
      list.add(
          new Member(
              e.name(),
              role,
              state,
              host(e),
              Math.max(e.port().orElse(0), 0),
              role == MemberRole.PRIMARY ? 0 : e.lag().orElse(Member.UNKNOWN_LAG),
              role != MemberRole.REPLICA || !"stopped".equals(state),
              PatroniCodec.tagValues(e.tags())));
    }
    list.sort(Comparator.comparing(Member::name));
    return new Topology(leader, list);
  }

  /**
   * The entry's host if it is a host name or an address; else none (the member is not routed to)
   * and a warning: the value could name more hosts or carry connection parameters.
   */
  private static String host(ApiCluster.Entry e) {
    String host = e.host().orElse(null);
    if (host != null && !HostNames.isHostOrAddress(host)) {
      LOG.warn(
          "GET /cluster: member {}: host ({}) {}; not routing to it",
          MemberNames.printable(e.name()),
          MemberNames.printable(host),
          HostNames.RULE);
      return null;
    }
    return host;
  }

  /** Strips a password from a URL before it goes into a message. */
  static String redact(String url) {
    return url.replaceAll("//([^:/@]+):[^@/]*@", "//$1:***@");
  }

  /** A field of the wrong type is read as absent; routing goes on with the rest of the value. */
  static void ignored(String problem) {
    LOG.debug("{}", problem);
  }
}
