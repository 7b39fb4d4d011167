package io.pgha.spring.boot.agent;

import io.pgha.core.PghaAgent;
import io.pgha.core.agent.AgentSnapshot;
import io.pgha.spring.boot.autoconfigure.PghaStartBarrier;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Binds the embedded agent to the application context. The agent starts before the DataSource
 * (which needs the cluster to exist in etcd) or, without a DataSource, with the context's
 * lifecycle; it stops late in a graceful shutdown, after the web server stopped taking requests,
 * and {@link PghaAgent#stop()} hands leadership over at once.
 */
public final class PghaAgentLifecycle implements SmartLifecycle, PghaStartBarrier {
  private static final Logger LOG = LoggerFactory.getLogger(PghaAgentLifecycle.class);

  /** Starts before and stops after the web server (whose phases are just below the default). */
  public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

  private final PghaAgent agent;
  private final Duration startWait;

  public PghaAgentLifecycle(PghaAgent agent, Duration startWait) {
    this.agent = agent;
    this.startWait = startWait;
  }

  /** The agent this lifecycle runs. */
  public PghaAgent agent() {
    return agent;
  }

  @Override
  public synchronized void start() {
    if (!agent.isRunning()) {
      LOG.info("[{}] starting the embedded pgha agent", agent.name());
      agent.start();
    }
  }

  /** Starts the agent and waits until it has joined the cluster (bounded by start-wait). */
  @Override
  public void awaitReady() {
    start();
    long deadline = System.nanoTime() + startWait.toNanos();
    while (System.nanoTime() - deadline < 0) {
      if (joined()) {
        return;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    LOG.warn(
        "[{}] the embedded agent has not joined its cluster within {} (pgha.agent.start-wait);"
            + " starting the DataSource anyway",
        agent.name(),
        startWait);
  }

  private boolean joined() {
    try {
      AgentSnapshot s = agent.snapshot();
      return s.cluster().member(agent.name()).isPresent() || s.cluster().leaderMember().isPresent();
    } catch (IllegalStateException notRunning) {
      return false;
    }
  }

  @Override
  public synchronized void stop() {
    if (agent.isRunning()) {
      LOG.info("[{}] stopping the embedded pgha agent; leadership is handed over", agent.name());
      agent.stop();
    }
  }

  @Override
  public boolean isRunning() {
    return agent.isRunning();
  }

  @Override
  public int getPhase() {
    return PHASE;
  }
}
