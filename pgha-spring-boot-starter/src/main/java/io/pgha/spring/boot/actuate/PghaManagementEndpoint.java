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

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final URI agentApi;

  public PghaManagementEndpoint(
      TopologyAwareDataSource dataSource,
      LeaderChangeHistory history,
      AgentView agent,
      URI agentApi) {
    super(dataSource, history, agent);
    this.agentApi = agentApi;
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
    URI api =
        agentApi != null ? agentApi : agent() != null ? URI.create(agent().apiBaseUrl()) : null;
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
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(api.resolve("/switchover"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    out.put("status", response.statusCode());
    out.put("message", response.body().strip());
    return out;
  }

  private static String json(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"");
  }
}
