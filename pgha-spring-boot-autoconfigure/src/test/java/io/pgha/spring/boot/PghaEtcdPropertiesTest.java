package io.pgha.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.core.PghaAgent;
import io.pgha.core.config.Credentials;
import io.pgha.core.config.PghaConfig;
import io.pgha.jdbc.PghaDataSourceConfig;
import io.pgha.jdbc.topology.EtcdAccess;
import io.pgha.spring.boot.agent.PghaAgentAutoConfiguration;
import io.pgha.spring.boot.autoconfigure.PghaDataSourceAutoConfiguration;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * {@code pgha.etcd.*} is bound once and read by both the DataSource and the embedded agent; the
 * deprecated per-component names still apply where the shared ones are not set. Nothing is
 * contacted: the DataSource is the application's own and the agent is built but never started.
 */
class PghaEtcdPropertiesTest {

  @TempDir static Path tmp;

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  PghaDataSourceAutoConfiguration.class, PghaAgentAutoConfiguration.class))
          .withUserConfiguration(NoConnections.class)
          .withPropertyValues(
              "pgha.agent.enabled=true",
              "pgha.agent.name=pg1",
              "pgha.agent.data-dir=/var/lib/pgha/pg1",
              "pgha.agent.postgres-listen=127.0.0.1:5432");

  /** The application's own DataSource, and the agent left unstarted (no lifecycle bean). */
  @Configuration(proxyBeanMethods = false)
  static class NoConnections {
    @Bean
    DataSource userDataSource() {
      return new DriverManagerDataSource("jdbc:postgresql://127.0.0.1:1/none");
    }

    @Bean
    static BeanDefinitionRegistryPostProcessor agentNotStarted() {
      return (BeanDefinitionRegistry registry) ->
          registry.removeBeanDefinition("pghaAgentLifecycle");
    }
  }

  @Test
  void oneEtcdPrefixConfiguresTheDataSourceAndTheAgent() {
    runner
        .withPropertyValues(
            "pgha.etcd.endpoints=http://10.0.0.1:2379,http://10.0.0.2:2379",
            "pgha.etcd.scope=pg-shared",
            "pgha.etcd.namespace=/pg")
        .run(
            ctx -> {
              assertThat(ctx).hasNotFailed().hasSingleBean(PghaAgent.class);
              PghaDataSourceConfig ds = ctx.getBean(PghaDataSourceConfig.class);
              assertThat(ds.etcdEndpoints())
                  .containsExactly("http://10.0.0.1:2379", "http://10.0.0.2:2379");
              assertThat(ds.keyPrefix()).isEqualTo("/pg/pg-shared/");
              PghaConfig agent = ctx.getBean(PghaConfig.class);
              assertThat(agent.etcd().endpoints())
                  .containsExactly(
                      URI.create("http://10.0.0.1:2379"), URI.create("http://10.0.0.2:2379"));
              assertThat(agent.clusterPrefix()).isEqualTo("/pg/pg-shared/");
            });
  }

  @Test
  void theNamespaceDefaultsToPatronis() {
    runner
        .withPropertyValues("pgha.etcd.endpoints=http://10.0.0.1:2379", "pgha.etcd.scope=pg")
        .run(
            ctx -> {
              assertThat(ctx.getBean(PghaDataSourceConfig.class).keyPrefix())
                  .isEqualTo("/service/pg/");
              assertThat(ctx.getBean(PghaConfig.class).namespace()).isEqualTo("/service");
            });
  }

  @Test
  void theDeprecatedDataSourceNamesStillConfigureBoth() {
    runner
        .withPropertyValues(
            "pgha.datasource.etcd-endpoints=http://10.0.0.3:2379",
            "pgha.datasource.scope=pg-old",
            "pgha.datasource.namespace=/old")
        .run(
            ctx -> {
              assertThat(ctx).hasNotFailed();
              assertThat(ctx.getBean(PghaDataSourceConfig.class).keyPrefix())
                  .isEqualTo("/old/pg-old/");
              PghaConfig agent = ctx.getBean(PghaConfig.class);
              assertThat(agent.etcd().endpoints())
                  .containsExactly(URI.create("http://10.0.0.3:2379"));
              assertThat(agent.clusterPrefix()).isEqualTo("/old/pg-old/");
            });
  }

  @Test
  void theSharedNamesWinOverTheDeprecatedOnes() {
    runner
        .withPropertyValues(
            "pgha.etcd.endpoints=http://10.0.0.1:2379",
            "pgha.etcd.scope=pg-new",
            "pgha.datasource.etcd-endpoints=http://10.0.0.9:2379",
            "pgha.datasource.scope=pg-old",
            "pgha.agent.etcd-endpoints=http://10.0.0.8:2379",
            "pgha.agent.scope=pg-older")
        .run(
            ctx -> {
              assertThat(ctx.getBean(PghaDataSourceConfig.class).etcdEndpoints())
                  .containsExactly("http://10.0.0.1:2379");
              assertThat(ctx.getBean(PghaConfig.class).scope()).isEqualTo("pg-new");
              assertThat(ctx.getBean(PghaConfig.class).etcd().endpoints())
                  .containsExactly(URI.create("http://10.0.0.1:2379"));
            });
  }

  @Test
  void credentialsAndTlsReachTheAgent() throws IOException {
    Path ca = Files.writeString(tmp.resolve("ca.pem"), "ca");
    Path cert = Files.writeString(tmp.resolve("cert.pem"), "cert");
    Path key = Files.writeString(tmp.resolve("key.pem"), "key");
    runner
        .withPropertyValues(
            "pgha.datasource.enabled=false",
            "pgha.etcd.endpoints=https://10.0.0.1:2379",
            "pgha.etcd.scope=pg",
            "pgha.etcd.username=root",
            "pgha.etcd.password=etcd-secret",
            "pgha.etcd.cacert=" + ca,
            "pgha.etcd.cert=" + cert,
            "pgha.etcd.key=" + key)
        .run(
            ctx -> {
              assertThat(ctx).hasNotFailed();
              PghaConfig agent = ctx.getBean(PghaConfig.class);
              assertThat(agent.etcd().credentials())
                  .contains(new Credentials("root", "etcd-secret"));
              assertThat(agent.etcd().caFile()).isEqualTo(ca);
              assertThat(agent.etcd().certFile()).isEqualTo(cert);
              assertThat(agent.etcd().keyFile()).isEqualTo(key);
            });
  }

  @Test
  void theDeprecatedAgentCredentialsStillWork() {
    runner
        .withPropertyValues(
            "pgha.etcd.endpoints=http://10.0.0.1:2379",
            "pgha.etcd.scope=pg",
            "pgha.agent.etcd-username=root",
            "pgha.agent.etcd-password=etcd-secret")
        .run(
            ctx ->
                assertThat(ctx.getBean(PghaConfig.class).etcd().credentials())
                    .contains(new Credentials("root", "etcd-secret")));
  }

  @Test
  void aBadSharedValueIsReportedUnderItsOwnName() {
    runner
        .withPropertyValues(
            "pgha.datasource.enabled=false",
            "pgha.etcd.endpoints=https://10.0.0.1:2379",
            "pgha.etcd.scope=pg")
        .run(
            ctx -> {
              assertThat(ctx).hasFailed();
              FailureAnalysis analysis =
                  PghaPropertyValidationTest.analyze(ctx.getStartupFailure());
              assertThat(analysis.getDescription())
                  .contains("'pgha.etcd.endpoints'")
                  .contains("must use http unless etcd.cacert or etcd.cert is set");
            });
  }

  @Test
  void theDataSourceUsesTheSameEtcdCredentialsAndTlsAsTheAgent() throws Exception {
    Path ca = Files.writeString(tmp.resolve("ds-ca.pem"), "ca");
    Path cert = Files.writeString(tmp.resolve("ds-cert.pem"), "cert");
    Path key = Files.writeString(tmp.resolve("ds-key.pem"), "key");
    runner
        .withPropertyValues(
            "pgha.etcd.endpoints=https://10.0.0.1:2379",
            "pgha.etcd.scope=pg",
            "pgha.etcd.username=root",
            "pgha.etcd.password=etcd-secret",
            "pgha.etcd.cacert=" + ca,
            "pgha.etcd.cert=" + cert,
            "pgha.etcd.key=" + key)
        .run(
            ctx -> {
              assertThat(ctx).hasNotFailed();
              EtcdAccess ds = ctx.getBean(PghaDataSourceConfig.class).etcdAccess();
              assertThat(ds)
                  .isEqualTo(
                      new EtcdAccess(
                          List.of("https://10.0.0.1:2379"), "root", "etcd-secret", ca, cert, key));
              PghaConfig agent = ctx.getBean(PghaConfig.class);
              assertThat(agent.etcd().credentials())
                  .contains(new Credentials("root", "etcd-secret"));
              assertThat(agent.etcd().caFile()).isEqualTo(ca);
            });
  }
}
