package io.pgha.spring.boot.agent;

import io.pgha.core.config.PostgresSettings;
import io.pgha.spring.boot.InvalidPghaPropertyException;

/**
 * The {@code postgresql} keys of {@code pgha.agent.*} beyond the addresses and the main users: the
 * rewind user, each role's TLS, the files pgha writes, cloning. Unset properties keep pgha's
 * defaults.
 */
final class PostgresMapping {
  private PostgresMapping() {}

  static void apply(PostgresSettings.Builder pg, PghaAgentProperties a) {
    pg.proxyAddress(a.getPostgresProxyAddress());
    if (a.getRewindUsername() != null) {
      pg.rewind(a.getRewindUsername(), a.getRewindPassword());
    } else if (a.getRewindPassword() != null) {
      throw new InvalidPghaPropertyException(
          AgentConfigFactory.PREFIX + "rewind-username",
          "(not set)",
          "is required with " + AgentConfigFactory.PREFIX + "rewind-password",
          null);
    }
    pg.superuserSecurity(a.getSuperuserTls()::applyTo);
    pg.replicationSecurity(a.getReplicationTls()::applyTo);
    pg.rewindSecurity(a.getRewindTls()::applyTo);
    pg.removeDataDirectoryOnDivergedTimelines(a.isRemoveDataDirectoryOnDivergedTimelines());
    if (!a.getPgHba().isEmpty()) {
      pg.pgHba(a.getPgHba());
    }
    pg.pgIdent(a.getPgIdent());
    if (!a.getInitdbOptions().isEmpty()) {
      pg.initdbOptions(a.getInitdbOptions());
    }
    pg.socketDirectory(a.getSocketDirectory());
    pg.logFile(a.getLogFile());
    pg.createReplicaTimeout(a.getCreateReplicaTimeout());
    pg.basebackupOptions(a.getBasebackupOptions());
    pg.recoveryConf(a.getRecoveryConf());
    pg.customConf(a.getCustomConf());
  }
}
