package io.pgha.sidecar;

import io.pgha.core.PghaAgent;
import io.pgha.core.api.ApiConfig;
import io.pgha.core.config.PghaConfig;
import io.pgha.core.postgres.PostgresConfig;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Everything the sidecar needs to run one member, read from a Patroni configuration file.
 *
 * @param file where it was read from (for messages)
 * @param pgha the member's validated configuration
 * @param postgres the PostgreSQL settings the file gives beyond {@code pgha} (parameters, pg_hba,
 *     initdb options, the OS user)
 * @param restApi the HTTP API settings beyond {@code pgha} (authentication, TLS, allow-list)
 * @param restApiTls whether the HTTP API serves HTTPS (health checks must then use TLS)
 * @param onRoleChange Patroni's {@code postgresql.callbacks.on_role_change} command, split into
 *     words; empty for none
 * @param warnings what the file holds that pgha ignores, one sentence each with its line
 */
public record SidecarConfig(
    String file,
    PghaConfig pgha,
    UnaryOperator<PostgresConfig.Builder> postgres,
    UnaryOperator<ApiConfig.Builder> restApi,
    boolean restApiTls,
    List<String> onRoleChange,
    List<String> warnings) {

  public SidecarConfig {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(pgha, "pgha");
    Objects.requireNonNull(postgres, "postgres");
    Objects.requireNonNull(restApi, "restApi");
    onRoleChange = List.copyOf(onRoleChange);
    warnings = List.copyOf(warnings);
  }

  /** A copy whose PostgreSQL settings are further adjusted by {@code more} (tests, embedders). */
  public SidecarConfig withPostgres(UnaryOperator<PostgresConfig.Builder> more) {
    UnaryOperator<PostgresConfig.Builder> first = postgres;
    return new SidecarConfig(
        file, pgha, b -> more.apply(first.apply(b)), restApi, restApiTls, onRoleChange, warnings);
  }

  /** The agent this configuration describes, not started. Builds (and so checks) every setting. */
  public PghaAgent newAgent() {
    PghaAgent.Builder b = PghaAgent.builder(pgha).postgres(postgres).restApi(restApi);
    if (!onRoleChange.isEmpty()) {
      b.onRoleChange(onRoleChange);
    }
    return b.build();
  }

  /** The HTTP API settings, built (and so checked). */
  ApiConfig apiConfig() {
    return restApi
        .apply(
            ApiConfig.builder()
                .listen(pgha.restApi().listen().host(), pgha.restApi().listen().port()))
        .build();
  }
}
