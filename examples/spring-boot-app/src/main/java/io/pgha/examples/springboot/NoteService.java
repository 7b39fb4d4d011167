package io.pgha.examples.springboot;

import io.pgha.spring.boot.RetryOnFailover;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Plain Spring: {@code @Transactional} methods on a {@link JdbcTemplate}. The pgha DataSource sends
 * the read-only ones to a replica; {@link RetryOnFailover} runs a transaction again when a failover
 * broke it.
 */
@Service
public class NoteService {
  private final JdbcTemplate jdbc;

  public NoteService(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  @Transactional
  @RetryOnFailover
  public Note add(String body) {
    return jdbc.queryForObject(
        "INSERT INTO notes (body) VALUES (?) RETURNING id, body, created_at",
        (rs, i) -> new Note(rs.getLong(1), rs.getString(2), rs.getObject(3, OffsetDateTime.class)),
        body);
  }

  @Transactional(readOnly = true)
  @RetryOnFailover
  public List<Note> latest(int limit) {
    return jdbc.query(
        "SELECT id, body, created_at FROM notes ORDER BY id DESC LIMIT ?",
        (rs, i) -> new Note(rs.getLong(1), rs.getString(2), rs.getObject(3, OffsetDateTime.class)),
        limit);
  }

  /** Which server a read-only transaction runs on, to watch the routing. */
  @Transactional(readOnly = true)
  @RetryOnFailover
  public Map<String, Object> readServer() {
    return jdbc.queryForMap(
        "SELECT inet_server_port() AS port, pg_is_in_recovery() AS replica,"
            + " (SELECT count(*) FROM notes) AS notes");
  }
}
