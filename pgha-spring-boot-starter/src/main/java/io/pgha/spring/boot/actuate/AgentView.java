package io.pgha.spring.boot.actuate;

import java.util.List;
import java.util.Map;

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
}
