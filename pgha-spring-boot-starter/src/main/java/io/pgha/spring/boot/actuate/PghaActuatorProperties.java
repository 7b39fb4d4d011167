package io.pgha.spring.boot.actuate;

import java.net.URI;
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
}
