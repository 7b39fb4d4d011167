package io.pgha.sidecar;

import io.pgha.core.PghaAgent;
import io.pgha.core.config.PghaConfig;
import io.pgha.core.postgres.CustomBootstrap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Everything the sidecar needs to run one member, read from a Patroni configuration file.
 *
 * @param file where it was read from (for messages)
 * @param pgha the member's validated configuration, every section of the file included
 * @param restApiTls whether the HTTP API serves HTTPS (health checks must then use TLS)
 * @param callbacks Patroni's {@code postgresql.callbacks} ({@code on_start}, {@code on_stop},
 *     {@code on_restart}, {@code on_reload}, {@code on_role_change}), each command split into words
 * @param warnings what the file holds that pgha ignores, one sentence each with its line
 * @param customBootstrap Patroni's {@code bootstrap.method} with its command; null for initdb
 */
public record SidecarConfig(
    String file,
    PghaConfig pgha,
    boolean restApiTls,
    Map<String, List<String>> callbacks,
    List<String> warnings,
    CustomBootstrap customBootstrap) {

  public SidecarConfig {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(pgha, "pgha");
    callbacks = Map.copyOf(callbacks);
    warnings = List.copyOf(warnings);
  }

  /** The agent this configuration describes, not started. Builds (and so checks) every setting. */
  public PghaAgent newAgent() {
    return newAgent(PghaAgent.builder(pgha));
  }

  /**
   * The agent this configuration describes, not started, reading its configuration again through
   * {@code reread} on {@code POST /reload} and SIGHUP (as Patroni re-reads its file).
   */
  public PghaAgent newAgent(Supplier<PghaConfig> reread) {
    return newAgent(PghaAgent.builder(pgha).configSource(reread));
  }

  private PghaAgent newAgent(PghaAgent.Builder b) {
    if (customBootstrap != null) {
      b.customBootstrap(customBootstrap);
    }
    if (!callbacks.isEmpty()) {
      b.callbacks(callbacks);
    }
    return b.build();
  }

  /** The {@code on_role_change} command; empty for none. */
  public List<String> onRoleChange() {
    return callbacks.getOrDefault("on_role_change", List.of());
  }
}
