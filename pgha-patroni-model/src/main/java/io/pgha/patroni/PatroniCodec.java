package io.pgha.patroni;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads and writes the values of Patroni's etcd keys: the one entry point, one codec per document
 * behind it.
 *
 * <p>Decoding is forgiving where Patroni is (numbers as strings, {@code master} for {@code
 * primary}, unknown fields kept) and strict where it must be: a value that is not the expected JSON
 * shape throws {@link InvalidValueException} naming the key. A single field of the wrong type is
 * reported to the {@code warnings} consumer and read as absent (or its default), so that one bad
 * field does not hide the rest of the value.
 */
public final class PatroniCodec {
  private PatroniCodec() {}

  /** Decodes a {@code members/<name>} value. */
  public static Member decodeMember(String key, String name, String value, Consumer<String> warn) {
    return MemberCodec.decodeMember(key, name, value, warn);
  }

  /** Encodes a member as Patroni does; fields that are absent or at their default are left out. */
  public static String encodeMember(Member m) {
    return MemberCodec.encodeMember(m, RoleNames.PATRONI_4);
  }

  /** Encodes a member as Patroni does, the primary's role named as {@code names} says. */
  public static String encodeMember(Member m, RoleNames names) {
    return MemberCodec.encodeMember(m, names);
  }

  /** Decodes the {@code config} value; bad fields fall back to Patroni's defaults. */
  public static DynamicConfig decodeConfig(String key, String value, Consumer<String> warn) {
    return ConfigCodec.decodeConfig(key, value, warn);
  }

  /** Encodes a configuration with Patroni's names; every modelled setting is written. */
  public static String encodeConfig(DynamicConfig c) {
    return ConfigCodec.encodeConfig(c);
  }

  /** Decodes the {@code failover} value; {@code {}} gives an empty request. */
  public static FailoverRequest decodeFailover(
      String key, String value, long modRevision, Consumer<String> warn) {
    return StateCodec.decodeFailover(key, value, modRevision, warn);
  }

  /** Encodes a failover request as patronictl does. */
  public static String encodeFailover(FailoverRequest r) {
    return StateCodec.encodeFailover(r);
  }

  /** Decodes the {@code sync} value. */
  public static SyncState decodeSync(
      String key, String value, long modRevision, Consumer<String> warn) {
    return SyncCodec.decodeSync(key, value, modRevision, warn);
  }

  /** Encodes a sync state as Patroni does ({@code sync_standby} comma-separated, or null). */
  public static String encodeSync(SyncState s) {
    return SyncCodec.encodeSync(s);
  }

  /** Decodes the {@code status} value. */
  public static ClusterStatus decodeStatus(String key, String value, Consumer<String> warn) {
    return StateCodec.decodeStatus(key, value, warn);
  }

  /** Encodes a status as Patroni does. */
  public static String encodeStatus(ClusterStatus s) {
    return StateCodec.encodeStatus(s);
  }

  /** Decodes the {@code history} value; a malformed entry is skipped with a warning. */
  public static List<HistoryEntry> decodeHistory(String key, String value, Consumer<String> warn) {
    return HistoryCodec.decodeHistory(key, value, warn);
  }

  /** Encodes history as Patroni does. */
  public static String encodeHistory(List<HistoryEntry> history) {
    return HistoryCodec.encodeHistory(history);
  }

  /** Decodes the {@code failsafe} value: member name to API URL. */
  public static Map<String, String> decodeFailsafe(
      String key, String value, Consumer<String> warn) {
    return StateCodec.decodeFailsafe(key, value, warn);
  }

  /** Encodes the {@code failsafe} value. */
  public static String encodeFailsafe(Map<String, String> members) {
    return StateCodec.encodeFailsafe(members);
  }

  /** Decodes the {@code leader} or {@code initialize} value: a non-blank plain string. */
  public static String decodePlain(String key, String value) {
    return StateCodec.decodePlain(key, value);
  }

  /**
   * Encodes pgha's {@code drain} announcement: {@code {"leader": ..., "successor": ...,
   * "timeout_ms": ...}}. pgha-jdbc reads it; Patroni's tools ignore the key.
   */
  public static String encodeDrain(String leader, String successor, Duration timeout) {
    return StateCodec.encodeDrain(leader, successor, timeout);
  }

  /**
   * Decodes pgha's {@code drain} value.
   *
   * @throws InvalidValueException when it names no leader or no timeout of 0 or more
   */
  public static Drain decodeDrain(String key, String value, Consumer<String> warn) {
    return StateCodec.decodeDrain(key, value, warn);
  }

  /**
   * The tags under Patroni's names as plain Java values ({@code Boolean}, {@code Integer}, {@code
   * String}, ...), defaults left out: the {@code tags} object a member key would hold.
   */
  public static Map<String, Object> tagValues(Tags tags) {
    return MemberCodec.tagMap(tags);
  }

  /**
   * Decodes the body of {@code GET /cluster} of Patroni's (or pgha's) REST API.
   *
   * @throws InvalidValueException when it is not a JSON object with a list of named members
   */
  public static ApiCluster decodeApiCluster(String body, Consumer<String> warn) {
    return ApiClusterCodec.decode(body, warn);
  }
}
