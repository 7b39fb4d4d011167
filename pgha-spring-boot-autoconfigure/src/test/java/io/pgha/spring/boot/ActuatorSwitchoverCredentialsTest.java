package io.pgha.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.pgha.spring.boot.actuate.PghaActuatorAutoConfiguration;
import io.pgha.spring.boot.actuate.PghaManagementEndpoint;
import io.pgha.spring.boot.autoconfigure.PghaDataSourceAutoConfiguration;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

/**
 * The actuator's switchover goes to the agent's API with the API credentials, which Patroni's and
 * pgha's APIs require for {@code POST /switchover}.
 */
class ActuatorSwitchoverCredentialsTest {
  private final List<String> authorizations = new CopyOnWriteArrayList<>();
  private HttpServer agentApi;

  @BeforeEach
  void startAgentApi() throws Exception {
    agentApi = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    agentApi.createContext(
        "/switchover",
        ex -> {
          ex.getRequestBody().readAllBytes();
          authorizations.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
          byte[] out = "Successfully switched over".getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(200, out.length);
          try (OutputStream o = ex.getResponseBody()) {
            o.write(out);
          }
        });
    agentApi.start();
  }

  @AfterEach
  void stopAgentApi() {
    agentApi.stop(0);
  }

  private final WebApplicationContextRunner web =
      new WebApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  PghaDataSourceAutoConfiguration.class,
                  PghaActuatorAutoConfiguration.class,
                  EndpointAutoConfiguration.class))
          .withUserConfiguration(PghaAutoConfigurationTest.FixedTopology.class)
          .withPropertyValues(
              "management.endpoints.web.exposure.include=pgha",
              "pgha.actuator.switchover-enabled=true");

  @Test
  void theSwitchoverSendsTheAgentApiCredentials() {
    web.withPropertyValues(
            "pgha.actuator.agent-api-url=http://127.0.0.1:" + agentApi.getAddress().getPort(),
            "pgha.actuator.agent-api-username=patroni",
            "pgha.actuator.agent-api-password=s3cret")
        .run(
            ctx -> {
              Map<String, Object> out = ctx.getBean(PghaManagementEndpoint.class).switchover(null);
              assertThat(out).containsEntry("status", 200);
            });
    // "patroni:s3cret" in Base64.
    assertThat(authorizations).containsExactly("Basic cGF0cm9uaTpzM2NyZXQ=");
  }
}
