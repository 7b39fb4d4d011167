package io.pgha.examples.springboot;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A notes service on a pgha cluster: {@code POST /notes} writes on the leader, {@code GET /notes}
 * reads from a replica, and both ride through a failover ({@code @RetryOnFailover}). The only
 * database configuration is {@code pgha.datasource.*} in {@code application.properties}.
 */
@SpringBootApplication
public class NotesApplication {
  public static void main(String[] args) {
    SpringApplication.run(NotesApplication.class, args);
  }
}
