package io.pgha.core.postgres;

import io.pgha.core.postgres.PostgresControlException.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates a replica with {@code pg_basebackup}, streaming the WAL it needs, with a fast checkpoint
 * on the source. When slots are used it creates the replica's permanent slot on the source in the
 * same run (or reuses it when the source already has it), so no WAL is recycled between the copy
 * and the first streaming connection. Options given (Patroni's {@code postgresql.basebackup}) come
 * after pgha's, and a {@code --checkpoint} given replaces pgha's fast one.
 */
public final class BaseBackupReplicaCreator implements ReplicaCreator {

  private static final Logger LOG = LoggerFactory.getLogger(BaseBackupReplicaCreator.class);

  private final List<String> options;

  /** Creates the built-in strategy. */
  public BaseBackupReplicaCreator() {
    this(List.of());
  }

  /**
   * Creates the built-in strategy with more options for pg_basebackup, each {@code --name} or
   * {@code --name=value}.
   *
   * @throws IllegalArgumentException for an option that is malformed or that pgha passes itself
   *     ({@link io.pgha.core.config.PostgresSettings#RESERVED_BASEBACKUP_OPTIONS})
   */
  public BaseBackupReplicaCreator(List<String> options) {
    for (String option : options) {
      io.pgha.core.config.PostgresSettings.basebackupProblem(option)
          .ifPresent(
              problem -> {
                throw new IllegalArgumentException(problem);
              });
    }
    this.options = List.copyOf(options);
  }

  /** The options added to pgha's own. */
  List<String> options() {
    return options;
  }

  @Override
  public String name() {
    return "basebackup";
  }

  @Override
  public void createReplica(CloneRequest request) {
    CommandResult result = run(request, true);
    if (!result.succeeded()
        && request.slotName() != null
        && result.output().contains("already exists")) {
      LOG.info(
          "{}: slot {} already exists on {}; cloning through it",
          request.memberName(),
          request.slotName(),
          request.source());
      result = run(request, false);
    }
    if (!result.succeeded()) {
      throw new PostgresControlException(
          Kind.CLONE_FAILED,
          "pg_basebackup from "
              + request.source()
              + " as "
              + request.replication().name()
              + " with postgresql.authentication.replication ("
              + request.replication().security().describe()
              + ") into "
              + request.dataDir()
              + " failed: "
              + result.describe());
    }
  }

  private CommandResult run(CloneRequest request, boolean createSlot) {
    RoleCredentials role = request.replication();
    try (SecretFile passFile = SecretFile.passFile(role, request.tools().runAs())) {
      List<String> conninfo =
          new ArrayList<>(
              List.of(
                  "host",
                  request.source().host(),
                  "port",
                  Integer.toString(request.source().port()),
                  "user",
                  role.name(),
                  "connect_timeout",
                  "5",
                  "application_name",
                  request.memberName()));
      conninfo.addAll(passFile.passfileKeywords());
      conninfo.addAll(role.security().libpqKeywords());
      List<String> command =
          new ArrayList<>(
              List.of(
                  request.tools().binary("pg_basebackup").toString(),
                  "--pgdata=" + request.dataDir(),
                  "--dbname=" + ManagedFiles.conninfo(conninfo),
                  "--no-password",
                  "--wal-method=stream"));
      if (options.stream()
          .noneMatch(o -> o.equals("--checkpoint") || o.startsWith("--checkpoint="))) {
        command.add("--checkpoint=fast");
      }
      command.addAll(options);
      if (request.slotName() != null) {
        command.add("--slot=" + request.slotName());
        if (createSlot) {
          command.add("--create-slot");
        }
      }
      return request.tools().run(command, Map.of(), request.timeout());
    }
  }
}
