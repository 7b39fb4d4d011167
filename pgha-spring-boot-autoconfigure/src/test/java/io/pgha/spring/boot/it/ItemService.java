package io.pgha.spring.boot.it;

import io.pgha.spring.boot.RetryOnFailover;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Writes go to the leader, read-only transactions to replicas; both retried on a failover. */
@Service
public class ItemService {
  private final JdbcTemplate jdbc;

  public ItemService(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * Inserts an item; reports which server took it. Idempotent (a second insert of the same id does
   * nothing), so a commit whose outcome a host failure left unknown (08007) is retried too.
   */
  @Transactional
  @RetryOnFailover(idempotent = true)
  public Map<String, Object> add(long id, String name) {
    jdbc.update("INSERT INTO items (id, name) VALUES (?, ?) ON CONFLICT (id) DO NOTHING", id, name);
    return server();
  }

  /** Counts the items; reports which server answered. */
  @Transactional(readOnly = true)
  @RetryOnFailover
  public Map<String, Object> count() {
    Map<String, Object> out = server();
    out.put("count", jdbc.queryForObject("SELECT count(*) FROM items", Long.class));
    return out;
  }

  private Map<String, Object> server() {
    return jdbc.queryForMap(
        "SELECT inet_server_port() AS port, pg_is_in_recovery() AS in_recovery");
  }
}
