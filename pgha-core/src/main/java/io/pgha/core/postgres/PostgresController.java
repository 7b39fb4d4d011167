package io.pgha.core.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Acts on and observes the local PostgreSQL server; makes no HA decisions. A facade over rooms with
 * one job each: postmaster supervision, cluster creation, cloning, role changes (which exclude each
 * other through one lock), fencing (which takes none), replication, settings, local SQL. Errors are
 * {@link PostgresControlException}s; see postgresql.md.
 */
public final class PostgresController implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresController.class);

  private final PostgresConfig config;
  private final PostgresTools tools;
  private final DataDirectory dataDir;
  private final LocalSql sql;
  private final PostmasterSupervisor postmaster;
  private final ServerSettings settings;
  private final Fencing fencing;
  private final ControlFile controlFile;
  private final RoleChanges roles;
  private final ReplicationAdmin replication;
  private final List<Consumer<LifecycleEvent>> lifecycleListeners = new CopyOnWriteArrayList<>();

  /** Finds the binaries (else MISSING_BINARY) and adopts a postmaster already running. */
  public PostgresController(PostgresConfig config) {
    this.config = config;
    OsIdentity runAs = OsIdentity.resolve(config.runAsUser());
    this.tools = new PostgresTools(PostgresTools.locateBinDir(config.binDir()), runAs);
    tools.binary("postgres");
    RequireAuthCheck.check(config, tools);
    this.dataDir = new DataDirectory(config.name(), config.dataDir(), runAs);
    this.sql = new LocalSql(config, this::isRunning);
    this.postmaster =
        new PostmasterSupervisor(config, tools, dataDir, new ServerLog(config.logFile()), sql);
    this.settings = new ServerSettings(config, new ManagedFiles(config, runAs), sql);
    this.fencing = new Fencing(config.name(), postmaster, settings);
    this.controlFile = new ControlFile(config, tools, dataDir);
    this.roles =
        new RoleChanges(config, tools, dataDir, postmaster, settings, sql, fencing, controlFile);
    this.replication =
        new ReplicationAdmin(config, sql, settings, this::isRunning, this::isInitialized);
  }

  /** The configuration. */
  public PostgresConfig config() {
    return config;
  }

  /** Called on its own thread at each postmaster exit; not {@code requested()}: a crash. */
  public void addExitListener(Consumer<PostmasterExit> listener) {
    postmaster.addExitListener(listener);
  }

  /**
   * Called, on the thread that acted, after each start, stop, restart and reload this controller
   * carried out; a listener hands long work to a thread of its own.
   */
  public void addLifecycleListener(Consumer<LifecycleEvent> listener) {
    lifecycleListeners.add(listener);
  }

  private void told(LifecycleEvent.Kind kind, boolean standby) {
    LifecycleEvent event = new LifecycleEvent(kind, standby);
    for (Consumer<LifecycleEvent> l : lifecycleListeners) {
      try {
        l.accept(event);
      } catch (RuntimeException e) {
        // A listener's failure must not fail the server operation that already happened.
        LOG.warn("{}: a lifecycle listener failed on {}", config.name(), kind, e);
      }
    }
  }

  /** Whether the data directory holds a cluster. */
  public boolean isInitialized() {
    return dataDir.isInitialized();
  }

  /** Whether a postmaster runs on the data directory. */
  public boolean isRunning() {
    return postmaster.isRunning();
  }

  /** The postmaster's process id, if one runs. */
  public OptionalLong pid() {
    return postmaster.pid();
  }

  /** initdb, start as primary, roles and passwords (never sent in clear text). */
  public void bootstrap(Duration timeout) {
    roles.bootstrap(timeout);
    told(LifecycleEvent.Kind.STARTED, false);
  }

  /** Clones {@code leader} into the empty data directory with the configured strategies. */
  public void createReplica(Upstream leader, Duration timeout) {
    roles.createReplica(leader, timeout);
  }

  /**
   * Creates a replica while the cluster has no leader, with the replica creators that work without
   * one (Patroni's {@code no_leader} methods: a restore from a backup repository).
   */
  public void createReplicaWithoutLeader(Duration timeout) {
    roles.createReplicaWithoutLeader(timeout);
  }

  /**
   * Throws the stopped server's data directory away and clones {@code leader} again (an operator's
   * {@code POST /reinitialize}: removes the data whatever {@code removeDataDirAllowed} says).
   */
  public void recreateReplica(Upstream leader, Duration timeout) {
    roles.recreateReplica(leader, timeout);
  }

  /** Starts as a primary and waits until it accepts connections. */
  public void startAsPrimary(Duration timeout) {
    roles.start(false, null, timeout);
    told(LifecycleEvent.Kind.STARTED, false);
  }

  /** Starts as a standby of {@code leader} (null: of no one yet, read-only). */
  public void startAsStandby(Upstream leader, Duration timeout) {
    roles.start(true, leader, timeout);
    told(LifecycleEvent.Kind.STARTED, true);
  }

  /**
   * Creates the data directory of a standby cluster's first member as a copy of the primary
   * cluster's primary {@code remote} (no slot), with the replica {@code methods} of {@code
   * standby_cluster.create_replica_methods} in order; {@code remote} null (no host) for a restore
   * by a {@code no_leader} method.
   */
  public void createStandbyLeader(Upstream remote, List<String> methods, Duration timeout) {
    roles.createStandbyLeader(remote, methods, timeout);
  }

  /** Starts as the standby leader of a standby cluster, following {@code source}. */
  public void startFollowing(StandbySource source, Duration timeout) {
    roles.startFollowing(source, timeout);
    told(LifecycleEvent.Kind.STARTED, true);
  }

  /** Points this running standby, the standby leader of a standby cluster, at {@code source}. */
  public void followSource(StandbySource source) {
    roles.followSource(source);
  }

  /** Starts read-only with no upstream, as {@code startAsStandby(null, timeout)}. */
  public void startReadOnly(Duration timeout) {
    roles.start(true, null, timeout);
    told(LifecycleEvent.Kind.STARTED, true);
  }

  /** Waits until PostgreSQL accepts connections (START_FAILED with its log when it does not). */
  public void awaitReady(Duration timeout) {
    postmaster.awaitReady(timeout, -1);
  }

  /** {@code pg_ctl stop -m mode}, waiting at most {@code timeout} (STOP_FAILED after). */
  public void stop(StopMode mode, Duration timeout) {
    boolean wasRunning = postmaster.isRunning();
    boolean standby = settings.standbySignal();
    roles.stop(mode, timeout);
    if (wasRunning) {
      told(LifecycleEvent.Kind.STOPPED, standby);
    }
  }

  /**
   * Stops the primary cleanly ({@code pg_ctl stop -m fast}, at most {@code timeout}); with {@code
   * abortAfter} (Patroni's {@code primary_stop_timeout} in synchronous mode) a stop that takes
   * longer is aborted: an immediate shutdown, then SIGKILL, so the server is down when this
   * returns.
   */
  public void stopPrimary(Duration timeout, Optional<Duration> abortAfter) {
    boolean wasRunning = postmaster.isRunning();
    boolean standby = settings.standbySignal();
    roles.stopPrimary(timeout, abortAfter);
    if (wasRunning) {
      told(LifecycleEvent.Kind.STOPPED, standby);
    }
  }

  /**
   * Fencing: SIGQUIT to a postmaster that is not a standby (or is being promoted), without any lock
   * or connection; operations called before it do not make the server writable again. Returns
   * whether a postmaster was told to quit.
   */
  public boolean fence(Duration timeout) {
    return fencing.fence(timeout);
  }

  /** Stops (fast) and starts again in the same role, e.g. for a parameter that needs it. */
  public void restart(Duration timeout) {
    roles.restart(timeout);
    told(LifecycleEvent.Kind.RESTARTED, settings.standbySignal());
  }

  /**
   * Installs copies of the primary's logical slots on this standby, as Patroni does: stops it
   * (fast), writes each slot's state file into {@code pg_replslot}, and starts it again in the same
   * role, so that PostgreSQL loads them.
   */
  public void restartInstallingSlots(List<LogicalSlotState> slots, Duration timeout) {
    SlotStateFiles files = new SlotStateFiles(dataDir.path(), dataDir.owner());
    roles.restart(timeout, () -> files.install(slots));
    told(LifecycleEvent.Kind.RESTARTED, settings.standbySignal());
  }

  /** Rewrites the managed files and reloads them (pg_reload_conf). */
  public void reload() {
    settings.reload();
    told(LifecycleEvent.Kind.RELOADED, settings.standbySignal());
  }

  /** Promotes this standby; {@code whenWritable} gets the status before the checkpoint. */
  public Promotion promote(Duration timeout, Consumer<PostgresStatus> whenWritable) {
    return roles.promote(timeout, whenWritable);
  }

  /** Rejoins {@code leader} as a standby: stopped, rewound (or cloned again if allowed). */
  public Demotion demote(Upstream leader, Duration timeout) {
    return demote(leader, timeout, Optional.empty());
  }

  /**
   * As {@link #demote(Upstream, Duration)}; a running primary's clean stop is aborted after {@code
   * abortAfter} when present (see {@link #stopPrimary}).
   */
  public Demotion demote(Upstream leader, Duration timeout, Optional<Duration> abortAfter) {
    return roles.demote(leader, timeout, abortAfter);
  }

  /** What the stopped data directory says of itself; empty when unknown. */
  public Optional<StoredState> storedState() {
    return controlFile.storedState();
  }

  /** The shutdown checkpoint of a primary stopped cleanly; empty while running or otherwise. */
  public Optional<Lsn> shutdownCheckpoint() {
    return controlFile.shutdownCheckpoint(isRunning());
  }

  /**
   * Points this running standby at another leader (rejoins it when it diverged, compared before the
   * switch and again once the old upstream's WAL receiver has ended); {@code upstreamIsLeader}
   * false for a cascading upstream, whose history is not compared.
   */
  public void follow(Upstream leader, boolean upstreamIsLeader) {
    roles.follow(leader, upstreamIsLeader);
  }

  /** Replication slots and synchronous standbys; they wait for no role change. */
  public ReplicationAdmin replication() {
    return replication;
  }

  /** Patroni's dynamic {@code postgresql.parameters}; IllegalArgumentException for bad names. */
  public void setDynamicParameters(Map<String, String> parameters) {
    settings.dynamicParameters(parameters);
    settings.apply(isRunning(), isInitialized());
  }

  /**
   * What the {@code config} key's {@code postgresql} section sets (parameters, {@code
   * recovery_conf}, {@code pg_hba}, {@code pg_ident}): written to the files and reloaded.
   */
  public void setDynamicSettings(DynamicSettings dynamic) {
    settings.dynamic(dynamic);
    settings.apply(isRunning(), isInitialized());
  }

  /**
   * Keeps {@code patroni.dynamic.json} (Patroni's cache of the {@code config} key) in the data
   * directory up to date; never throws.
   */
  public void cacheDynamicConfig(String json) {
    settings.cacheDynamicConfig(json);
  }

  /** Replication connections' silence bounds (from the HA timings); never throws. */
  public void setReplicationTimeouts(ReplicationTimeouts timeouts) {
    settings.replicationTimeouts(timeouts, isRunning(), isInitialized());
  }

  /** The server's state now (never throws); a standby's keeps a connection for its promotion. */
  public PostgresStatus probe() {
    PostgresStatus status = sql.probe();
    roles.observed(status);
    return status;
  }

  /**
   * The server's state now, read without touching what the HA loop keeps (for the HTTP API, on its
   * own threads); never throws.
   */
  public PostgresStatus peek() {
    return sql.probe();
  }

  /** Application sessions inside a transaction now (pgha's own and replication not counted). */
  public int applicationTransactions() {
    return sql.applicationTransactions();
  }

  /** Ends every application session; returns how many. */
  public int terminateApplicationSessions() {
    return sql.terminateApplicationSessions();
  }

  /** A new superuser connection to the local server; the caller closes it. */
  public Connection connect() throws SQLException {
    return sql.connect(0);
  }

  /** Stops watching and closes the promotion's connection; PostgreSQL keeps running. */
  @Override
  public void close() {
    roles.close();
    postmaster.close();
    sql.close();
  }
}
