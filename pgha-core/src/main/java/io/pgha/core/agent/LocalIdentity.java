package io.pgha.core.agent;

import io.pgha.core.ha.MemberIdentity;
import io.pgha.patroni.Tags;
import java.util.Objects;

/**
 * This member's identity as its configuration last said: the tags may change while it runs, when
 * the configuration is read again ({@code POST /reload}, the sidecar's SIGHUP). The HA loop reads
 * it once a cycle, the member key and the API on every build, so a change shows everywhere by the
 * next cycle.
 */
final class LocalIdentity {
  private volatile MemberIdentity current;

  LocalIdentity(MemberIdentity initial) {
    this.current = Objects.requireNonNull(initial, "initial");
  }

  MemberIdentity get() {
    return current;
  }

  Tags tags() {
    return current.tags();
  }

  /**
   * @throws IllegalArgumentException when {@code next} names another member: a member's name is its
   *     key in etcd and cannot change while it runs
   */
  void set(MemberIdentity next) {
    if (!next.name().equals(current.name())) {
      throw new IllegalArgumentException(
          "name ("
              + next.name()
              + ") cannot change while the member runs (it is "
              + current.name()
              + "): restart the member to rename it");
    }
    current = next;
  }
}
