package io.pgha.core.agent;

/**
 * Hears the agent's {@link AgentEvent}s. Called on the agent's event thread, one event at a time; a
 * listener that throws is logged and keeps hearing later events, and never slows the HA loop.
 */
@FunctionalInterface
public interface AgentListener {
  void onEvent(AgentEvent event);
}
