package io.pgha.core.dcs;

import io.pgha.patroni.ClusterView;
import io.pgha.patroni.DcsKeys;
import io.pgha.patroni.InvalidValueException;
import io.pgha.patroni.Leader;
import io.pgha.patroni.PatroniCodec;
import io.pgha.patroni.SyncState;
import java.util.Collection;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Turns the raw keys under a cluster prefix into a {@link ClusterView}. A key whose value cannot be
 * read is left absent and reported once; nothing here throws on bad data.
 */
final class ViewAssembler {
  private final DcsKeys keys;
  private final BadValueLog badValues;

  ViewAssembler(DcsKeys keys, BadValueLog badValues) {
    this.keys = keys;
    this.badValues = badValues;
  }

  ClusterView assemble(Collection<RawKeyValue> kvs, long revision) {
    ClusterView.Builder b = ClusterView.builder().revision(revision);
    for (RawKeyValue kv : kvs) {
      Optional<String> relative = keys.relative(kv.key());
      if (relative.isEmpty()) {
        continue;
      }
      apply(b, relative.get(), kv);
    }
    return b.build();
  }

  private void apply(ClusterView.Builder b, String relative, RawKeyValue kv) {
    String key = kv.key();
    String value = kv.value();
    if (relative.startsWith(DcsKeys.MEMBERS)) {
      String name = relative.substring(DcsKeys.MEMBERS.length());
      if (name.isEmpty() || name.contains("/")) {
        return;
      }
      decode(() -> PatroniCodec.decodeMember(key, name, value, badValues::warn))
          .ifPresent(b::member);
      return;
    }
    switch (relative) {
      case DcsKeys.LEADER ->
          decode(() -> PatroniCodec.decodePlain(key, value))
              .ifPresent(
                  name ->
                      b.leader(
                          new Leader(name, kv.createRevision(), kv.modRevision(), kv.lease())));
      case DcsKeys.INITIALIZE ->
          // Patroni claims the key with an empty value and writes the system id after initdb.
          b.initialize(value.trim());
      case DcsKeys.CONFIG ->
          decode(() -> PatroniCodec.decodeConfig(key, value, badValues::warn))
              .ifPresent(c -> b.config(c).configModRevision(kv.modRevision()));
      case DcsKeys.FAILOVER ->
          decode(() -> PatroniCodec.decodeFailover(key, value, kv.modRevision(), badValues::warn))
              .ifPresent(b::failover);
      case DcsKeys.SYNC ->
          // An unreadable sync key names no one, but keeps its revision: the leader can then
          // replace it by compare-and-swap instead of failing on "absent" forever.
          b.sync(
              decode(() -> PatroniCodec.decodeSync(key, value, kv.modRevision(), badValues::warn))
                  .orElseGet(() -> SyncState.unreadable(kv.modRevision())));
      case DcsKeys.STATUS ->
          decode(() -> PatroniCodec.decodeStatus(key, value, badValues::warn)).ifPresent(b::status);
      case DcsKeys.HISTORY ->
          decode(() -> PatroniCodec.decodeHistory(key, value, badValues::warn))
              .ifPresent(b::history);
      case DcsKeys.FAILSAFE ->
          decode(() -> PatroniCodec.decodeFailsafe(key, value, badValues::warn))
              .ifPresent(b::failsafe);
      default -> {
        // Other keys (Patroni's optime/leader, keys of newer versions) are not ours to read.
      }
    }
  }

  private <T> Optional<T> decode(Supplier<T> decoder) {
    try {
      return Optional.ofNullable(decoder.get());
    } catch (InvalidValueException e) {
      badValues.warn(e.getMessage() + "; key treated as absent");
      return Optional.empty();
    } catch (RuntimeException e) {
      // Belt and braces: a decoder bug must not take the watch thread down either.
      badValues.warn("cannot decode: " + e + "; key treated as absent");
      return Optional.empty();
    }
  }
}
