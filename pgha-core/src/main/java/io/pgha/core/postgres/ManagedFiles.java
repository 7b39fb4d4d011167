package io.pgha.core.postgres;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The files pgha writes in the data directory: its own parameter file, included from {@code
 * postgresql.conf}; {@code pg_hba.conf}; {@code pg_ident.conf} when configured; and {@code
 * standby.signal}.
 */
final class ManagedFiles {
  private static final FileAttribute<Set<PosixFilePermission>> PRIVATE =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

  /** The parameter file pgha owns; rewritten whole on every change. */
  static final String MANAGED_CONF = "postgresql.pgha.conf";

  /**
   * The password file a standby's WAL receiver reads the replication password from: PostgreSQL logs
   * every reloaded parameter's new value, so the password must not be in primary_conninfo.
   */
  static final String PASSFILE = "pgha.pgpass";

  static final String INCLUDE_LINE = "include_if_exists = '" + MANAGED_CONF + "'";

  /**
   * Where initdb's postgresql.conf is kept while {@code custom_conf} replaces it (Patroni's name).
   */
  static final String BASE_CONF = "postgresql.base.conf";

  /** The first line of a postgresql.conf pgha wrote for {@code custom_conf}. */
  static final String CUSTOM_CONF_HEADER =
      "# Written by pgha for postgresql.custom_conf; initdb's file is " + BASE_CONF;

  private static final String HEADER =
      "# Written by pgha; rewritten on every start and reconfiguration: edits are lost.\n";

  private final PostgresConfig config;
  private final OsIdentity owner;
  private volatile ReplicationTimeouts replicationTimeouts = ReplicationTimeouts.DEFAULT;

  ManagedFiles(PostgresConfig config, OsIdentity owner) {
    this.config = config;
    this.owner = owner;
  }

  /** Sets the bounds written from now on (see {@link ReplicationTimeouts}). */
  void replicationTimeouts(ReplicationTimeouts timeouts) {
    this.replicationTimeouts = timeouts;
  }

  ReplicationTimeouts replicationTimeouts() {
    return replicationTimeouts;
  }

  /**
   * The parameters pgha writes: the fixed ones and the replication timeouts, then the configured
   * ones (which may override the replication defaults), then the dynamic ones (Patroni's {@code
   * postgresql.parameters} from the cluster configuration, which win), then those that depend on
   * the role.
   */
  Map<String, String> parameters(
      Upstream upstream, SynchronousStandbys sync, Map<String, String> dynamic) {
    return parameters(upstream, null, sync, dynamic);
  }

  /**
   * As {@link #parameters(Upstream, SynchronousStandbys, Map)}; with a {@code source} (the standby
   * leader of a standby cluster), its slot, or none, instead of this member's, and its {@code
   * restore_command}.
   */
  Map<String, String> parameters(
      Upstream upstream,
      StandbySource source,
      SynchronousStandbys sync,
      Map<String, String> dynamic) {
    return parameters(upstream, source, sync, DynamicSettings.ofParameters(dynamic), false);
  }

