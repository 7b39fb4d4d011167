package io.pgha.core.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replication on the local server: replication slots and {@code synchronous_standby_names}. None of
 * it changes the server's role, so it waits for no role change (start, stop, promotion, demotion):
 * a call made while one runs may fail with SQL_FAILED (the server not answering), and the next HA
 * cycle makes it again.
 */
public final class ReplicationAdmin {
  private static final Logger LOG = LoggerFactory.getLogger(ReplicationAdmin.class);
  private static final Duration SLOT_RELEASE_WAIT = Duration.ofSeconds(10);
  private static final Duration POLL = Duration.ofMillis(100);

  private final PostgresConfig config;
  private final LocalSql sql;
  private final ServerSettings settings;
  private final BooleanSupplier running;
  private final BooleanSupplier initialized;

  ReplicationAdmin(
      PostgresConfig config,
      LocalSql sql,
      ServerSettings settings,
      BooleanSupplier running,
      BooleanSupplier initialized) {
    this.config = config;
    this.sql = sql;
    this.settings = settings;
    this.running = running;
    this.initialized = initialized;
  }

  /**
   * Creates a physical replication slot unless it exists. As Patroni does, it reserves WAL at once
   * (its {@code restart_lsn} is set), so WAL written from now on is kept for whoever will use it.
   */
  public void createSlot(String name) {
    try (Connection c = sql.connect(10)) {
      createUnlessPresent(c, "pg_create_physical_replication_slot(?, true)", name);
    } catch (SQLException e) {
      throw sql.failure("creating replication slot " + name, e);
    }
  }

  /**
   * Creates a logical replication slot in {@code database} with output plugin {@code plugin} unless
   * a slot of that name exists (it needs {@code wal_level = logical}).
   */
  public void createLogicalSlot(String name, String database, String plugin) {
    try (Connection c = sql.connectTo(database, 30)) {
      createUnlessPresent(c, "pg_create_logical_replication_slot(?, ?)", name, plugin);
    } catch (SQLException e) {
      throw sql.failure("creating logical replication slot " + name + " in " + database, e);
    }
  }

