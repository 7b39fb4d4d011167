package io.pgha.sidecar;

import io.pgha.core.PghaAgent;
import io.pgha.core.config.PghaConfig;
import java.util.List;
import java.util.Objects;

/**
 * Everything the sidecar needs to run one member, read from a Patroni configuration file.
 *
 * @param file where it was read from (for messages)
 * @param pgha the member's validated configuration, every section of the file included
 * @param restApiTls whether the HTTP API serves HTTPS (health checks must then use TLS)
 * @param onRoleChange Patroni's {@code postgresql.callbacks.on_role_change} command, split into
 *     words; empty for none
 * @param warnings what the file holds that pgha ignores, one sentence each with its line
 */
public record SidecarConfig(
    String file,
    PghaConfig pgha,
    boolean restApiTls,
    List<String> onRoleChange,
    List<String> warnings) {

  public SidecarConfig {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(pgha, "pgha");
    onRoleChange = List.copyOf(onRoleChange);
    warnings = List.copyOf(warnings);
  }

  /** The agent this configuration describes, not started. Builds (and so checks) every setting. */
  public PghaAgent newAgent() {
    PghaAgent.Builder b = PghaAgent.builder(pgha);
    if (!onRoleChange.isEmpty()) {
      b.onRoleChange(onRoleChange);
    }
    return b.build();
  }
}
