package io.pgha.core.postgres;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How long a replication connection may stay silent before either end drops it, derived from the HA
 * timings. A host that hangs (stopped processes, a black-holed network) keeps its sockets open and
 * answers nothing: the kernel resets nothing, so without these bounds a walsender waits for its
 * standby's reply, and a walreceiver for WAL, for PostgreSQL's default of a minute, and TCP for
 * much longer.
 *
 * <p>The bound is {@code retry_timeout}: how long pgha gives any peer before giving up on it. The
 * timing rule ({@code loop_wait + 2 * retry_timeout <= ttl}) makes it less than half the lease, so
 * a frozen primary's replicas have let go of it before the new leader key appears, and a leader
 * stops waiting for a frozen synchronous standby (and picks another one) well within a lease.
 *
 * <p>Written as {@code wal_sender_timeout} and {@code wal_receiver_timeout} (before the configured
 * and dynamic parameters, so a value the user sets wins) and as keywords of {@code
 * primary_conninfo}: TCP keep-alives ({@code keepalives_idle} and {@code keepalives_interval} a
 * third of the bound, 2 probes) and {@code tcp_user_timeout} (the bound) for a network that drops
 * packets, and {@code connect_timeout} (the bound, between 2 and 5 s) for a server that accepts
 * connections but never answers.
 *
 * @param silence the bound, at least one second
 */
public record ReplicationTimeouts(Duration silence) {

  /** For Patroni's default {@code retry_timeout} (10 s), until the agent says otherwise. */
  public static final ReplicationTimeouts DEFAULT = of(Duration.ofSeconds(10));

  /** Validates the bound. */
  public ReplicationTimeouts {
    if (silence == null || silence.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException(
          "replication silence bound (" + silence + ") must be at least 1s");
    }
  }

  /** The bound for {@code retry_timeout}. */
  public static ReplicationTimeouts of(Duration retryTimeout) {
    return new ReplicationTimeouts(
        retryTimeout.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : retryTimeout);
  }

  /** {@code wal_sender_timeout} and {@code wal_receiver_timeout}, in milliseconds. */
  Map<String, String> parameters() {
    Map<String, String> values = new LinkedHashMap<>();
    String millis = silence.toMillis() + "ms";
    values.put("wal_sender_timeout", millis);
    values.put("wal_receiver_timeout", millis);
    return values;
  }

  /** The {@code primary_conninfo} keywords and values, as key, value pairs. */
  List<String> conninfoKeywords() {
    long seconds = silence.toSeconds();
    String probe = Long.toString(Math.max(1, seconds / 3));
    return List.of(
        "connect_timeout",
        Long.toString(Math.max(2, Math.min(5, seconds))),
        "keepalives",
        "1",
        "keepalives_idle",
        probe,
        "keepalives_interval",
        probe,
        "keepalives_count",
        "2",
        "tcp_user_timeout",
        Long.toString(silence.toMillis()));
  }
}
