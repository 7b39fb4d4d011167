package io.pgha.jdbc.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.pgha.jdbc.PghaDataSourceConfig;
import io.pgha.jdbc.TopologyAwareDataSource;
import io.pgha.jdbc.topology.Member;
import io.pgha.jdbc.topology.MemberRole;
import io.pgha.jdbc.topology.Topology;
import io.pgha.jdbc.topology.TopologySource;
import io.pgha.testkit.LocalPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of routing: {@code getConnection()} + {@code SELECT 1} + {@code close()} through {@link
 * TopologyAwareDataSource} against a plain HikariCP pool to the same local PostgreSQL, with the
 * same pool settings; and the borrow alone ({@code getConnection()} + bind + {@code close()}, no
 * round trip). The topology is fixed, so no background work competes.
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.Throughput, Mode.AverageTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(4)
public class DataSourceOverheadBenchmark {

  @Param({"hikari", "pgha"})
  public String pool;

  private LocalPostgres postgres;
  private DataSource dataSource;

  @Setup(Level.Trial)
  public void start() {
    postgres = LocalPostgres.builder("bench").parameter("max_connections", "50").start();
    if (pool.equals("hikari")) {
      HikariConfig config = new HikariConfig();
      config.setJdbcUrl(postgres.jdbcUrl());
      config.setUsername(LocalPostgres.SUPERUSER);
      config.setMaximumPoolSize(8);
      dataSource = new HikariDataSource(config);
    } else {
      Member member =
          new Member(
              "bench",
              MemberRole.PRIMARY,
              "running",
              postgres.host(),
              postgres.port(),
              0,
              true,
              null);
      dataSource =
          new TopologyAwareDataSource(
              PghaDataSourceConfig.builder()
                  .topologySource(new FixedTopology(new Topology("bench", List.of(member))))
                  .username(LocalPostgres.SUPERUSER)
                  .maximumPoolSize(8)
                  .minimumIdle(8)
                  .replayLagProbeInterval(Duration.ZERO)
                  .build());
    }
  }

  @TearDown(Level.Trial)
  public void stop() throws Exception {
    ((AutoCloseable) dataSource).close();
    postgres.close();
  }

  /** Borrow, one round trip, return. */
  @Benchmark
  public int selectOne() throws SQLException {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT 1")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  /** Borrow and return with no round trip: the routing cost alone. */
  @Benchmark
  public Object borrowOnly() throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      // unwrap binds the lazy pgha connection to a pooled one without I/O
      return c.unwrap(org.postgresql.PGConnection.class);
    }
  }

  /** A topology that never changes. */
  static final class FixedTopology implements TopologySource {
    private final Topology topology;

    FixedTopology(Topology topology) {
      this.topology = topology;
    }

    @Override
    public void start(Consumer<Topology> listener, Duration timeout) {
      listener.accept(topology);
    }

    @Override
    public String describe() {
      return "fixed";
    }

    @Override
    public void close() {}
  }
}
