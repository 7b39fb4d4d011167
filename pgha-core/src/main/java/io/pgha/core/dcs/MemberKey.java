package io.pgha.core.dcs;

import io.pgha.patroni.Member;
import io.pgha.patroni.PatroniCodec;
import io.pgha.patroni.RoleNames;
import java.util.Optional;

/**
 * This member's key {@code members/<name>} on its lease: written only when etcd does not already
 * hold exactly this content on the current lease, so an unchanged member costs no write.
 */
final class MemberKey {
  /** What was last written to our member key, and the member it encodes. */
  private record Written(Member member, String json, long lease, long revision) {}

  private final EtcdKv kv;
  private final LeaseKeeper lease;
  private final ClusterWatcher watcher;
  private final String me;
  private final String key;
  private final RoleNames roleNames;
  private volatile Written written;

  MemberKey(
      EtcdKv kv,
      LeaseKeeper lease,
      ClusterWatcher watcher,
      String me,
      String memberKey,
      RoleNames roleNames) {
    this.roleNames = roleNames;
    this.kv = kv;
    this.lease = lease;
    this.watcher = watcher;
    this.me = me;
    this.key = memberKey;
  }

  boolean update(Member member) throws DcsException {
    if (!member.name().equals(me)) {
      throw new IllegalArgumentException(
          "member name '" + member.name() + "' is not this member's name '" + me + "'");
    }
    Written w = written;
    // An idle member publishes the same member every cycle: encode it only when it changed.
    String json =
        w != null && w.member().equals(member)
            ? w.json()
            : PatroniCodec.encodeMember(member, roleNames);
    long leaseId = lease.ensureLease();
    if (w != null && w.json().equals(json) && w.lease() == leaseId) {
      if (watcher.revision() < w.revision()) {
        return false; // the watch has not caught up with our own write yet
      }
      Optional<RawKeyValue> seen = watcher.raw(key);
      if (seen.isPresent() && seen.get().value().equals(json) && seen.get().lease() == leaseId) {
        return false;
      }
    }
    long revision = kv.put(key, json, leaseId);
    written = new Written(member, json, leaseId, revision);
    return true;
  }

  void delete() throws DcsException {
    written = null;
    kv.delete(key);
  }

  /** After a ttl change: rewrites the last content, if any, on the new lease {@code leaseId}. */
  void moveToLease(long leaseId) throws DcsException {
    Written w = written;
    if (w != null) {
      kv.put(key, w.json(), leaseId);
      written = new Written(w.member(), w.json(), leaseId, 0);
    }
  }
}