  /**
   * As {@link #parameters(Upstream, StandbySource, SynchronousStandbys, Map)}; a {@code standby}
   * also gets the recovery parameters of {@code recovery_conf} (the member's, else the {@code
   * config} key's), under its parameters, as Patroni writes them for replicas only.
   */
  Map<String, String> parameters(
      Upstream upstream,
      StandbySource source,
      SynchronousStandbys sync,
      DynamicSettings dynamicSettings,
      boolean standby) {
    Map<String, String> dynamic = dynamicSettings.parameters();
    Map<String, String> values = new LinkedHashMap<>();
    values.put("wal_level", "replica");
    values.put("hot_standby", "on");
    values.put("max_wal_senders", "10");
    values.put("max_replication_slots", "10");
    values.put("wal_keep_size", "128MB");
    values.put("wal_log_hints", "on");
    values.put("password_encryption", "scram-sha-256");
    // A standby whose upstream died retries every 5 s by default; after a failover that leaves
    // replicas (and a synchronous standby) unstreamed for seconds after the new leader is up. It
    // is also how long a promotion can wait for the pending retry to end before recovery ends
    // (measured: ~1 s at 1s, ~0.2 s at 200ms, in the fast-takeover benchmark's host kills).
    values.put("wal_retrieve_retry_interval", "200ms");
    values.putAll(replicationTimeouts.parameters());
    if (standby) {
      // Patroni's recovery_conf; a parameter of the same name in postgresql.parameters wins.
      values.putAll(
          new java.util.TreeMap<>(
              config.recoveryConf().isEmpty()
                  ? dynamicSettings.recoveryConf()
                  : config.recoveryConf()));
    }
    values.putAll(new java.util.TreeMap<>(config.parameters()));
    values.putAll(new java.util.TreeMap<>(dynamic));
    Map<String, String> configured = new LinkedHashMap<>(config.parameters());
    configured.putAll(dynamic);
    walKeepSegmentsToSize(values, configured);
    if (config.clusterName() != null) {
      // Patroni's: the scope names the cluster in process titles, over any configured value.
      values.put("cluster_name", config.clusterName());
    }
    values.put("listen_addresses", config.listenAddresses());
    values.put("port", Integer.toString(config.port()));
    values.put(
        "unix_socket_directories",
        config.socketDirectory() == null ? "" : config.socketDirectory().toString());
    values.put("recovery_target_timeline", "latest");
    values.put("synchronous_standby_names", sync.toSetting());
    if (source != null) {
      // The standby cluster's commands win over recovery_conf's, as in Patroni.
      source.restoreCommand().ifPresent(command -> values.put("restore_command", command));
      source
          .archiveCleanupCommand()
          .ifPresent(command -> values.put("archive_cleanup_command", command));
    }
    // nostream: a replica that replays from the archive only, as Patroni's tag asks.
    if (upstream != null && !config.noStream()) {
      values.put("primary_conninfo", primaryConninfo(upstream));
      if (source != null) {
        source.slotName().ifPresent(slot -> values.put("primary_slot_name", slot));
      } else if (config.useSlots()) {
        values.put("primary_slot_name", config.slotName());
      }
    }
    return values;
  }

  /**
   * PostgreSQL 13 (the oldest pgha runs) replaced {@code wal_keep_segments} with {@code
   * wal_keep_size} and refuses to start with the old name. As Patroni does, the old name is taken
   * out and its number of segments becomes {@code wal_keep_size} at 16 MB a segment, unless {@code
   * wal_keep_size} is configured too (then it wins). A value that is not a whole number is dropped,
   * leaving the default.
   */
  static void walKeepSegmentsToSize(Map<String, String> values, Map<String, String> configured) {
    Optional<String> segmentsKey =
        values.keySet().stream().filter(k -> k.equalsIgnoreCase("wal_keep_segments")).findFirst();
    if (segmentsKey.isEmpty()) {
      return;
    }
    String segments = values.remove(segmentsKey.get()).strip();
    boolean sizeConfigured =
        configured.keySet().stream().anyMatch(k -> k.equalsIgnoreCase("wal_keep_size"));
    if (!sizeConfigured && segments.matches("[0-9]{1,9}")) {
      values.put("wal_keep_size", Long.parseLong(segments) * 16 + "MB");
    }
  }

  /** The conninfo a standby streams with; the password is in {@value #PASSFILE}. */
  String primaryConninfo(Upstream upstream) {
    List<String> keywords =
        new ArrayList<>(
            List.of(
                "host",
                upstream.host(),
                "port",
                Integer.toString(upstream.port()),
                "user",
                config.replication().name(),
                "passfile",
                config.dataDir().resolve(PASSFILE).toString(),
                "application_name",
                config.name()));
    keywords.addAll(config.replication().security().libpqKeywords());
    keywords.addAll(replicationTimeouts.conninfoKeywords());
    return conninfo(keywords);
  }

