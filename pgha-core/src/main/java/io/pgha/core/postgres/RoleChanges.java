package io.pgha.core.postgres;

import io.pgha.core.postgres.PostgresControlException.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What changes the server's role or whether it runs: bootstrap, clone, start, stop, restart,
 * promote, demote (with pg_rewind) and follow.
 *
 * <p><b>The lock.</b> These operations exclude each other through one lock, held for the whole
 * operation: each reads the server's state, then acts on it (a start needs it stopped, a promotion
 * a running standby, a demotion stops it and rewinds the data directory), and another role change
 * in between would make that reading wrong: a start during a rewind, a stop during a promotion.
 * They may hold it long (a checkpoint, pg_rewind, a clone), so nothing else takes it: the probe,
 * sessions, slots and synchronous standbys work beside it, and {@linkplain Fencing fencing} never
 * takes it. Instead, an operation that may make the server writable refuses to once a fence came
 * after it was called ({@link Fencing#requireNoneSince}).
 */
final class RoleChanges {
  private static final Logger LOG = LoggerFactory.getLogger(RoleChanges.class);

  /** How long a follow waits for the WAL receiver of the old upstream to end (it takes ms). */
  private static final Duration OLD_RECEIVER_WAIT = Duration.ofSeconds(3);

  private final ReentrantLock lock = new ReentrantLock();
  private final PostgresConfig config;
  private final PostgresTools tools;
  private final DataDirectory dataDir;
  private final PostmasterSupervisor postmaster;
  private final ServerSettings settings;
  private final LocalSql sql;
  private final Fencing fencing;
  private final ClusterCreator creator;
  private final ReplicaCloner cloner;
  private final Promoter promoter;
  private final TimelineQueries timelines;
  private final ControlFile controlFile;
  private final LocalPsql psql;
  private final PostBootstrapScript postBootstrap;

  RoleChanges(
      PostgresConfig config,
      PostgresTools tools,
      DataDirectory dataDir,
      PostmasterSupervisor postmaster,
      ServerSettings settings,
      LocalSql sql,
      Fencing fencing,
      ControlFile controlFile) {
    this.config = config;
    this.tools = tools;
    this.dataDir = dataDir;
    this.postmaster = postmaster;
    this.settings = settings;
    this.sql = sql;
    this.fencing = fencing;
    this.controlFile = controlFile;
    this.creator = new ClusterCreator(config, tools, sql);
    this.cloner = new ReplicaCloner(config, tools, dataDir);
    this.promoter = new Promoter(config, sql, settings, fencing);
    this.timelines = new TimelineQueries(config, sql);
    this.psql = new LocalPsql(config, tools);
    this.postBootstrap = new PostBootstrapScript(config, tools);
  }

  void bootstrap(Duration timeout) {
    long fenceEpoch = fencing.epoch();
    lock.lock();
    try {
      long deadline = Deadlines.deadline(timeout);
      postmaster.requireStopped("bootstrap");
      dataDir.prepareEmpty(false, "bootstrap");
      if (config.customBootstrap() != null) {
        bootstrapWith(config.customBootstrap(), deadline, fenceEpoch);
        return;
      }
      creator.initdb(Deadlines.remaining(deadline));
      try {
        start(false, null, Deadlines.remaining(deadline), fenceEpoch);
        creator.createRoles();
        // As Patroni: the script, then bootstrap.users; either failing fails the bootstrap.
        postBootstrap.run();
        creator.createUsers();
      } catch (RuntimeException e) {
        discardHalfBootstrappedCluster(e);
        throw e;
      }
      LOG.info("{}: bootstrapped a new cluster in {}", config.name(), config.dataDir());
    } finally {
      lock.unlock();
    }
  }

  /**
   * A custom bootstrap: the command fills the data directory; the server starts (in archive
   * recovery when asked, until it promotes itself); then the roles get the configured passwords
   * over the socket, since the cluster's are those of the one it came from.
   */
  private void bootstrapWith(CustomBootstrap method, long deadline, long fenceEpoch) {
    LOG.info(
        "{}: bootstrapping with method {}: running {}",
        config.name(),
        method.name(),
        method.command().get(0));
    try {
      // As for Patroni, the command creates the directory (a copy may refuse an existing one).
      Files.deleteIfExists(config.dataDir());
    } catch (IOException e) {
      throw new PostgresControlException(
          Kind.INITDB_FAILED,
          "cannot remove the empty data directory "
              + config.dataDir()
              + " before bootstrap method "
              + method.name()
              + ": "
              + e,
          e);
    }
    try {
      creator.runCustom(method, Deadlines.remaining(deadline));
      if (!dataDir.isInitialized()) {
        throw new PostgresControlException(
            Kind.INITDB_FAILED,
            "bootstrap."
                + method.name()
                + ".command succeeded but left no cluster in "
                + config.dataDir());
      }
      boolean recover =
          !method.recoveryConf().isEmpty()
              || (method.keepExistingRecoveryConf() && settings.recoverySignal());
      settings.archiveRecovery(recover ? recoverySettings(method) : null);
      long logOffset = launch(false, () -> settings.upstream(null), "primary", fenceEpoch);
      awaitEndOfRecovery(method, deadline, logOffset);
      settings.archiveRecovery(null);
      settings.write();
      creator.createRoles(psql, Deadlines.remaining(deadline));
      psql.run("SELECT pg_reload_conf();", Deadlines.remaining(deadline));
      postBootstrap.run();
      // The script has its own time limit: the roles get a bound of their own after it.
      creator.createUsers(psql, Duration.ofSeconds(30));
    } catch (RuntimeException e) {
      settings.archiveRecovery(null);
      discardHalfBootstrappedCluster(e);
      throw e;
    }
    LOG.info(
        "{}: bootstrapped a new cluster in {} with method {}",
        config.name(),
        config.dataDir(),
        method.name());
  }

  /**
   * The method's recovery parameters, with the settings the data's primary had where ours are lower
   * (PostgreSQL refuses to recover otherwise), as Patroni raises them.
   */
  private Map<String, String> recoverySettings(CustomBootstrap method) {
    Map<String, String> values = new java.util.LinkedHashMap<>(method.recoveryConf());
    controlFile
        .recoveryMinimums()
        .forEach(
            (parameter, minimum) -> {
              String ours =
                  settings.effectiveParameter(parameter).orElse(config.parameters().get(parameter));
              if (ours == null
                  || !ours.strip().matches("[0-9]{1,9}")
                  || Integer.parseInt(ours.strip()) < minimum) {
                values.put(parameter, Integer.toString(minimum));
              }
            });
    return values;
  }

  /** Waits until the server runs as a primary (after its archive recovery, if any). */
  private void awaitEndOfRecovery(CustomBootstrap method, long deadline, long logOffset) {
    while (true) {
      if (!postmaster.isRunning()) {
        throw new PostgresControlException(
            Kind.START_FAILED,
            "PostgreSQL on "
                + config.dataDir()
                + " exited after bootstrap method "
                + method.name()
                + "; its log ends:\n"
                + postmaster.logSince(logOffset));
      }
      if (psql.inRecovery().filter(inRecovery -> !inRecovery).isPresent()) {
        return;
      }
      if (Deadlines.passed(deadline)) {
        throw new PostgresControlException(
            Kind.START_FAILED,
            "PostgreSQL on "
                + config.dataDir()
                + " did not end its recovery after bootstrap method "
                + method.name()
                + " in time (or psql cannot connect over the socket as "
                + config.superuser().name()
                + ": pg_hba.conf needs a local line for it); its log ends:\n"
                + postmaster.logSince(logOffset));
      }
      Deadlines.sleep(Duration.ofMillis(200));
    }
  }

  /**
   * Removes the cluster this bootstrap just created in an empty directory (like initdb does when it
   * fails itself), so that a retry finds the directory empty. It holds no data of anyone's yet.
   */
  private void discardHalfBootstrappedCluster(RuntimeException cause) {
    try {
      postmaster.stop(StopMode.IMMEDIATE, Duration.ofSeconds(30));
      if (Files.exists(config.dataDir())) {
        dataDir.empty();
      }
    } catch (RuntimeException | IOException e) {
      cause.addSuppressed(e);
    }
  }

  void createReplica(Upstream leader, Duration timeout) {
    whileStopped("creating a replica", () -> cloner.clone(leader, timeout));
  }

  void createReplicaWithoutLeader(Duration timeout) {
    whileStopped("creating a replica", () -> cloner.cloneWithoutLeader(timeout));
  }

  /** Throws the stopped server's data directory away and clones {@code leader} again. */
  void recreateReplica(Upstream leader, Duration timeout) {
    whileStopped("reinitializing", () -> cloner.reclone(leader, timeout));
  }

  private void whileStopped(String purpose, Runnable work) {
    lock.lock();
    try {
      postmaster.requireStopped(purpose);
      work.run();
    } finally {
      lock.unlock();
    }
  }

  /** Starts as a primary ({@code standby} false) or a standby of {@code leader} (may be null). */
  void start(boolean standby, Upstream leader, Duration timeout) {
    long fenceEpoch = fencing.epoch();
    lock.lock();
    try {
      start(standby, leader, timeout, fenceEpoch);
    } finally {
      lock.unlock();
    }
  }

  /** Starts as the standby leader of a standby cluster, following {@code source}. */
  void startFollowing(StandbySource source, Duration timeout) {
    lock.lock();
    try {
      start(true, () -> settings.source(source), source.toString(), timeout, fencing.epoch());
    } finally {
      lock.unlock();
    }
  }

  /** Creates the standby leader's data directory as a copy of the primary cluster's primary. */
  void createStandbyLeader(Upstream remote, List<String> methods, Duration timeout) {
    whileStopped(
        "creating a standby leader", () -> cloner.cloneForStandbyCluster(remote, methods, timeout));
  }

  /**
   * Points the running standby leader at {@code source}; restarts where {@code restore_command}
   * needs it (before PostgreSQL 14).
   */
  void followSource(StandbySource source) {
    lock.lock();
    try {
      Promoter.requireStandby(config.name(), "follow the primary cluster", sql.probe());
      int version = sql.serverVersion();
      settings.source(source);
      if (version < 140000) {
        restart(Duration.ofMinutes(5));
        return;
      }
      settings.reload();
      LOG.info("{}: now following {}", config.name(), source);
    } finally {
      lock.unlock();
    }
  }

  /**
   * @param fenceEpoch {@link Fencing#epoch()} when the caller decided; a fence since then forbids
   *     starting read-write (a standby may start)
   */
  private void start(boolean standby, Upstream leader, Duration timeout, long fenceEpoch) {
    start(
        standby,
        () -> settings.upstream(leader),
        !standby ? "primary" : leader == null ? "standby with no upstream" : "standby of " + leader,
        timeout,
        fenceEpoch);
  }

  /**
   * @param pointAt sets what a standby streams from in {@link #settings} (before the files are
   *     written)
   */
  private void start(
      boolean standby, Runnable pointAt, String as, Duration timeout, long fenceEpoch) {
    long deadline = Deadlines.deadline(timeout);
    long logOffset = launch(standby, pointAt, as, fenceEpoch);
    postmaster.awaitReady(Deadlines.remaining(deadline), logOffset);
  }

  /** Writes the files and launches the postmaster; returns where its log output starts. */
  private long launch(boolean standby, Runnable pointAt, String as, long fenceEpoch) {
    if (!standby) {
      fencing.requireNoneSince(fenceEpoch, "starting PostgreSQL read-write");
    }
    if (!dataDir.isInitialized()) {
      throw new PostgresControlException(
          Kind.DATA_DIR_MISSING,
          "data directory " + config.dataDir() + " holds no cluster: bootstrap or clone first");
    }
    dataDir.checkOwner();
    postmaster.requireStopped("start");
    pointAt.run();
    settings.writeForStart(standby);
    long logOffset = postmaster.launch(as);
    if (!standby && fencing.epoch() != fenceEpoch) {
      // A fence that came before the postmaster was known could not stop it: do it here.
      postmaster.quit(Duration.ofSeconds(10));
      fencing.requireNoneSince(fenceEpoch, "starting PostgreSQL read-write");
    }
    return logOffset;
  }

  void stop(StopMode mode, Duration timeout) {
    lock.lock();
    try {
      // A smart shutdown would wait for it.
      promoter.discardConnection();
      postmaster.stop(mode, timeout);
    } finally {
      lock.unlock();
    }
  }

  /** See {@link PostgresController#stopPrimary}. */
  void stopPrimary(Duration timeout, Optional<Duration> abortAfter) {
    if (abortAfter.isEmpty()) {
      stop(StopMode.FAST, timeout);
      return;
    }
    lock.lock();
    try {
      promoter.discardConnection();
      postmaster.stopWithin(abortAfter.get());
    } finally {
      lock.unlock();
    }
  }

  /** Stops (fast) and starts again in the same role and with the same leader. */
  void restart(Duration timeout) {
    restart(timeout, () -> {});
  }

  /** A change to the data directory made while the server is stopped. */
  interface WhileStopped {
    void run() throws java.io.IOException;
  }

  /**
   * Stops (fast), makes {@code change}, and starts again in the same role; when the change fails
   * the server is started all the same and COMMAND_FAILED names it.
   */
  void restart(Duration timeout, WhileStopped change) {
    long fenceEpoch = fencing.epoch();
    lock.lock();
    try {
      long deadline = Deadlines.deadline(timeout);
      boolean standby = settings.standbySignal();
      promoter.discardConnection();
      postmaster.stop(StopMode.FAST, Deadlines.remaining(deadline));
      java.io.IOException failed = null;
      try {
        change.run();
      } catch (java.io.IOException e) {
        failed = e;
      }
      startAgain(standby, deadline, fenceEpoch);
      if (failed != null) {
        throw new PostgresControlException(
            PostgresControlException.Kind.COMMAND_FAILED,
            config.name() + ": changing the stopped data directory failed: " + failed.getMessage(),
            failed);
      }
    } finally {
      lock.unlock();
    }
  }

  private void startAgain(boolean standby, long deadline, long fenceEpoch) {
    StandbySource source = settings.source();
    if (standby && source != null) {
      start(true, () -> {}, source.toString(), Deadlines.remaining(deadline), fenceEpoch);
    } else {
      start(
          standby, standby ? settings.upstream() : null, Deadlines.remaining(deadline), fenceEpoch);
    }
  }

  /**
   * What the probe saw: while the server is a standby, a connection is kept open for its promotion.
   * Takes no lock: the probe waits for no role change.
   */
  void observed(PostgresStatus status) {
    promoter.observed(status);
  }

  /** Closes the connection kept for a promotion. */
  void close() {
    promoter.discardConnection();
  }

  Promotion promote(Duration timeout, Consumer<PostgresStatus> whenWritable) {
    long fenceEpoch = fencing.epoch();
    lock.lock();
    try {
      if (!postmaster.isRunning()) {
        Promoter.requireStandby(config.name(), "promote", sql.probe());
      }
      return promoter.promote(timeout, whenWritable, fenceEpoch);
    } finally {
      lock.unlock();
    }
  }

  /** See {@link PostgresController#demote}. */
  Demotion demote(Upstream leader, Duration timeout, Optional<Duration> abortAfter) {
    lock.lock();
    try {
      long deadline = Deadlines.deadline(timeout);
      promoter.discardConnection();
      if (postmaster.isRunning()) {
        checkpointIfPrimary(abortAfter);
        // A primary (no standby.signal), whether it answered or not, gets the bounded stop.
        if (abortAfter.isPresent() && !settings.standbySignal()) {
          postmaster.stopWithin(abortAfter.get());
        } else {
          postmaster.stop(StopMode.FAST, Deadlines.remaining(deadline));
        }
      }
      if (!dataDir.isInitialized()) {
        throw new PostgresControlException(
            Kind.DATA_DIR_MISSING,
            "data directory " + config.dataDir() + " holds no cluster: clone it instead");
      }
      ControlData local = controlFile.read();
      TimelineQueries.LeaderTimeline leaderTimeline = timelines.leaderTimeline(leader);
      if (!leaderTimeline.systemIdentifier().equals(local.systemIdentifier())) {
        throw new PostgresControlException(
            Kind.SYSTEM_ID_MISMATCH,
            config.name()
                + " cannot follow "
                + leader
                + ": it belongs to another cluster (system identifier "
                + leaderTimeline.systemIdentifier()
                + ", ours "
                + local.systemIdentifier()
                + "). PostgreSQL stays stopped and its data directory is kept");
      }
      DivergenceCheck.Verdict verdict =
          DivergenceCheck.check(local, leaderTimeline.timeline(), leaderTimeline.history());
      LOG.info("{}: joining {} as a standby: {}", config.name(), leader, verdict.reason());
      Demotion demotion =
          verdict.rewindNeeded()
              ? rewind(leader, verdict, Deadlines.remaining(deadline))
              : new Demotion(Demotion.Outcome.FOLLOWED, verdict.reason());
      start(true, leader, Deadlines.remaining(deadline), fencing.epoch());
      return demotion;
    } finally {
      lock.unlock();
    }
  }

  /**
   * pg_rewind from the leader; when it fails, a new clone if allowed, else REWIND_FAILED. As
   * Patroni: a data directory pg_rewind cannot work on (neither data checksums nor {@code
   * wal_log_hints}) is cloned again at once when {@code
   * remove_data_directory_on_diverged_timelines} allows it.
   */
  private Demotion rewind(Upstream leader, DivergenceCheck.Verdict verdict, Duration timeout) {
    long deadline = Deadlines.deadline(timeout);
    if (config.removeDataDirOnDivergedTimelines() && !controlFile.allowsRewind()) {
      LOG.warn(
          "{}: {}, and pg_rewind cannot work on this data directory (neither data checksums nor"
              + " wal_log_hints): removing it and cloning {} again, as"
              + " remove_data_directory_on_diverged_timelines allows",
          config.name(),
          verdict.reason(),
          leader);
      cloner.reclone(leader, timeout);
      return new Demotion(
          Demotion.Outcome.RECLONED,
          verdict.reason()
              + "; pg_rewind cannot work here, so the data directory was cloned again"
              + " (remove_data_directory_on_diverged_timelines)");
    }
    CommandResult rewind = runRewind(leader, timeout);
    if (rewind.succeeded()) {
      LOG.info("{}: pg_rewind: {}", config.name(), rewind.outputTail().replace('\n', ' '));
      return new Demotion(Demotion.Outcome.REWOUND, verdict.reason() + "; pg_rewind rewound it");
    }
    if (config.removeDataDirAllowed()) {
      LOG.warn(
          "{}: pg_rewind failed ({}); cloning again as allowed", config.name(), rewind.describe());
      cloner.clone(leader, Deadlines.remaining(deadline));
      return new Demotion(
          Demotion.Outcome.RECLONED,
          verdict.reason() + "; pg_rewind failed, so the data directory was cloned again");
    }
    throw new PostgresControlException(
        Kind.REWIND_FAILED,
        config.name()
            + " cannot follow "
            + leader
            + ": "
            + verdict.reason()
            + ", and "
            + rewind.describe()
            + " (postgresql.authentication.rewind: "
            + config.rewind().security().describe()
            + "). PostgreSQL stays stopped and its data directory is kept, because"
            + " postgresql.removeDataDirAllowed is false; reinitialize it by hand or allow"
            + " removal");
  }

  /**
   * A checkpoint on a primary, so that the shutdown checkpoint is quick; with a stop limit ({@code
   * primary_stop_timeout}) the connection and the checkpoint are bounded by it, as in Patroni.
   */
  private void checkpointIfPrimary(Optional<Duration> limit) {
    int connectSeconds = limit.map(l -> (int) Math.max(1, l.toSeconds())).orElse(60);
    try (Connection c = sql.connect(connectSeconds);
        Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
        rs.next();
        if (rs.getBoolean(1)) {
          return;
        }
      }
      if (limit.isPresent()) {
        s.execute("SET statement_timeout = " + limit.get().toMillis());
      }
      s.execute("CHECKPOINT");
    } catch (SQLException e) {
      LOG.warn("{}: checkpoint before demotion failed: {}", config.name(), e.getMessage());
    }
  }

  private CommandResult runRewind(Upstream leader, Duration timeout) {
    RoleCredentials role = config.rewind();
    try (SecretFile passFile = SecretFile.passFile(role, tools.runAs())) {
      List<String> source =
          new ArrayList<>(
              List.of(
                  "host",
                  leader.host(),
                  "port",
                  Integer.toString(leader.port()),
                  "user",
                  role.name(),
                  "dbname",
                  "postgres",
                  "connect_timeout",
                  "5"));
      source.addAll(passFile.passfileKeywords());
      source.addAll(role.security().libpqKeywords());
      LOG.info("{}: running pg_rewind from {}", config.name(), leader);
      return tools.run(
          List.of(
              tools.binary("pg_rewind").toString(),
              "--target-pgdata=" + config.dataDir(),
              "--source-server=" + ManagedFiles.conninfo(source)),
          Map.of(),
          timeout);
    }
  }

  /** See {@link PostgresController#follow(Upstream, boolean)}. */
  void follow(Upstream leader, boolean upstreamIsLeader) {
    lock.lock();
    try {
      Promoter.requireStandby(config.name(), "follow another leader", sql.probe());
      if (upstreamIsLeader && rejoinedBecauseDiverged(leader, "")) {
        return;
      }
      Optional<Integer> oldReceiver =
          upstreamIsLeader ? timelines.walReceiverPid() : Optional.empty();
      int version = sql.serverVersion();
      settings.upstream(leader);
      if (version < 130000) {
        restart(Duration.ofMinutes(5));
      } else {
        settings.reload();
        // Until the WAL receiver of the old upstream has gone, a deposed primary that runs again
        // (a thawed host) can still send it WAL the new leader never had, after the check above.
        oldReceiver.ifPresent(this::awaitOldReceiverGone);
      }
      if (upstreamIsLeader
          && rejoinedBecauseDiverged(leader, " once the old upstream's WAL receiver had ended")) {
        return;
      }
      LOG.info("{}: now following {}", config.name(), leader);
    } finally {
      lock.unlock();
    }
  }

  /**
   * A replica that received more than the member a failover promoted would wait forever for WAL
   * that never comes: it rejoins as a returning primary does, rewinding first. True when it did.
   */
  private boolean rejoinedBecauseDiverged(Upstream leader, String when) {
    Optional<DivergenceCheck.Verdict> diverged = divergenceFrom(leader);
    if (diverged.isEmpty() || !diverged.get().rewindNeeded()) {
      return false;
    }
    LOG.warn(
        "{}: cannot simply follow {}{}: {}; stopping to rejoin it",
        config.name(),
        leader,
        when,
        diverged.get().reason());
    demote(leader, Duration.ofMinutes(5), Optional.empty());
    return true;
  }

  private void awaitOldReceiverGone(int pid) {
    if (!timelines.awaitWalReceiverGone(pid, OLD_RECEIVER_WAIT)) {
      LOG.warn(
          "{}: the WAL receiver of the old upstream (pid {}) still runs {} ms after the reload;"
              + " checking the divergence anyway",
          config.name(),
          pid,
          OLD_RECEIVER_WAIT.toMillis());
    }
  }

  /**
   * Compares this running standby's replay timeline and WAL position with the leader's history.
   * Empty when the local position cannot be read (the standby is then pointed at the leader as
   * before, and PostgreSQL itself refuses a history that does not fit).
   */
  private Optional<DivergenceCheck.Verdict> divergenceFrom(Upstream leader) {
    TimelineQueries.LeaderTimeline leaderTimeline = timelines.leaderTimeline(leader);
    return timelines
        .standbyPosition()
        .map(l -> DivergenceCheck.check(l, leaderTimeline.timeline(), leaderTimeline.history()));
  }
}
