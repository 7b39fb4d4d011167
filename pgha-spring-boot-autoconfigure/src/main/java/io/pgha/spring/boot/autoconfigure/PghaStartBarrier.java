package io.pgha.spring.boot.autoconfigure;

/**
 * Something the DataSource waits for before its first topology read: an embedded agent that has to
 * join (or bootstrap) the cluster first.
 */
public interface PghaStartBarrier {

  /** Blocks, bounded, until the DataSource may start. */
  void awaitReady();
}
