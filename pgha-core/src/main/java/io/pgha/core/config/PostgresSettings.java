package io.pgha.core.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The local PostgreSQL server this member manages (Patroni's {@code postgresql} section). Set
 * through {@link PghaConfig.Builder#postgres}; checked with the rest of the configuration.
 *
 * @param dataDir the data directory (absolute)
 * @param binDir where {@code pg_ctl}, {@code initdb} ... are; null to locate them
 * @param listen the address PostgreSQL listens on
 * @param connectAddress the address other members and clients use to reach it
 * @param superuser the superuser the agent connects as
 * @param replication the user replicas stream WAL with
 * @param rewind the user {@code pg_rewind} connects as
 * @param removeDataDirectoryOnRewindFailure whether a failed pg_rewind may be followed by deleting
 *     the data directory and cloning again (Patroni's {@code
 *     remove_data_directory_on_rewind_failure})
 * @param removeDataDirectoryOnDivergedTimelines whether a diverged timeline that cannot be rewound
 *     may be repaired by deleting the data directory and cloning again (Patroni's {@code
 *     remove_data_directory_on_diverged_timelines})
 * @param parameters PostgreSQL parameters written to the file pgha owns ({@code
 *     postgresql.parameters}); those in {@link #RESERVED_PARAMETERS} are refused
 * @param pgHba pg_hba.conf lines ({@code postgresql.pg_hba})
 * @param pgHbaExact whether {@code pgHba} is the whole file, written exactly as given (Patroni's
 *     {@code postgresql.pg_hba}); when false, pgha's own lines for its roles come first (the
 *     default, and Patroni's {@code bootstrap.pg_hba}, which adds lines to initdb's file)
 * @param initdbOptions initdb options ({@code bootstrap.initdb}); those in {@link
 *     #RESERVED_INITDB_OPTIONS} are refused
 * @param socketDirectory {@code unix_socket_directories}; null for none (TCP only)
 * @param runAsUser the OS user PostgreSQL runs as when it differs from the JVM's (the JVM must then
 *     be root); null to run as the JVM's user
 * @param useSlots whether replicas stream through a physical replication slot named after them
 * @param logFile where the postmaster's output goes; null for {@code <data_dir>.log}
 * @param superuserSecurity TLS of the agent's own connections, to its server and to peers ({@code
 *     postgresql.authentication.superuser.ssl*})
 * @param replicationSecurity TLS of the replication connection ({@code primary_conninfo}) and of
 *     pg_basebackup
 * @param rewindSecurity TLS of pg_rewind's connection; the superuser's when no rewind user is set
 * @param replicaMethods how a replica is created, tried in order ({@code
 *     postgresql.create_replica_methods}); {@code [basebackup]} by default
 * @param createReplicaTimeout how long one method may run before it is killed (with every process
 *     it started), one hour by default
 * @param basebackupOptions options added to pgha's own on pg_basebackup's command line ({@code
 *     postgresql.basebackup}), each {@code --name} or {@code --name=value}; those in {@link
 *     #RESERVED_BASEBACKUP_OPTIONS} are refused, {@code --checkpoint} replaces pgha's
 * @param recoveryConf recovery parameters a replica gets besides pgha's ({@code
 *     postgresql.recovery_conf}, see {@link RecoveryConf}); empty to take the {@code config} key's
 * @param customConf the file {@code postgresql.conf} includes first instead of the one initdb wrote
 *     ({@code postgresql.custom_conf}); relative to the data directory; null for initdb's
 * @param pgIdent pg_ident.conf, written exactly as given ({@code postgresql.pg_ident}); empty to
 *     take the {@code config} key's, or else leave the file as it is
 * @param proxyAddress the address of a connection pooler in front of this server ({@code
 *     postgresql.proxy_address}), published in the member key as {@code proxy_url}; null for none
 */
