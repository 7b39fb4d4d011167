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
 * and the first streaming connection.
 */
public final class BaseBackupReplicaCreator implements ReplicaCreator {

  private static final Logger LOG = LoggerFactory.getLogger(BaseBackupReplicaCreator.class);

  /** Creates the built-in strategy. */
  public BaseBackupReplicaCreator() {}

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
              + " into "
              + request.dataDir()
              + " failed: "
              + result.describe());
    }
  }

  private static CommandResult run(CloneRequest request, boolean createSlot) {
    List<String> command =
        new ArrayList<>(
            List.of(
                request.tools().binary("pg_basebackup").toString(),
                "--pgdata=" + request.dataDir(),
                "--host=" + request.source().host(),
                "--port=" + request.source().port(),
                "--username=" + request.replication().name(),
                "--no-password",
                "--wal-method=stream",
                "--checkpoint=fast"));
    if (request.slotName() != null) {
      command.add("--slot=" + request.slotName());
      if (createSlot) {
        command.add("--create-slot");
      }
    }
    return request
        .tools()
        .run(
            command,
            Map.of(
                "PGPASSWORD", request.replication().password(),
                "PGCONNECT_TIMEOUT", "5",
                "PGAPPNAME", request.memberName()),
            request.timeout());
  }
}
