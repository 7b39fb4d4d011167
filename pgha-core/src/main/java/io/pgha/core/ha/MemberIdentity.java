package io.pgha.core.ha;

import io.pgha.core.config.PghaConfig;
import io.pgha.patroni.Tags;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Who this member is, as far as the decision cares: its name, its tags and what it may do to its
 * own data directory.
 *
 * @param name the member name
 * @param tags the member's tags
 * @param removeDataDirectoryOnRewindFailure whether a failed pg_rewind may be repaired by
 *     re-cloning (deleting the data directory)
 * @param createsReplicaWithoutLeader whether one of its replica methods works without a member to
 *     copy from (Patroni's {@code no_leader}: a restore from a backup repository)
 */
public record MemberIdentity(
    String name,
    Tags tags,
    boolean removeDataDirectoryOnRewindFailure,
    boolean createsReplicaWithoutLeader) {

  public MemberIdentity {
    Objects.requireNonNull(name, "name");
    tags = Objects.requireNonNullElse(tags, Tags.NONE);
  }

  /** A member whose replica methods all need a member to copy from. */
  public MemberIdentity(String name, Tags tags, boolean removeDataDirectoryOnRewindFailure) {
    this(name, tags, removeDataDirectoryOnRewindFailure, false);
  }

  /** A member with no tags that may not remove its data directory. */
  public static MemberIdentity named(String name) {
    return new MemberIdentity(name, Tags.NONE, false);
  }

  /** The identity described by a validated configuration. */
  public static MemberIdentity from(PghaConfig config) {
    return new MemberIdentity(
        config.name(),
        tagsOf(config.tags()),
        config.postgres().removeDataDirectoryOnRewindFailure(),
        config.postgres().canCreateReplicaWithoutLeader());
  }

  /** The configuration's tags (validated strings) as the cluster model's {@link Tags}. */
  static Tags tagsOf(Map<String, String> configured) {
    Map<String, String> rest = new TreeMap<>(configured);
    boolean noFailover = flag(rest.remove("nofailover"));
    int failoverPriority = number(rest.remove("failover_priority"), Tags.DEFAULT_FAILOVER_PRIORITY);
    boolean noLoadBalance = flag(rest.remove("noloadbalance"));
    boolean cloneFrom = flag(rest.remove("clonefrom"));
    boolean noSync = flag(rest.remove("nosync"));
    int syncPriority = number(rest.remove("sync_priority"), Tags.DEFAULT_SYNC_PRIORITY);
    Optional<String> replicateFrom = Optional.ofNullable(rest.remove("replicatefrom"));
    boolean noStream = flag(rest.remove("nostream"));
    return new Tags(
        noFailover,
        failoverPriority,
        noLoadBalance,
        cloneFrom,
        noSync,
        syncPriority,
        replicateFrom,
        noStream,
        Map.<String, Object>copyOf(rest));
  }

  private static boolean flag(String value) {
    return Boolean.parseBoolean(value);
  }

  private static int number(String value, int absent) {
    return value == null ? absent : Integer.parseInt(value);
  }
}
