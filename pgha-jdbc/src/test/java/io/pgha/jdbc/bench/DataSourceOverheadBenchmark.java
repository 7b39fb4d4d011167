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
import java.sql.PreparedStatement;
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
 * round trip); and a query of 1000 rows read through the statement and result-set wrappers. The
 * topology is fixed, so no background work competes.
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

  /**
   * Borrow, one prepared query of 1000 rows read column by column, return: the per-call cost of the
   * statement and result-set wrappers (about 2000 getter calls and 1000 {@code next()} per
   * operation) on top of the round trip.
   */
  @Benchmark
  public long readRows() throws SQLException {
    long sum = 0;
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement("SELECT i, 'row ' || i FROM generate_series(1, ?) i")) {
      s.setInt(1, 1000);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          sum += rs.getInt(1) + rs.getString(2).length();
        }
      }
    }
    return sum;
  }

  /** A scrollable result set of 1000 rows held in memory, scanned again and again. */
  @State(Scope.Thread)
  public static class HeldRows {
    Connection connection;
    Statement statement;
    ResultSet rows;

    @Setup(Level.Trial)
    public void open(DataSourceOverheadBenchmark benchmark) throws SQLException {
      connection = benchmark.dataSource.getConnection();
      statement =
          connection.createStatement(ResultSet.TYPE_SCROLL_INSENSITIVE, ResultSet.CONCUR_READ_ONLY);
      rows = statement.executeQuery("SELECT i, 'row ' || i FROM generate_series(1, 1000) i");
    }

    @TearDown(Level.Trial)
    public void close() throws SQLException {
      rows.close();
      statement.close();
      connection.close();
    }
  }

  /**
   * 1000 rows already fetched, read column by column with no I/O: the per-call cost of the
   * result-set wrapper alone (3000 calls per operation) on top of pgjdbc's and HikariCP's.
   */
  @Benchmark
  public long scanRows(HeldRows held) throws SQLException {
    long sum = 0;
    ResultSet rs = held.rows;
    rs.beforeFirst();
    while (rs.next()) {
      sum += rs.getInt(1) + rs.getString(2).length();
    }
    return sum;
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