  /** Calls {@code create} (its parameters: the name, then {@code more}) unless the slot exists. */
  private static void createUnlessPresent(Connection c, String create, String name, String... more)
      throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement(
            "SELECT "
                + create
                + " WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = ?)")) {
      int i = 1;
      p.setString(i++, name);
      for (String value : more) {
        p.setString(i++, value);
      }
      p.setString(i, name);
      p.executeQuery().close();
    }
  }

  /** Drops a slot if it exists, ending the WAL sender that uses it first; true if one was. */
  public boolean dropSlot(String name) {
    try (Connection c = sql.connect(10)) {
      long deadline = Deadlines.deadline(SLOT_RELEASE_WAIT);
      while (true) {
        // Ended on every attempt: the standby's WAL receiver reconnects and can take the slot
        // again between the termination and the drop.
        try (PreparedStatement p =
            c.prepareStatement(
                "SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots"
                    + " WHERE slot_name = ? AND active_pid IS NOT NULL")) {
          p.setString(1, name);
          p.executeQuery().close();
        }
        try (PreparedStatement p =
            c.prepareStatement(
                "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                    + " WHERE slot_name = ?")) {
          p.setString(1, name);
          try (ResultSet rs = p.executeQuery()) {
            return rs.next();
          }
        } catch (SQLException e) {
          // The terminated WAL sender may not have released the slot yet, or a new one took it.
          if (Deadlines.passed(deadline) || !"55006".equals(e.getSQLState())) {
            throw e;
          }
          Deadlines.sleep(POLL);
        }
      }
    } catch (SQLException e) {
      throw sql.failure("dropping replication slot " + name, e);
    }
  }

  /**
   * Drops a slot unless a connection uses it, as Patroni drops the slots it does not keep: a
   * consumer reading from it keeps it. Returns whether it was dropped.
   */
  public boolean dropInactiveSlot(String name) {
    try (Connection c = sql.connect(10);
        PreparedStatement p =
            c.prepareStatement(
                "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                    + " WHERE slot_name = ? AND NOT active")) {
      p.setString(1, name);
      try (ResultSet rs = p.executeQuery()) {
        return rs.next();
      }
    } catch (SQLException e) {
      throw sql.failure("dropping replication slot " + name, e);
    }
  }

  /**
   * Moves the logical slot {@code name} of {@code database} forward to {@code target} ({@code
   * pg_replication_slot_advance}; on a standby PostgreSQL moves it no further than it has
   * replayed). Returns its confirmed position after.
   *
   * @param socketTimeoutSeconds how long the call may take (decoding the WAL in between)
   */
  public Lsn advanceSlot(String name, String database, Lsn target, int socketTimeoutSeconds) {
    try (Connection c = sql.connectTo(database, socketTimeoutSeconds);
        PreparedStatement p =
            c.prepareStatement(
                "SELECT end_lsn::text FROM pg_replication_slot_advance(?, ?::pg_lsn)")) {
      p.setString(1, name);
      p.setString(2, target.toString());
      try (ResultSet rs = p.executeQuery()) {
        rs.next();
        return Lsn.parse(rs.getString(1));
      }
    } catch (SQLException e) {
      throw sql.failure("advancing logical replication slot " + name + " to " + target, e);
    }
  }

  /** A setting of the local server ({@code current_setting}). */
  public String setting(String name) {
    try (Connection c = sql.connect(10);
        PreparedStatement p = c.prepareStatement("SELECT current_setting(?)")) {
      p.setString(1, name);
      try (ResultSet rs = p.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    } catch (SQLException e) {
      throw sql.failure("reading " + name, e);
    }
  }

  /**
   * The logical slots named that the primary {@code leader} has, each with the content of its
   * {@code pg_replslot/<name>/state} file, read as the rewind role (it may call {@code
   * pg_read_binary_file}), as Patroni copies them to its replicas. A slot the leader lacks is left
   * out, and so is everything when {@code leader} is in recovery (no primary to copy from).
   */
  public List<LogicalSlotState> logicalSlotStates(Upstream leader, List<String> names) {
    try (Connection c = sql.connect(leader.host(), leader.port(), config.rewind(), 10);
        PreparedStatement p =
            c.prepareStatement(
                "SELECT slot_name, datname, plugin, confirmed_flush_lsn::text,"
                    + " pg_read_binary_file('pg_replslot/' || slot_name || '/state')"
                    + " FROM pg_get_replication_slots() JOIN pg_database ON datoid = oid"
                    + " WHERE NOT pg_is_in_recovery() AND slot_type = 'logical'"
                    + " AND slot_name = ANY(?) ORDER BY slot_name")) {
      p.setArray(1, c.createArrayOf("text", names.toArray()));
      List<LogicalSlotState> states = new ArrayList<>();
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          states.add(
              new LogicalSlotState(
                  rs.getString(1),
                  rs.getString(2),
                  rs.getString(3),
                  Lsn.parseNullable(rs.getString(4)),
                  rs.getBytes(5)));
        }
      }
      return states;
    } catch (SQLException e) {
      throw new PostgresControlException(
          PostgresControlException.Kind.SQL_FAILED,
          "reading logical slots "
              + names
              + " from the leader "
              + leader
              + " as "
              + config.rewind().name()
              + " failed: "
              + e.getMessage(),
          e);
    }
  }

  /** The replication slots on this server. */
  public List<ReplicationSlot> slots() {
    try {
      // Read every cycle: on the probe's kept session, not a new one each time.
      return sql.onProbeSession(ReplicationAdmin::readSlots);
    } catch (SQLException e) {
      throw sql.failure("listing replication slots", e);
    }
  }

  private static List<ReplicationSlot> readSlots(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT slot_name, slot_type, active, restart_lsn::text,"
                    + " coalesce(confirmed_flush_lsn, restart_lsn)::text, database, plugin"
                    + " FROM pg_replication_slots WHERE NOT temporary ORDER BY slot_name")) {
      List<ReplicationSlot> slots = new ArrayList<>();
      while (rs.next()) {
        slots.add(
            new ReplicationSlot(
                rs.getString(1),
                rs.getString(2),
                rs.getBoolean(3),
                Lsn.parseNullable(rs.getString(4)),
                Lsn.parseNullable(rs.getString(5)),
                rs.getString(6),
                rs.getString(7)));
      }
      return slots;
    }
  }

  /** Sets {@code synchronous_standby_names}; it survives restarts. */
  public void setSynchronousStandbys(SynchronousStandbys standbys) {
    settings.synchronousStandbys(standbys);
    settings.apply(running.getAsBoolean(), initialized.getAsBoolean());
    LOG.info("{}: synchronous_standby_names = '{}'", config.name(), standbys.toSetting());
  }

  /** The synchronous standbys last set. */
  public SynchronousStandbys synchronousStandbys() {
    return settings.synchronousStandbys();
  }
}