  /** A libpq conninfo string from key, value pairs, each value quoted. */
  static String conninfo(List<String> keysAndValues) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < keysAndValues.size(); i += 2) {
      if (out.length() > 0) {
        out.append(' ');
      }
      String value = keysAndValues.get(i + 1).replace("\\", "\\\\").replace("'", "\\'");
      out.append(keysAndValues.get(i)).append("='").append(value).append('\'');
    }
    return out.toString();
  }

  /** Renders parameters in postgresql.conf syntax, every value quoted. */
  static String render(Map<String, String> values) {
    StringBuilder out = new StringBuilder(HEADER);
    values.forEach((key, value) -> out.append(key).append(" = ").append(quote(value)).append('\n'));
    return out.toString();
  }

  /** A postgresql.conf string literal. */
  private static String quote(String value) {
    return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
  }

  /** Writes the parameter file and makes sure postgresql.conf includes it (last, so it wins). */
  void writeConf(
      Upstream upstream,
      StandbySource source,
      SynchronousStandbys sync,
      Map<String, String> dynamic)
      throws IOException {
    writeConf(upstream, source, sync, DynamicSettings.ofParameters(dynamic), false);
  }

  /**
   * Writes the parameter file ({@code standby}: with {@code recovery_conf}) and makes sure
   * postgresql.conf includes it (last, so it wins).
   */
  void writeConf(
      Upstream upstream,
      StandbySource source,
      SynchronousStandbys sync,
      DynamicSettings dynamic,
      boolean standby)
      throws IOException {
    writePrivate(config.dataDir().resolve(PASSFILE), passfileLine(config.replication()));
    writePrivate(
        config.dataDir().resolve(MANAGED_CONF),
        render(parameters(upstream, source, sync, dynamic, standby)));
    writeMainConf();
  }

  /**
   * Makes postgresql.conf include pgha's file last. Without {@code custom_conf}, a line is added to
   * the file initdb wrote; with it, postgresql.conf includes the custom file and then pgha's, as
   * Patroni's includes {@code custom_conf} instead of the base file, and initdb's file is kept as
   * {@value #BASE_CONF} (restored when {@code custom_conf} goes away).
   */
  private void writeMainConf() throws IOException {
    Path main = config.dataDir().resolve("postgresql.conf");
    Path base = config.dataDir().resolve(BASE_CONF);
    String content = Files.exists(main) ? Files.readString(main, StandardCharsets.UTF_8) : "";
    boolean custom = content.startsWith(CUSTOM_CONF_HEADER);
    String wanted;
    if (config.customConf() != null) {
      if (!custom && Files.exists(main) && !Files.exists(base)) {
        Files.move(main, base, StandardCopyOption.ATOMIC_MOVE);
      }
      wanted =
          CUSTOM_CONF_HEADER
              + "\ninclude "
              + quote(config.customConf().toString())
              + "\n"
              + INCLUDE_LINE
              + "\n";
    } else {
      if (custom) {
        content = Files.exists(base) ? Files.readString(base, StandardCharsets.UTF_8) : "";
      }
      wanted = content;
      if (!content.lines().anyMatch(line -> line.strip().equals(INCLUDE_LINE))) {
        String separator = content.isEmpty() || content.endsWith("\n") ? "" : "\n";
        wanted = content + separator + "# Added by pgha:\n" + INCLUDE_LINE + "\n";
      }
    }
    if (!Files.exists(main) || !wanted.equals(Files.readString(main, StandardCharsets.UTF_8))) {
      writePrivate(main, wanted);
    }
  }

  /** A .pgpass line for the role on any host, port and database. */
  static String passfileLine(RoleCredentials role) {
    return "*:*:*:" + escapePassfile(role.name()) + ":" + escapePassfile(role.password()) + "\n";
  }

  private static String escapePassfile(String value) {
    return value.replace("\\", "\\\\").replace(":", "\\:");
  }

  /**
   * Writes pg_hba.conf: the lines pgha needs, then the configured ones; or, when the configuration
   * gives the whole file (Patroni's {@code postgresql.pg_hba}), exactly those lines, as Patroni
   * writes them. A role whose clients require TLS is accepted over TLS only ({@code hostssl}), so a
   * client configured without it is refused rather than sending its password in clear.
   */
  void writeHba() throws IOException {
    writeHba(DynamicSettings.NONE);
  }

  /**
   * As {@link #writeHba()}; without a whole file in the member's configuration, the {@code config}
   * key's {@code postgresql.pg_hba} is the whole file when it has one, as Patroni takes it.
   */
  void writeHba(DynamicSettings dynamic) throws IOException {
    boolean fromKey = !config.hbaExact() && !dynamic.pgHba().isEmpty();
    List<String> lines = new ArrayList<>();
    lines.add(HEADER.strip());
    if (!config.hbaExact() && !fromKey) {
      lines.add(hbaLine(config.replication(), "replication", "all"));
      lines.add(hbaLine(config.superuser(), "all", "samehost"));
      lines.add(hbaLine(config.rewind(), "all", "all"));
    }
    lines.addAll(fromKey ? dynamic.pgHba() : config.hbaEntries());
    writePrivate(config.dataDir().resolve("pg_hba.conf"), String.join("\n", lines) + "\n");
  }

  /**
   * Writes pg_ident.conf exactly as configured (the member's {@code postgresql.pg_ident}, else the
   * {@code config} key's), as Patroni does; leaves the file as it is when neither has lines or an
   * {@code ident_file} parameter names another file.
   */
  void writeIdent(DynamicSettings dynamic) throws IOException {
    List<String> lines = config.pgIdent().isEmpty() ? dynamic.pgIdent() : config.pgIdent();
    boolean otherFile =
        java.util.stream.Stream.concat(
                config.parameters().keySet().stream(), dynamic.parameters().keySet().stream())
            .anyMatch(k -> k.equalsIgnoreCase("ident_file"));
    if (lines.isEmpty() || otherFile) {
      return;
    }
    List<String> content = new ArrayList<>();
    content.add(HEADER.strip());
    content.addAll(lines);
    writePrivate(config.dataDir().resolve("pg_ident.conf"), String.join("\n", content) + "\n");
  }

  private static String hbaLine(RoleCredentials role, String database, String address) {
    String type = role.security().requiresTls() ? "hostssl" : "host";
    return type + " " + database + " " + quoteRole(role.name()) + " " + address + " scram-sha-256";
  }

  private static String quoteRole(String role) {
    return role.matches("[a-z_][a-z0-9_$]*") ? role : "\"" + role.replace("\"", "\"\"") + "\"";
  }

  /** Creates or removes standby.signal. */
  void setStandbySignal(boolean standby) throws IOException {
    Path signal = config.dataDir().resolve("standby.signal");
    if (standby) {
      writePrivate(signal, "");
    } else {
      Files.deleteIfExists(signal);
    }
    Files.deleteIfExists(config.dataDir().resolve("recovery.signal"));
  }

  /** Creates {@code recovery.signal}: the server recovers from the archive, then promotes. */
  void setRecoverySignal() throws IOException {
    writePrivate(config.dataDir().resolve("recovery.signal"), "");
  }

  /** Whether {@code recovery.signal} or {@code standby.signal} is there. */
  boolean hasRecoverySignal() {
    return Files.exists(config.dataDir().resolve("recovery.signal"))
        || Files.exists(config.dataDir().resolve("standby.signal"));
  }

  boolean hasStandbySignal() {
    return Files.exists(config.dataDir().resolve("standby.signal"));
  }

  /**
   * Writes a file readable only by the PostgreSQL user, replacing it atomically. The new file is
   * created with mode 0600 (not changed to it after the content is in), and a file left at its
   * temporary name is replaced rather than written through (it could be a link elsewhere).
   */
  void writePrivate(Path file, String content) throws IOException {
    Path temp = file.resolveSibling(file.getFileName() + ".pgha-tmp");
    Files.deleteIfExists(temp);
    writeNew(temp, content);
    OsIdentity.chown(temp, owner);
    Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Creates {@code file}, which must not exist, with mode 0600, and writes {@code content}. */
  private static void writeNew(Path file, String content) throws IOException {
    try (var channel =
        Files.newByteChannel(
            file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), PRIVATE)) {
      ByteBuffer bytes = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
      while (bytes.hasRemaining()) {
        channel.write(bytes);
      }
    }
    // The umask may have taken bits away, never added any: 0600 is what was asked.
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
  }
}
