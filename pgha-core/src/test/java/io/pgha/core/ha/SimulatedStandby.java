package io.pgha.core.ha;

/**
 * One standby as the primary sees it, for the synchronous replication simulations. Its flushed WAL
 * never shrinks; a standby that reconnects gets a new WAL sender and catches up before streaming.
 */
final class SimulatedStandby {
  final String name;
  boolean connected = true;
  boolean streaming = true;
  long flush;
  int walSender;

  /** Percent chance to flush the WAL written, on each event. */
  final int speed;

  SimulatedStandby(String name, long flush, int speed) {
    this.name = name;
    this.flush = flush;
    this.speed = speed;
  }

  void disconnect() {
    connected = false;
    streaming = false;
  }

  void reconnect() {
    connected = true;
    streaming = false;
    walSender++;
  }

  /** A catching-up standby receives another chunk; it streams once it reached {@code wal}. */
  void catchUp(long wal) {
    if (connected && !streaming) {
      flush = Math.min(wal, flush + 25);
      streaming = flush == wal;
    }
  }

  /** The keeper's key for this standby's current WAL sender. */
  String walSenderId() {
    return name + "#" + walSender;
  }
}
