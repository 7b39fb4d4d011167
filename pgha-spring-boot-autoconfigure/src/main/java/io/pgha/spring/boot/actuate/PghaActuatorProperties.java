package io.pgha.spring.boot.actuate;

import java.net.URI;
import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** The {@code pgha} actuator endpoint's management operations. */
@ConfigurationProperties(prefix = "pgha.actuator")
public class PghaActuatorProperties {

  /**
   * Whether {@code POST /actuator/pgha} may ask for a planned switchover. Off by default: it moves
   * the primary of the whole cluster.
   */
  private boolean switchoverEnabled;

  /**
   * Base URL of an agent's HTTP API that switchover requests go to, when no agent is embedded in
   * this application (e.g. {@code http://10.0.0.1:8008}).
   */
  private URI agentApiUrl;

  /**
   * User name sent with switchover requests to pgha.actuator.agent-api-url (the agent's
   * restapi.authentication); with an embedded agent, its own pgha.agent.rest-api.username is sent.
   */
  private String agentApiUsername;

  /** Password of agent-api-username; never logged. */
  private String agentApiPassword;

  /** PEM CA certificates the agent's https API certificate is verified against. */
  private Path agentApiCafile;

  public boolean isSwitchoverEnabled() {
    return switchoverEnabled;
  }

  public void setSwitchoverEnabled(boolean switchoverEnabled) {
    this.switchoverEnabled = switchoverEnabled;
  }

  public URI getAgentApiUrl() {
    return agentApiUrl;
  }

  public void setAgentApiUrl(URI agentApiUrl) {
    this.agentApiUrl = agentApiUrl;
  }

  public String getAgentApiUsername() {
    return agentApiUsername;
  }

  public void setAgentApiUsername(String agentApiUsername) {
    this.agentApiUsername = agentApiUsername;
  }

  public String getAgentApiPassword() {
    return agentApiPassword;
  }

  public void setAgentApiPassword(String agentApiPassword) {
    this.agentApiPassword = agentApiPassword;
  }

  public Path getAgentApiCafile() {
    return agentApiCafile;
  }

  public void setAgentApiCafile(Path agentApiCafile) {
    this.agentApiCafile = agentApiCafile;
  }
}
