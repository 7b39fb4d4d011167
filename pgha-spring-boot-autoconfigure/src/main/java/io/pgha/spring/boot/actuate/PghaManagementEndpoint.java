package io.pgha.spring.boot.actuate;

import io.pgha.jdbc.TopologyAwareDataSource;
import io.pgha.spring.boot.LeaderChangeHistory;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * {@code /actuator/pgha} with a planned switchover ({@code POST}, optional {@code candidate}),
 * created instead of {@link PghaEndpoint} only when {@code pgha.actuator.switchover-enabled=true}.
 * The request goes to an agent's Patroni-compatible API ({@code POST /switchover}): the embedded
 * agent's, or {@code pgha.actuator.agent-api-url}.
 */
@Endpoint(id = "pgha")
public class PghaManagementEndpoint extends PghaEndpoint {

  private final URI agentApi;
  private final Optional<String> agentApiAuthorization;
  private final Optional<SSLContext> agentApiTls;

  public PghaManagementEndpoint(
      TopologyAwareDataSource dataSource,
      LeaderChangeHistory history,
      AgentView agent,
      URI agentApi) {
    this(dataSource, history, agent, agentApi, Optional.empty(), Optional.empty());
  }

  /**
   * @param agentApi the agent API switchover requests go to when no agent is embedded
   * @param agentApiAuthorization the {@code Authorization} header sent to {@code agentApi}
   * @param agentApiTls how to call {@code agentApi} when it is https
   */
  public PghaManagementEndpoint(
      TopologyAwareDataSource dataSource,
      LeaderChangeHistory history,
      AgentView agent,
      URI agentApi,
      Optional<String> agentApiAuthorization,
      Optional<SSLContext> agentApiTls) {
    super(dataSource, history, agent);
    this.agentApi = agentApi;
    this.agentApiAuthorization = agentApiAuthorization;
    this.agentApiTls = agentApiTls;
  }

  /**
   * Asks the cluster to hand leadership from the current leader to {@code candidate} (or to the
   * healthiest replica when absent).
   */
  @WriteOperation
  public Map<String, Object> switchover(@Nullable String candidate)
      throws IOException, InterruptedException {
    String leader = dataSource().topology().leaderName();
    Map<String, Object> out = new LinkedHashMap<>();
    if (leader == null) {
      out.put("status", 503);
      out.put("message", "no leader now: a switchover needs one");
      return out;
    }
    boolean embedded = agentApi == null && agent() != null;
    URI api = agentApi != null ? agentApi : embedded ? URI.create(agent().apiBaseUrl()) : null;
    if (api == null) {
      out.put("status", 503);
      out.put("message", "no agent API: embed an agent or set pgha.actuator.agent-api-url");
      return out;
    }
    String body =
        "{\"leader\":\""
            + json(leader)
            + "\""
            + (candidate == null || candidate.isBlank()
                ? ""
                : ",\"candidate\":\"" + json(candidate) + "\"")
            + "}";
    // The agent's API requires its credentials (and maybe TLS) for a switchover, as Patroni's.
    Optional<String> authorization = embedded ? agent().apiAuthorization() : agentApiAuthorization;
    Optional<SSLContext> tls = embedded ? agent().apiTls() : agentApiTls;
    HttpRequest.Builder request =
        HttpRequest.newBuilder(api.resolve("/switchover"))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    authorization.ifPresent(a -> request.header("Authorization", a));
    HttpClient.Builder client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2));
    tls.ifPresent(client::sslContext);
    HttpResponse<String> response =
        client.build().send(request.build(), HttpResponse.BodyHandlers.ofString());
    out.put("status", response.statusCode());
    out.put("message", response.body().strip());
    return out;
  }

  private static String json(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"");
  }
}
