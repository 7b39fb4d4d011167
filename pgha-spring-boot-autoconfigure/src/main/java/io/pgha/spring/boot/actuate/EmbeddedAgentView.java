package io.pgha.spring.boot.actuate;

import io.pgha.core.PghaAgent;
import io.pgha.core.agent.AgentSnapshot;
import io.pgha.core.agent.DecisionRecord;
import io.pgha.core.api.PeerTls;
import io.pgha.core.config.RestApiSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/** {@link AgentView} of a {@link PghaAgent} running in this application. */
final class EmbeddedAgentView implements AgentView {
  private final PghaAgent agent;
  private final Optional<RestApiSettings> api;

  /**
   * @param api the agent's restapi section, when its configuration is known: the credentials and
   *     TLS the actuator calls the API with
   */
  EmbeddedAgentView(PghaAgent agent, Optional<RestApiSettings> api) {
    this.agent = agent;
    this.api = api;
  }

  @Override
  public Map<String, Object> summary() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("member", agent.name());
    if (!agent.isRunning()) {
      out.put("running", false);
      return out;
    }
    AgentSnapshot s = agent.snapshot();
    out.put("running", true);
    out.put("holdsLeadership", s.holdsLeadership());
    out.put("role", role(s));
    out.put("lastDecision", s.lastDecision());
    return out;
  }

  private static String role(AgentSnapshot s) {
    if (s.postgres() == null || !s.postgres().acceptingConnections()) {
      return "stopped";
    }
    return s.postgres().isStandby() ? "replica" : "primary";
  }

  @Override
  public List<Map<String, Object>> recentDecisions() {
    if (!agent.isRunning()) {
      return List.of();
    }
    List<Map<String, Object>> out = new ArrayList<>();
    for (DecisionRecord d : agent.snapshot().recentDecisions()) {
      Map<String, Object> one = new LinkedHashMap<>();
      one.put("at", d.at().toString());
      one.put("actions", d.decision().kinds().stream().map(Enum::name).toList());
      one.put("reason", d.decision().reason());
      out.add(one);
    }
    return out;
  }

  @Override
  public String apiBaseUrl() {
    return agent.apiBaseUrl();
  }

  @Override
  public Optional<String> apiAuthorization() {
    return api.flatMap(RestApiSettings::credentials)
        .map(c -> BasicAuthorization.of(c.username(), c.passwordIfSet().orElse("")));
  }

  @Override
  public Optional<SSLContext> apiTls() {
    return api.flatMap(PeerTls::context);
  }
}
