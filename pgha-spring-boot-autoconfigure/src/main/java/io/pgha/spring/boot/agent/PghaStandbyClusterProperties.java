package io.pgha.spring.boot.agent;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Patroni's {@code standby_cluster} for a new cluster ({@code pgha.agent.standby-cluster.*}): the
 * cluster follows another one, through its primary at host:port (or a load balancer in front of it)
 * or its WAL archive (restore-command); its leader is a standby leader. Removing the section from
 * the cluster's {@code config} key later promotes the standby leader. Unset (no host and no
 * restore-command): an ordinary cluster.
 */
public class PghaStandbyClusterProperties {

  /** Host of the primary cluster's primary (or of a load balancer in front of it). */
  private String host;

  /** Port of the primary cluster's primary; default 5432. */
  private Integer port;

  /** Replication slot on the primary cluster this cluster's standby leader streams from. */
  private String primarySlotName;

  /** How the standby leader is created, in order: basebackup or the name of a custom method. */
  private List<String> createReplicaMethods = new ArrayList<>();

  /** Command fetching a WAL file from the primary cluster's archive (PostgreSQL's). */
  private String restoreCommand;

  /** PostgreSQL's archive_cleanup_command for the standby leader. */
  private String archiveCleanupCommand;

  /** Replay delay of a delayed cluster, e.g. 1h (PostgreSQL's recovery_min_apply_delay). */
  private String recoveryMinApplyDelay;

  public String getHost() {
    return host;
  }

  public void setHost(String host) {
    this.host = host;
  }

  public Integer getPort() {
    return port;
  }

  public void setPort(Integer port) {
    this.port = port;
  }

  public String getPrimarySlotName() {
    return primarySlotName;
  }

  public void setPrimarySlotName(String primarySlotName) {
    this.primarySlotName = primarySlotName;
  }

  public List<String> getCreateReplicaMethods() {
    return createReplicaMethods;
  }

  public void setCreateReplicaMethods(List<String> createReplicaMethods) {
    this.createReplicaMethods = createReplicaMethods;
  }

  public String getRestoreCommand() {
    return restoreCommand;
  }

  public void setRestoreCommand(String restoreCommand) {
    this.restoreCommand = restoreCommand;
  }

  public String getArchiveCleanupCommand() {
    return archiveCleanupCommand;
  }

  public void setArchiveCleanupCommand(String archiveCleanupCommand) {
    this.archiveCleanupCommand = archiveCleanupCommand;
  }

  public String getRecoveryMinApplyDelay() {
    return recoveryMinApplyDelay;
  }

  public void setRecoveryMinApplyDelay(String recoveryMinApplyDelay) {
    this.recoveryMinApplyDelay = recoveryMinApplyDelay;
  }

  /** The section in Patroni's key names; null when nothing is set. */
  Map<String, Object> section() {
    Map<String, Object> s = new LinkedHashMap<>();
    if (host != null) {
      s.put("host", host);
    }
    if (port != null) {
      s.put("port", port);
    }
    if (primarySlotName != null) {
      s.put("primary_slot_name", primarySlotName);
    }
    if (!createReplicaMethods.isEmpty()) {
      s.put("create_replica_methods", List.copyOf(createReplicaMethods));
    }
    if (restoreCommand != null) {
      s.put("restore_command", restoreCommand);
    }
    if (archiveCleanupCommand != null) {
      s.put("archive_cleanup_command", archiveCleanupCommand);
    }
    if (recoveryMinApplyDelay != null) {
      s.put("recovery_min_apply_delay", recoveryMinApplyDelay);
    }
    return s.isEmpty() ? null : s;
  }
}
