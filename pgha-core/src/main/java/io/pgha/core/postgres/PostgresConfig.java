package io.pgha.core.postgres;

import io.pgha.core.config.AfterBootstrap;
import io.pgha.core.config.Credentials;
import io.pgha.core.config.PghaConfig;
import io.pgha.core.config.PostgresSettings;
import io.pgha.core.config.ReplicaMethod;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * How pgha runs the local PostgreSQL server: the postgres package's own view of {@link
 * PghaConfig#postgres()}, made with {@link #of}. Configure PostgreSQL through {@link PghaConfig};
 * this record is public only because the agent reads the controller's connect address and superuser
 * from it. Immutable; {@link #toString()} masks the passwords.
 *
 * @param name the member name: {@code application_name} of its replication connection (what {@code
 *     synchronous_standby_names} lists) and the source of its replication slot name
 * @param dataDir the data directory (absolute)
 * @param binDir directory of the PostgreSQL binaries; null to locate them (PATH, then the newest
 *     {@code /usr/lib/postgresql/<major>/bin})
 * @param listenAddresses {@code listen_addresses}
 * @param port {@code port}
 * @param connectHost the host other members and clients use to reach this server
 * @param socketDirectory {@code unix_socket_directories}; null for none (TCP only)
 * @param superuser the superuser pgha connects as (created by initdb)
 * @param replication the role replicas stream with (created at bootstrap)
 * @param rewind the role pg_rewind connects as (created at bootstrap with the grants it needs; may
 *     be the superuser)
 * @param initdbOptions extra initdb options; {@code --data-checksums} by default so pg_rewind works
 * @param hbaEntries pg_hba.conf lines written after the ones pgha needs, or the whole file when
 *     {@code hbaExact}
 * @param hbaExact whether {@code hbaEntries} is the whole pg_hba.conf (Patroni's {@code
 *     postgresql.pg_hba}, written exactly as given)
 * @param parameters PostgreSQL parameters written to the file pgha owns ({@value
 *     ManagedFiles#MANAGED_CONF}); the ones pgha sets itself are refused
 * @param runAsUser the OS user PostgreSQL runs as when it differs from the JVM's (the JVM must then
 *     be root); null to run as the JVM's user, as in production
 * @param removeDataDirAllowed whether pgha may empty the data directory to clone again when
 *     pg_rewind fails (Patroni's {@code remove_data_directory_on_rewind_failure})
 * @param useSlots whether replicas stream through a physical replication slot named after them
 * @param noStream the member is tagged {@code nostream}: as a replica it does not stream (no {@code
 *     primary_conninfo}, no slot) and replays WAL from the archive ({@code restore_command})
 * @param logFile where the postmaster's output goes
 * @param replicaCreators how to create a replica, tried in order ({@link BaseBackupReplicaCreator}
 *     by default)
 * @param customBootstrap how a new cluster is made instead of initdb (Patroni's {@code
 *     bootstrap.method}); null for initdb
 * @param createReplicaTimeout how long one replica creator may run before it is killed
 * @param basebackupOptions options added to pg_basebackup's (Patroni's {@code
 *     postgresql.basebackup}), each {@code --name} or {@code --name=value}
 * @param recoveryConf recovery parameters a replica gets besides pgha's (Patroni's {@code
 *     postgresql.recovery_conf}); empty to take the {@code config} key's
 * @param customConf the file postgresql.conf includes instead of initdb's (Patroni's {@code
 *     postgresql.custom_conf}); null for initdb's
 * @param pgIdent the whole pg_ident.conf (Patroni's {@code postgresql.pg_ident}); empty to take the
 *     {@code config} key's, or leave the file as it is
 * @param clusterName PostgreSQL's {@code cluster_name}, the scope as Patroni sets it; null for none
 * @param removeDataDirOnDivergedTimelines whether pgha may empty the data directory to clone again
 *     when its timeline diverged from the leader's and pg_rewind cannot run on it (neither data
 *     checksums nor {@code wal_log_hints}; Patroni's {@code
 *     remove_data_directory_on_diverged_timelines})
 * @param afterBootstrap the script and roles of a new cluster ({@code bootstrap.post_bootstrap},
 *     {@code bootstrap.users})
 */
