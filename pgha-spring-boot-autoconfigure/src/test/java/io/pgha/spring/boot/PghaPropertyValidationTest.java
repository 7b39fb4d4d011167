package io.pgha.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.spring.boot.agent.PghaAgentAutoConfiguration;
import io.pgha.spring.boot.autoconfigure.PghaDataSourceAutoConfiguration;
import io.pgha.spring.boot.retry.PghaRetryAutoConfiguration;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.io.support.SpringFactoriesLoader;

/**
 * Bad {@code pgha.*} values stop the start, and the failure analysis registered in {@code
 * META-INF/spring.factories} names the property, the value and what is allowed. No server is
 * contacted: every case fails before the DataSource starts.
 */
class PghaPropertyValidationTest {

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  PghaDataSourceAutoConfiguration.class,
                  PghaRetryAutoConfiguration.class,
                  PghaAgentAutoConfiguration.class));

  private static final String ETCD = "pgha.etcd.endpoints=http://127.0.0.1:2379";

  @Test
  void aPghaPropertyButNoTopologySource() {
    assertAnalysis(
        List.of("pgha.datasource.username=app"),
        "pgha.etcd.endpoints",
        "is required: set pgha.etcd.endpoints");
  }

  @Test
  void twoTopologySources() {
    assertAnalysis(
        List.of(ETCD, "pgha.etcd.scope=pg", "pgha.datasource.static-hosts=127.0.0.1:5432"),
        "pgha.datasource.static-hosts",
        "set exactly one topology source");
  }

  @Test
  void etcdWithoutScope() {
    assertAnalysis(List.of(ETCD), "pgha.etcd.scope", "must be the cluster name");
  }

  @Test
  void malformedEtcdEndpoint() {
    assertAnalysis(
        List.of("pgha.etcd.endpoints=10.0.0.1", "pgha.etcd.scope=pg"),
        "pgha.etcd.endpoints",
        "'10.0.0.1' each endpoint must look like http://host:port");
  }

  @Test
  void aDeprecatedNameIsReportedUnderItsOwnName() {
    assertAnalysis(
        List.of("pgha.datasource.etcd-endpoints=10.0.0.1", "pgha.etcd.scope=pg"),
        "pgha.datasource.etcd-endpoints",
        "'10.0.0.1' each endpoint must look like http://host:port");
  }

  @Test
  void connectionTimeoutBelowHikarisMinimum() {
    assertAnalysis(
        List.of(ETCD, "pgha.etcd.scope=pg", "pgha.datasource.connection-timeout=100ms"),
        "pgha.datasource.connection-timeout",
        "'PT0.1S' must be at least 250ms");
  }

  @Test
  void negativeLeaderWait() {
    assertAnalysis(
        List.of(ETCD, "pgha.etcd.scope=pg", "pgha.datasource.leader-wait-timeout=-1s"),
        "pgha.datasource.leader-wait-timeout",
        "must be zero (fail at once) or positive");
  }

  @Test
  void minimumIdleAboveMaximum() {
    assertAnalysis(
        List.of(
            ETCD,
            "pgha.etcd.scope=pg",
            "pgha.datasource.maximum-pool-size=2",
            "pgha.datasource.minimum-idle=5"),
        "pgha.datasource.minimum-idle",
        "must be between 0 and maximumPoolSize (2)");
  }

  @Test
  void retryAttempts() {
    assertAnalysis(
        List.of("pgha.datasource.enabled=false", "pgha.retry.max-attempts=0"),
        "pgha.retry.max-attempts",
        "must be at least 1");
  }

  @Test
  void agentWithoutDataDirectory() {
    assertAnalysis(
        List.of(
            "pgha.datasource.enabled=false",
            "pgha.agent.enabled=true",
            "pgha.agent.name=pg1",
            "pgha.etcd.scope=pg",
            "pgha.etcd.endpoints=http://127.0.0.1:2379",
            "pgha.agent.postgres-listen=127.0.0.1:5432"),
        "pgha.agent.data-dir",
        "is required");
  }

  @Test
  void agentScopeFallsBackToTheDataSourcesAndIsChecked() {
    assertAnalysis(
        List.of(
            "pgha.datasource.enabled=false",
            "pgha.datasource.scope=bad/scope",
            "pgha.agent.enabled=true",
            "pgha.agent.name=pg1",
            "pgha.agent.data-dir=/var/lib/postgresql/data",
            "pgha.agent.etcd-endpoints=http://127.0.0.1:2379",
            "pgha.agent.postgres-listen=127.0.0.1:5432"),
        "pgha.datasource.scope",
        "'bad/scope' must contain only letters");
  }

  @Test
  void unknownReadPolicyIsReportedBySpringBootsBinder() {
    runner
        .withPropertyValues(ETCD, "pgha.etcd.scope=pg", "pgha.datasource.read-policy=FASTEST")
        .run(
            ctx -> {
              assertThat(ctx).hasFailed();
              FailureAnalysis analysis = analyze(ctx.getStartupFailure());
              assertThat(analysis.getDescription())
                  .contains("pgha.datasource.read-policy")
                  .contains("FASTEST");
            });
  }

  @Test
  void secretsStayOutOfTheAnalysis() {
    runner
        .withPropertyValues(
            ETCD,
            "pgha.etcd.scope=pg",
            "pgha.datasource.password=TopSecret-1",
            "pgha.datasource.connection-timeout=1ms")
        .run(
            ctx -> {
              FailureAnalysis analysis = analyze(ctx.getStartupFailure());
              assertThat(analysis.getDescription() + analysis.getAction())
                  .doesNotContain("TopSecret-1");
            });
  }

  private void assertAnalysis(List<String> properties, String property, String rule) {
    runner
        .withPropertyValues(properties.toArray(String[]::new))
        .run(
            ctx -> {
              assertThat(ctx).hasFailed();
              FailureAnalysis analysis = analyze(ctx.getStartupFailure());
              assertThat(analysis).as("a registered analyzer explains it").isNotNull();
              assertThat(analysis.getDescription()).contains("'" + property + "'").contains(rule);
              assertThat(analysis.getAction()).contains(property);
            });
  }

  /** Runs the failure analyzers registered in spring.factories, as Spring Boot does at start. */
  static FailureAnalysis analyze(Throwable failure) {
    List<FailureAnalyzer> analyzers =
        SpringFactoriesLoader.forDefaultResourceLocation(
                PghaPropertyValidationTest.class.getClassLoader())
            .load(
                FailureAnalyzer.class,
                null,
                SpringFactoriesLoader.FailureHandler.handleMessage((message, e) -> {}));
    return analyzers.stream()
        .map(a -> a.analyze(failure))
        .filter(Objects::nonNull)
        .findFirst()
        .orElse(null);
  }
}