public record PostgresSettings(
    Path dataDir,
    Path binDir,
    HostPort listen,
    HostPort connectAddress,
    Credentials superuser,
    Credentials replication,
    Credentials rewind,
    boolean removeDataDirectoryOnRewindFailure,
    boolean removeDataDirectoryOnDivergedTimelines,
    Map<String, String> parameters,
    List<String> pgHba,
    boolean pgHbaExact,
    List<String> initdbOptions,
    Path socketDirectory,
    String runAsUser,
    boolean useSlots,
    Path logFile,
    ConnectionSecurity superuserSecurity,
    ConnectionSecurity replicationSecurity,
    ConnectionSecurity rewindSecurity,
    List<ReplicaMethod> replicaMethods,
    java.time.Duration createReplicaTimeout,
    List<String> basebackupOptions,
    Map<String, String> recoveryConf,
    Path customConf,
    List<String> pgIdent,
    HostPort proxyAddress) {

  /** How long one replica method may run by default. */
  public static final java.time.Duration DEFAULT_CREATE_REPLICA_TIMEOUT =
      java.time.Duration.ofHours(1);

  /** Parameters pgha writes itself; configuring them is refused. */
  public static final Set<String> RESERVED_PARAMETERS =
      Set.of(
          "listen_addresses",
          "port",
          "unix_socket_directories",
          "primary_conninfo",
          "primary_slot_name",
          "synchronous_standby_names",
          "recovery_target_timeline",
          "hba_file",
          "data_directory",
          "config_file");

  /** initdb options pgha passes itself; configuring them is refused. */
  public static final Set<String> RESERVED_INITDB_OPTIONS =
      Set.of("-D", "--pgdata", "-U", "--username", "--pwfile", "-W", "--pwprompt");

  /**
   * pg_basebackup options pgha passes itself, or that would undo what it passes (Patroni's list,
   * and the member's slot); configuring them is refused.
   */
  public static final Set<String> RESERVED_BASEBACKUP_OPTIONS =
      Set.of(
          "pgdata",
          "format",
          "wal-method",
          "xlog-method",
          "gzip",
          "version",
          "compress",
          "dbname",
          "host",
          "port",
          "username",
          "password",
          "slot",
          "create-slot",
          "no-slot");

  /** Checksums, so that pg_rewind works. */
  public static final List<String> DEFAULT_INITDB_OPTIONS =
      List.of("--data-checksums", "--encoding=UTF8");

  /** Loopback connections with passwords. */
  public static final List<String> DEFAULT_PG_HBA =
      List.of("host all all 127.0.0.1/32 scram-sha-256", "host all all ::1/128 scram-sha-256");

  public PostgresSettings {
    parameters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    pgHba = List.copyOf(pgHba);
    initdbOptions = List.copyOf(initdbOptions);
    replicaMethods = List.copyOf(replicaMethods);
    basebackupOptions = List.copyOf(basebackupOptions);
    recoveryConf = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(recoveryConf));
    pgIdent = List.copyOf(pgIdent);
  }

  /**
   * What is wrong with one {@code postgresql.basebackup} option, as "key (value) rule"; empty when
   * nothing is.
   */
  public static Optional<String> basebackupProblem(String option) {
    String shown = option == null ? null : option.replaceAll("\\p{Cntrl}", "?");
    if (option == null
        || !option.matches("--[a-z][a-z0-9-]*(=.*)?")
        || option.chars().anyMatch(Character::isISOControl)) {
      return Optional.of(
          "postgresql.basebackup ("
              + shown
              + ") must be long pg_basebackup options, --name or --name=value, on one line");
    }
    String name = option.substring(2).split("=", 2)[0];
    if (RESERVED_BASEBACKUP_OPTIONS.contains(name)) {
      return Optional.of(
          "postgresql.basebackup ("
              + option
              + ") must not be one of "
              + new TreeSet<>(RESERVED_BASEBACKUP_OPTIONS)
              + ": pgha passes them itself");
    }
    return Optional.empty();
  }

  /** Whether one of the replica methods works without a member to copy from ({@code no_leader}). */
  public boolean canCreateReplicaWithoutLeader() {
    return replicaMethods.stream().anyMatch(ReplicaMethod::noLeader);
  }

  /**
   * Patroni's {@code proxy_url}, {@code postgres://host:port/postgres}, of {@link #proxyAddress()}:
   * what the member key tells clients about the pooler in front of this server.
   */
  public Optional<String> proxyUrl() {
    return Optional.ofNullable(proxyAddress).map(a -> "postgres://" + a + "/postgres");
  }

  /** Where the binaries are, when configured. */
  public Optional<Path> binDirIfSet() {
    return Optional.ofNullable(binDir);
  }

  /**
   * The keys of the {@code postgresql} section. Nothing is checked until {@link
   * PghaConfig.Builder#build()}. Defaults: superuser {@code postgres}, replication user {@code
   * replicator}, rewind user the superuser, {@link #DEFAULT_INITDB_OPTIONS}, {@link
   * #DEFAULT_PG_HBA}, no unix socket, slots on, never remove the data directory.
   */
  public static final class Builder {
    private Path dataDir;
    private Path binDir;
    private String listen;
    private String connectAddress;
    private String proxyAddress;
    private Credentials superuser = new Credentials("postgres", null);
    private Credentials replication = new Credentials("replicator", null);
    private Credentials rewind;
    private boolean removeOnRewindFailure;
    private boolean removeOnDivergedTimelines;
    private final Map<String, String> parameters = new LinkedHashMap<>();
    private List<String> pgHba = DEFAULT_PG_HBA;
    private boolean pgHbaExact;
    private List<String> initdbOptions = DEFAULT_INITDB_OPTIONS;
    private Path socketDirectory;
    private String runAsUser;
    private boolean useSlots = true;
    private Path logFile;
    private List<ReplicaMethod> replicaMethods = List.of(ReplicaMethod.basebackup());
    private java.time.Duration createReplicaTimeout = DEFAULT_CREATE_REPLICA_TIMEOUT;
    private List<String> basebackupOptions = List.of();
    private Map<String, String> recoveryConf = Map.of();
    private Path customConf;
    private List<String> pgIdent = List.of();
    private final ConnectionSecurity.Builder superuserSecurity = new ConnectionSecurity.Builder();
    private final ConnectionSecurity.Builder replicationSecurity = new ConnectionSecurity.Builder();
    private final ConnectionSecurity.Builder rewindSecurity = new ConnectionSecurity.Builder();

    Builder() {}

    /** {@code postgresql.data_dir}, absolute. Required. */
    public Builder dataDir(Path value) {
      this.dataDir = value;
      return this;
    }

    /**
     * {@code postgresql.bin_dir}; located automatically (PATH, then the newest install) if unset.
     */
    public Builder binDir(Path value) {
      this.binDir = value;
      return this;
    }

    /** {@code postgresql.listen}: {@code host:port}. Required. */
    public Builder listen(String hostPort) {
      this.listen = hostPort;
      return this;
    }

    /** {@code postgresql.connect_address}: {@code host:port}; default the listen address. */
    public Builder connectAddress(String hostPort) {
      this.connectAddress = hostPort;
      return this;
    }

    /**
     * {@code postgresql.proxy_address}: {@code host:port} of a connection pooler in front of this
     * server (pgbouncer, ...), published in the member key as {@code proxy_url} for clients to
     * read; pgha itself never connects through it.
     */
    public Builder proxyAddress(String hostPort) {
      this.proxyAddress = hostPort;
      return this;
    }

    /** The superuser; default {@code postgres} without a password. */
    public Builder superuser(String username, String password) {
      this.superuser = new Credentials(Objects.requireNonNull(username, "username"), password);
      return this;
    }

    /** The replication user; default {@code replicator} without a password. */
    public Builder replication(String username, String password) {
      this.replication = new Credentials(Objects.requireNonNull(username, "username"), password);
      return this;
    }

    /** The user pg_rewind connects as; default the superuser. */
    public Builder rewind(String username, String password) {
      this.rewind = new Credentials(Objects.requireNonNull(username, "username"), password);
      return this;
    }

    /**
     * The superuser's TLS keys ({@code postgresql.authentication.superuser.ssl*}): the agent's own
     * connections.
     */
    public Builder superuserSecurity(Consumer<ConnectionSecurity.Builder> keys) {
      keys.accept(superuserSecurity);
      return this;
    }

    /**
     * The replication user's TLS keys ({@code postgresql.authentication.replication.ssl*}): {@code
     * primary_conninfo} and pg_basebackup.
     */
    public Builder replicationSecurity(Consumer<ConnectionSecurity.Builder> keys) {
      keys.accept(replicationSecurity);
      return this;
    }

    /**
     * The rewind user's TLS keys ({@code postgresql.authentication.rewind.ssl*}); default the
     * superuser's when no rewind user is set.
     */
    public Builder rewindSecurity(Consumer<ConnectionSecurity.Builder> keys) {
      keys.accept(rewindSecurity);
      return this;
    }

    /** Allow deleting the data directory and cloning again when pg_rewind fails. Default off. */
    public Builder removeDataDirectoryOnRewindFailure(boolean allowed) {
      this.removeOnRewindFailure = allowed;
      return this;
    }

    /** Allow deleting the data directory when its timeline diverged. Default off. */
    public Builder removeDataDirectoryOnDivergedTimelines(boolean allowed) {
      this.removeOnDivergedTimelines = allowed;
      return this;
    }

    /** Adds a PostgreSQL parameter ({@code postgresql.parameters.<name>}). */
    public Builder parameter(String name, String value) {
      this.parameters.put(name, value);
      return this;
    }

    /** Adds PostgreSQL parameters. */
    public Builder parameters(Map<String, String> values) {
      this.parameters.putAll(values);
      return this;
    }

    /**
     * The whole pg_hba.conf, written exactly as given, as Patroni writes {@code postgresql.pg_hba}:
     * the lines must then let the replication user and pgha's own connections in. Without it pgha
     * writes its own lines (scram-sha-256 for the replication, superuser and rewind roles), then
     * {@link #DEFAULT_PG_HBA}.
     */
    public Builder pgHba(List<String> lines) {
      this.pgHba = List.copyOf(lines);
      this.pgHbaExact = true;
      return this;
    }

    /**
     * pg_hba.conf lines written after pgha's own lines for its roles, instead of {@link
     * #DEFAULT_PG_HBA}: Patroni's {@code bootstrap.pg_hba}, which adds lines to initdb's file.
     */
    public Builder pgHbaAfterPghaLines(List<String> lines) {
      this.pgHba = List.copyOf(lines);
      this.pgHbaExact = false;
      return this;
    }

    /** Replaces the initdb options (default {@link #DEFAULT_INITDB_OPTIONS}). */
    public Builder initdbOptions(List<String> options) {
      this.initdbOptions = List.copyOf(options);
      return this;
    }

    /** {@code unix_socket_directories} (default: none, TCP only). */
    public Builder socketDirectory(Path value) {
      this.socketDirectory = value;
      return this;
    }

    /** Runs PostgreSQL as this OS user (needs a root JVM); default the JVM's user. */
    public Builder runAsUser(String value) {
      this.runAsUser = value;
      return this;
    }

    /** Whether replicas stream through replication slots (default true). */
    public Builder useSlots(boolean value) {
      this.useSlots = value;
      return this;
    }

    /** Where the postmaster's output goes (default {@code <data_dir>.log}). */
    public Builder logFile(Path value) {
      this.logFile = value;
      return this;
    }

    /**
     * {@code postgresql.create_replica_methods} with each custom method's section: how a replica is
     * created, tried in order. Default {@code [basebackup]}.
     */
    public Builder replicaMethods(List<ReplicaMethod> methods) {
      this.replicaMethods = List.copyOf(methods);
      return this;
    }

    /**
     * How long one replica method may run before it is killed with every process it started
     * (default one hour; Patroni waits without a bound).
     */
    public Builder createReplicaTimeout(java.time.Duration value) {
      this.createReplicaTimeout = value;
      return this;
    }

    /**
     * {@code postgresql.basebackup}: options added to pg_basebackup's command line when a replica
     * is cloned, each {@code --name} or {@code --name=value} (e.g. {@code --max-rate=100M}, {@code
     * --checkpoint=spread}, {@code --label=...}). pgha passes {@code --wal-method=stream}, {@code
     * --checkpoint=fast} (unless {@code --checkpoint} is given here) and the member's slot; {@link
     * #RESERVED_BASEBACKUP_OPTIONS} are refused.
     */
    public Builder basebackupOptions(List<String> options) {
      this.basebackupOptions = List.copyOf(options);
      return this;
    }

    /**
     * {@code postgresql.recovery_conf}: recovery parameters a replica gets besides pgha's ({@code
     * restore_command}, {@code recovery_min_apply_delay}, {@code archive_cleanup_command}, {@code
     * recovery_end_command}). Other names are left out with a warning (see {@link RecoveryConf}); a
     * parameter of the same name in {@code postgresql.parameters} wins. Without it, the {@code
     * config} key's {@code postgresql.recovery_conf} applies.
     */
    public Builder recoveryConf(Map<String, String> parameters) {
      this.recoveryConf = new LinkedHashMap<>(parameters);
      return this;
    }

    /**
     * {@code postgresql.custom_conf}: a PostgreSQL configuration file that {@code postgresql.conf}
     * includes instead of the one initdb wrote (kept aside as {@code postgresql.base.conf}), before
     * pgha's own file; relative paths are relative to the data directory. The file must exist on
     * every member.
     */
    public Builder customConf(Path file) {
      this.customConf = file;
      return this;
    }

    /**
     * {@code postgresql.pg_ident}: the whole pg_ident.conf, written exactly as given. Without it,
     * the {@code config} key's {@code postgresql.pg_ident} is written, or else the file is left as
     * it is.
     */
    public Builder pgIdent(List<String> lines) {
      this.pgIdent = List.copyOf(lines);
      return this;
    }

    /** Checks every key into {@code checks}; the result is only used when there is no problem. */
    PostgresSettings build(ConfigChecks checks) {
      checks.absolutePath("postgresql.data_dir", dataDir);
      checks.directoryIfSet("postgresql.bin_dir", binDir);
      HostPort listenAt = checks.hostPort("postgresql.listen", listen, true);
      HostPort connectAt =
          checks.connectAddress(
              "postgresql.connect_address", connectAddress, "postgresql.listen", listenAt);
      HostPort proxyAt = checks.hostPort("postgresql.proxy_address", proxyAddress, false);
      if (proxyAt != null && proxyAt.isWildcard()) {
        checks.problem(
            "postgresql.proxy_address ("
                + proxyAt
                + ") must be an address clients can connect to, not a wildcard");
      }
      checks.user("postgresql.authentication.superuser.username", superuser);
      checks.user("postgresql.authentication.replication.username", replication);
      checks.user("postgresql.authentication.rewind.username", rewind);
      checkParameters(checks);
      for (String line : pgHba) {
        if (line == null || line.isBlank() || line.contains("\n")) {
          checks.problem("postgresql.pg_hba (" + line + ") must be one non-blank line each");
        }
      }
      for (String option : initdbOptions) {
        String name = option.contains("=") ? option.substring(0, option.indexOf('=')) : option;
        if (RESERVED_INITDB_OPTIONS.contains(name)) {
          checks.problem(
              "bootstrap.initdb ("
                  + option
                  + ") must not be one of "
                  + new TreeSet<>(RESERVED_INITDB_OPTIONS)
                  + ": pgha passes them itself");
        }
      }
      checks.absolutePathIfSet("postgresql.socket_directory", socketDirectory);
      if (runAsUser != null && runAsUser.isBlank()) {
        checks.problem("postgresql.run_as_user (" + runAsUser + ") must not be blank");
      }
      checks.absolutePathIfSet("postgresql.log_file", logFile);
      basebackupOptions.stream()
          .map(PostgresSettings::basebackupProblem)
          .flatMap(Optional::stream)
          .forEach(checks::problem);
      RecoveryConf.Read recovery = RecoveryConf.read("postgresql.recovery_conf", recoveryConf);
      recovery.problems().forEach(checks::problem);
      recovery.warnings().forEach(checks::warning);
      if (customConf != null
          && (customConf.toString().isBlank()
              || customConf.toString().chars().anyMatch(Character::isISOControl))) {
        checks.problem(
            "postgresql.custom_conf ("
                + customConf.toString().replaceAll("\\p{Cntrl}", "?")
                + ") must be a file path on one line");
      }
      for (String line : pgIdent) {
        if (line == null || line.isBlank() || line.contains("\n")) {
          checks.problem("postgresql.pg_ident (" + line + ") must be one non-blank line each");
        }
      }
      ReplicaMethod.check(checks, replicaMethods);
      if (createReplicaTimeout == null
          || createReplicaTimeout.isNegative()
          || createReplicaTimeout.isZero()) {
        checks.problem(
            "postgresql.create_replica_timeout ("
                + createReplicaTimeout
                + ") must be a positive duration");
      }
      String auth = "postgresql.authentication.";
      ConnectionSecurity superuserTls = superuserSecurity.build(checks, auth + "superuser");
      ConnectionSecurity replicationTls = replicationSecurity.build(checks, auth + "replication");
      ConnectionSecurity rewindTls =
          rewind == null && !rewindSecurity.isSet()
              ? superuserTls
              : rewindSecurity.build(checks, auth + "rewind");
      return new PostgresSettings(
          dataDir,
          binDir,
          listenAt,
          connectAt,
          superuser,
          replication,
          rewind == null ? superuser : rewind,
          removeOnRewindFailure,
          removeOnDivergedTimelines,
          parameters,
          pgHba,
          pgHbaExact,
          initdbOptions,
          socketDirectory,
          runAsUser,
          useSlots,
          logFile,
          superuserTls,
          replicationTls,
          rewindTls,
          replicaMethods,
          createReplicaTimeout,
          basebackupOptions,
          recovery.parameters(),
          customConf,
          pgIdent,
          proxyAt);
    }

    private void checkParameters(ConfigChecks checks) {
      parameters.forEach(
          (name, value) -> {
            String key = "postgresql.parameters." + name;
            if (name == null || !name.matches("[A-Za-z_][A-Za-z0-9_.]*")) {
              checks.problem(
                  "postgresql.parameters ("
                      + name
                      + ") must be PostgreSQL parameter names (letters, digits, '_', '.')");
            } else if (RESERVED_PARAMETERS.contains(name.toLowerCase(Locale.ROOT))) {
              checks.problem(
                  key
                      + " ("
                      + value
                      + ") must not be set: pgha sets "
                      + new TreeSet<>(RESERVED_PARAMETERS)
                      + " itself");
            } else if (value == null) {
              checks.problem(key + " (null) must have a value");
            }
          });
    }
  }
}
