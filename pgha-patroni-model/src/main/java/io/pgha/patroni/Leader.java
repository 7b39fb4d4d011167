package io.pgha.patroni;

import java.util.Objects;

/**
 * The {@code leader} key: who holds leadership, and the etcd facts that make a takeover or a
 * compare-and-swap safe.
 *
 * @param name the member holding the key
 * @param createRevision etcd create revision of the key (changes only when the key is re-created)
 * @param modRevision etcd mod revision of the key
 * @param lease the etcd lease the key is attached to (0 if none)
 */
public record Leader(String name, long createRevision, long modRevision, long lease) {
  public Leader {
    Objects.requireNonNull(name, "name");
  }

  /** Whether {@code member} is the holder. */
  public boolean isHeldBy(String member) {
    return name.equals(member);
  }
}