public record PostgresConfig(
    String name,
    Path dataDir,
    Path binDir,
    String listenAddresses,
    int port,
    String connectHost,
    Path socketDirectory,
    RoleCredentials superuser,
    RoleCredentials replication,
    RoleCredentials rewind,
    List<String> initdbOptions,
    List<String> hbaEntries,
    boolean hbaExact,
    Map<String, String> parameters,
    String runAsUser,
    boolean removeDataDirAllowed,
    boolean useSlots,
    boolean noStream,
    Path logFile,
    List<ReplicaCreator> replicaCreators,
    CustomBootstrap customBootstrap,
    java.time.Duration createReplicaTimeout,
    List<String> basebackupOptions,
    Map<String, String> recoveryConf,
    Path customConf,
    List<String> pgIdent,
    String clusterName,
    boolean removeDataDirOnDivergedTimelines,
    AfterBootstrap afterBootstrap) {

  /** Parameters pgha writes itself; configuring them is refused. */
  static final Set<String> RESERVED_PARAMETERS = PostgresSettings.RESERVED_PARAMETERS;

  /** initdb options pgha passes itself; configuring them is refused. */
  static final Set<String> RESERVED_INITDB_OPTIONS = PostgresSettings.RESERVED_INITDB_OPTIONS;

  /** Validates and copies. */
  public PostgresConfig {
    require(name != null && !name.isBlank(), "name", name, "a non-blank member name");
    require(
        dataDir != null && dataDir.isAbsolute(), "dataDir", dataDir, "an absolute directory path");
    require(binDir == null || binDir.isAbsolute(), "binDir", binDir, "an absolute path or unset");
    require(
        listenAddresses != null && !listenAddresses.isBlank(),
        "listenAddresses",
        listenAddresses,
        "a host, a comma-separated list or '*'");
    require(port >= 1 && port <= 65535, "port", port, "1..65535");
    require(
        connectHost != null && !connectHost.isBlank(),
        "connectHost",
        connectHost,
        "the host others reach this server at");
    require(
        socketDirectory == null || socketDirectory.isAbsolute(),
        "socketDirectory",
        socketDirectory,
        "an absolute path or unset");
    require(superuser != null, "superuser", null, "role credentials");
    require(replication != null, "replication", null, "role credentials");
    require(rewind != null, "rewind", null, "role credentials");
    require(
        runAsUser == null || !runAsUser.isBlank(), "runAsUser", runAsUser, "a user name or unset");
    require(logFile != null && logFile.isAbsolute(), "logFile", logFile, "an absolute file path");
    initdbOptions = List.copyOf(initdbOptions);
    for (String option : initdbOptions) {
      String key = option.contains("=") ? option.substring(0, option.indexOf('=')) : option;
      require(
          !RESERVED_INITDB_OPTIONS.contains(key),
          "initdbOptions",
          option,
          "options other than " + RESERVED_INITDB_OPTIONS + ", which pgha sets itself");
    }
    hbaEntries = List.copyOf(hbaEntries);
    for (String line : hbaEntries) {
      require(
          !line.isBlank() && !line.contains("\n"), "hbaEntries", line, "one non-blank line each");
    }
    parameters = checkedParameters(parameters);
    replicaCreators = List.copyOf(replicaCreators);
    require(!replicaCreators.isEmpty(), "replicaCreators", replicaCreators, "at least one");
    require(
        createReplicaTimeout != null
            && !createReplicaTimeout.isNegative()
            && !createReplicaTimeout.isZero(),
        "create_replica_timeout",
        createReplicaTimeout,
        "a positive duration");
    basebackupOptions = List.copyOf(basebackupOptions);
    for (String option : basebackupOptions) {
      PostgresSettings.basebackupProblem(option)
          .ifPresent(
              problem -> {
                throw new IllegalArgumentException(problem);
              });
    }
    recoveryConf = checkedParameters(recoveryConf);
    pgIdent = List.copyOf(pgIdent);
    afterBootstrap = Objects.requireNonNullElse(afterBootstrap, AfterBootstrap.NONE);
  }

  /**
   * Copies PostgreSQL parameters after checking their names, refusing those pgha sets itself.
   *
   * @throws IllegalArgumentException naming the parameter and its value
   */
  static Map<String, String> checkedParameters(Map<String, String> parameters) {
    for (Map.Entry<String, String> entry : parameters.entrySet()) {
      String key = entry.getKey();
      require(
          key != null && key.matches("[A-Za-z_][A-Za-z0-9_.]*"),
          "parameters",
          key,
          "a PostgreSQL parameter name (letters, digits, '_', '.')");
      require(
          !RESERVED_PARAMETERS.contains(key.toLowerCase(java.util.Locale.ROOT)),
          "parameters." + key,
          entry.getValue(),
          "no value: pgha manages " + RESERVED_PARAMETERS);
      require(entry.getValue() != null, "parameters." + key, null, "a value");
      // A line break would end the value in postgresql.conf and start a setting of its own.
      require(
          entry.getValue().chars().noneMatch(Character::isISOControl),
          "parameters." + key,
          entry.getValue().replaceAll("\\p{Cntrl}", "?"),
          "a value without line breaks or control characters");
    }
    return Map.copyOf(parameters);
  }

  private static void require(boolean ok, String key, Object value, String allowed) {
    if (!ok) {
      throw new IllegalArgumentException(
          "postgresql." + key + " (" + value + ") is invalid: expected " + allowed);
    }
  }

  /** The host pgha itself connects to: loopback when listening on all addresses. */
  String localHost() {
    String first = listenAddresses.split(",")[0].trim();
    return first.equals("*") || first.equals("0.0.0.0") || first.equals("::") ? "127.0.0.1" : first;
  }

  /** The physical replication slot this member streams through, on whoever it follows. */
  public String slotName() {
    return ReplicationSlots.slotNameFor(name);
  }

  /**
   * The settings of {@code config}'s {@code postgresql} section (checked when {@code config} was
   * built).
   *
   * @param replicaCreators how to create a replica, tried in order; empty for the configuration's
   *     {@code create_replica_methods}
   */
  public static PostgresConfig of(PghaConfig config, List<ReplicaCreator> replicaCreators) {
    return of(config, replicaCreators, null);
  }

  /**
   * The settings of {@code config}'s {@code postgresql} section, with replica creators and a custom
   * bootstrap method (null for initdb).
   */
  public static PostgresConfig of(
      PghaConfig config, List<ReplicaCreator> replicaCreators, CustomBootstrap customBootstrap) {
    PostgresSettings pg = config.postgres();
    Builder b =
        builder(config.name(), pg.dataDir())
            .binDir(pg.binDir())
            .listenAddresses(pg.listen().host())
            .port(pg.listen().port())
            .connectHost(pg.connectAddress().host())
            .socketDirectory(pg.socketDirectory())
            .superuser(
                new RoleCredentials(
                    pg.superuser().username(), password(pg.superuser()), pg.superuserSecurity()))
            .replication(
                new RoleCredentials(
                    pg.replication().username(),
                    password(pg.replication()),
                    pg.replicationSecurity()))
            .rewind(
                new RoleCredentials(
                    pg.rewind().username(), password(pg.rewind()), pg.rewindSecurity()))
            .initdbOptions(pg.initdbOptions())
            .hbaEntries(pg.pgHba(), pg.pgHbaExact())
            .runAsUser(pg.runAsUser())
            .removeDataDirAllowed(pg.removeDataDirectoryOnRewindFailure())
            .removeDataDirOnDivergedTimelines(pg.removeDataDirectoryOnDivergedTimelines())
            .afterBootstrap(config.afterBootstrap())
            .useSlots(pg.useSlots())
            .noStream(Boolean.parseBoolean(config.tags().get("nostream")))
            .logFile(pg.logFile());
    pg.parameters().forEach(b::parameter);
    b.replicaCreators(
        replicaCreators.isEmpty()
            ? creatorsOf(config.scope(), pg.replicaMethods(), pg.basebackupOptions())
            : replicaCreators);
    b.createReplicaTimeout(pg.createReplicaTimeout());
    b.customBootstrap(customBootstrap);
    b.basebackupOptions(pg.basebackupOptions());
    b.recoveryConf(pg.recoveryConf());
    b.customConf(pg.customConf());
    b.pgIdent(pg.pgIdent());
    b.clusterName(config.scope());
    return b.build();
  }

  /**
   * The creators of {@code postgresql.create_replica_methods}: {@code basebackup} built in, the
   * others running their command from the member's working directory (as Patroni runs them).
   */
  static List<ReplicaCreator> creatorsOf(
      String scope, List<ReplicaMethod> methods, List<String> basebackupOptions) {
    Path workingDirectory = Path.of("").toAbsolutePath();
    return methods.stream()
        .map(
            m ->
                m.isBasebackup()
                    ? (ReplicaCreator) new BaseBackupReplicaCreator(basebackupOptions)
                    : new CommandReplicaCreator(m, scope, workingDirectory))
        .toList();
  }

  private static String password(Credentials c) {
    return c.passwordIfSet().orElse("");
  }

  /** Starts a builder with the defaults listed on {@link Builder}. */
  static Builder builder(String name, Path dataDir) {
    return new Builder(name, dataDir);
  }

  /** Masks every password. */
  @Override
  public String toString() {
    return "PostgresConfig[name="
        + name
        + ", dataDir="
        + dataDir
        + ", binDir="
        + (binDir == null ? "(locate)" : binDir)
        + ", listen="
        + listenAddresses
        + ":"
        + port
        + ", connectHost="
        + connectHost
        + ", superuser="
        + superuser
        + ", replication="
        + replication
        + ", rewind="
        + rewind
        + ", initdbOptions="
        + initdbOptions
        + ", parameters="
        + parameters
        + ", runAsUser="
        + runAsUser
        + ", removeDataDirAllowed="
        + removeDataDirAllowed
        + ", useSlots="
        + useSlots
        + ", noStream="
        + noStream
        + ", basebackupOptions="
        + basebackupOptions
        + ", recoveryConf="
        + recoveryConf.keySet()
        + ", customConf="
        + customConf
        + "]";
  }

  /**
   * Builds a {@link PostgresConfig}. The superuser and replication roles must be set; the rewind
   * role defaults to the superuser. Defaults: listen on 127.0.0.1:5432 and connect there, no unix
   * socket, initdb {@code --data-checksums --encoding=UTF8}, pg_hba allowing the loopback
   * addresses, run as the JVM's user, never remove the data directory, use slots, log to {@code
   * <dataDir>.log}, clone with pg_basebackup.
   */
  static final class Builder {
    private final String name;
    private final Path dataDir;
    private Path binDir;
    private String listenAddresses = "127.0.0.1";
    private int port = 5432;
    private String connectHost;
    private Path socketDirectory;
    private RoleCredentials superuser;
    private RoleCredentials replication;
    private RoleCredentials rewind;
    private List<String> initdbOptions = PostgresSettings.DEFAULT_INITDB_OPTIONS;
    private List<String> hbaEntries = PostgresSettings.DEFAULT_PG_HBA;
    private boolean hbaExact;
    private final Map<String, String> parameters = new LinkedHashMap<>();
    private String runAsUser;
    private boolean removeDataDirAllowed;
    private boolean useSlots = true;
    private boolean noStream;
    private Path logFile;
    private List<ReplicaCreator> replicaCreators = List.of(new BaseBackupReplicaCreator(List.of()));
    private CustomBootstrap customBootstrap;
    private java.time.Duration createReplicaTimeout =
        PostgresSettings.DEFAULT_CREATE_REPLICA_TIMEOUT;
    private List<String> basebackupOptions = List.of();
    private Map<String, String> recoveryConf = Map.of();
    private Path customConf;
    private List<String> pgIdent = List.of();
    private String clusterName;
    private boolean removeDataDirOnDivergedTimelines;
    private AfterBootstrap afterBootstrap = AfterBootstrap.NONE;

    private Builder(String name, Path dataDir) {
      this.name = name;
      this.dataDir = dataDir;
    }

    /** Directory of the PostgreSQL binaries (default: located). */
    public Builder binDir(Path value) {
      this.binDir = value;
      return this;
    }

    /** {@code listen_addresses} (default 127.0.0.1). */
    public Builder listenAddresses(String value) {
      this.listenAddresses = value;
      return this;
    }

    /** {@code port} (default 5432). */
    public Builder port(int value) {
      this.port = value;
      return this;
    }

    /** The address others reach this server at (default: the first listen address). */
    public Builder connectHost(String value) {
      this.connectHost = value;
      return this;
    }

    /** {@code unix_socket_directories} (default: none). */
    public Builder socketDirectory(Path value) {
      this.socketDirectory = value;
      return this;
    }

    /** The superuser (required). */
    public Builder superuser(String user, String password) {
      this.superuser = new RoleCredentials(user, password);
      return this;
    }

    /** The superuser with its connection security. */
    Builder superuser(RoleCredentials role) {
      this.superuser = role;
      return this;
    }

    /** The replication role with its connection security. */
    Builder replication(RoleCredentials role) {
      this.replication = role;
      return this;
    }

    /** The pg_rewind role with its connection security. */
    Builder rewind(RoleCredentials role) {
      this.rewind = role;
      return this;
    }

    /** The replication role (required). */
    public Builder replication(String user, String password) {
      this.replication = new RoleCredentials(user, password);
      return this;
    }

    /** The pg_rewind role (default: the superuser). */
    public Builder rewind(String user, String password) {
      this.rewind = new RoleCredentials(user, password);
      return this;
    }

    /** Replaces the initdb options (default {@code --data-checksums --encoding=UTF8}). */
    public Builder initdbOptions(List<String> value) {
      this.initdbOptions = List.copyOf(value);
      return this;
    }

    /** Replaces the configured pg_hba.conf lines (default: loopback with scram-sha-256). */
    public Builder hbaEntries(List<String> value) {
      return hbaEntries(value, false);
    }

    /**
     * Replaces the configured pg_hba.conf lines; {@code exact}: they are the whole file, without
     * pgha's own lines.
     */
    public Builder hbaEntries(List<String> value, boolean exact) {
      this.hbaEntries = List.copyOf(value);
      this.hbaExact = exact;
      return this;
    }

    /** Adds a PostgreSQL parameter to the file pgha owns. */
    public Builder parameter(String key, String value) {
      this.parameters.put(key, value);
      return this;
    }

    /** Runs PostgreSQL as this OS user (needs a root JVM); default: the JVM's user. */
    public Builder runAsUser(String value) {
      this.runAsUser = value;
      return this;
    }

    /** Allows emptying the data directory to clone again when pg_rewind fails (default false). */
    public Builder removeDataDirAllowed(boolean value) {
      this.removeDataDirAllowed = value;
      return this;
    }

    /** Whether replicas use replication slots (default true). */
    public Builder useSlots(boolean value) {
      this.useSlots = value;
      return this;
    }

    /** Where the postmaster's output goes (default {@code <dataDir>.log}). */
    /** Whether the member is tagged {@code nostream} (default false). */
    public Builder noStream(boolean value) {
      this.noStream = value;
      return this;
    }

    public Builder logFile(Path value) {
      this.logFile = value;
      return this;
    }

    /** How replicas are created, tried in order (default: pg_basebackup). */
    public Builder replicaCreators(List<ReplicaCreator> value) {
      this.replicaCreators = new ArrayList<>(value);
      return this;
    }

    /** How long one replica creator may run (default one hour). */
    public Builder createReplicaTimeout(java.time.Duration value) {
      this.createReplicaTimeout = value;
      return this;
    }

    /** Options added to pg_basebackup's own (default none). */
    Builder basebackupOptions(List<String> value) {
      this.basebackupOptions = List.copyOf(value);
      return this;
    }

    /** Recovery parameters of a replica besides pgha's (default none). */
    Builder recoveryConf(Map<String, String> value) {
      this.recoveryConf = new LinkedHashMap<>(value);
      return this;
    }

    /** The file postgresql.conf includes instead of initdb's (default null: initdb's). */
    Builder customConf(Path value) {
      this.customConf = value;
      return this;
    }

    /** The whole pg_ident.conf (default empty: not written). */
    Builder pgIdent(List<String> value) {
      this.pgIdent = List.copyOf(value);
      return this;
    }

    /**
     * PostgreSQL's {@code cluster_name}, which names the cluster in its process titles and in
     * {@code pg_stat_replication}'s view of the standbys; Patroni sets it to the scope, over any
     * configured value (default null: not written).
     */
    public Builder clusterName(String value) {
      this.clusterName = value;
      return this;
    }

    /** Whether a diverged data directory pg_rewind cannot rewind may be cloned again. */
    public Builder removeDataDirOnDivergedTimelines(boolean value) {
      this.removeDataDirOnDivergedTimelines = value;
      return this;
    }

    /** The script and roles of a new cluster (default none). */
    public Builder afterBootstrap(AfterBootstrap value) {
      this.afterBootstrap = value;
      return this;
    }

    /** How a new cluster is made instead of initdb (default: null, initdb). */
    public Builder customBootstrap(CustomBootstrap value) {
      this.customBootstrap = value;
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws IllegalArgumentException naming the key, the value and what is allowed
     */
    public PostgresConfig build() {
      Objects.requireNonNull(superuser, "postgresql.superuser must be set (name and password)");
      Objects.requireNonNull(replication, "postgresql.replication must be set (name and password)");
      RoleCredentials rewindRole = rewind == null ? superuser : rewind;
      String connect = connectHost != null ? connectHost : listenAddresses.split(",")[0].trim();
      if (connect.equals("*") || connect.equals("0.0.0.0")) {
        connect = "127.0.0.1";
      }
      Path log =
          logFile != null
              ? logFile
              : dataDir == null ? null : dataDir.resolveSibling(dataDir.getFileName() + ".log");
      return new PostgresConfig(
          name,
          dataDir,
          binDir,
          listenAddresses,
          port,
          connect,
          socketDirectory,
          superuser,
          replication,
          rewindRole,
          initdbOptions,
          hbaEntries,
          hbaExact,
          parameters,
          runAsUser,
          removeDataDirAllowed,
          useSlots,
          noStream,
          log,
          replicaCreators,
          customBootstrap,
          createReplicaTimeout,
          basebackupOptions,
          recoveryConf,
          customConf,
          pgIdent,
          clusterName,
          removeDataDirOnDivergedTimelines,
          afterBootstrap);
    }
  }
}
