package io.pgha.spring.boot.actuate;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * What the actuator shows of an embedded agent. An interface so that the health indicator and the
 * endpoint load without pgha-core when no agent is embedded.
 */
public interface AgentView {

  /** Member name, role, leadership and last decision. */
  Map<String, Object> summary();

  /** The last decisions of the HA loop, newest first: time and sentence. */
  List<Map<String, Object>> recentDecisions();

  /** The base URL of the agent's HTTP API. */
  String apiBaseUrl();

  /**
   * The {@code Authorization} header the agent's API requires for unsafe methods (its {@code
   * restapi.authentication}); empty when it requires none.
   */
  default Optional<String> apiAuthorization() {
    return Optional.empty();
  }

  /** How to call the agent's API when it serves https; empty for the JDK's defaults. */
  default Optional<SSLContext> apiTls() {
    return Optional.empty();
  }
}
