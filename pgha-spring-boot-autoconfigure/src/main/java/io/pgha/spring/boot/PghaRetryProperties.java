package io.pgha.spring.boot;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** Retry of {@link RetryOnFailover} methods when a failover breaks them. */
@ConfigurationProperties(prefix = "pgha.retry")
public class PghaRetryProperties {

  /** Whether {@link RetryOnFailover} methods are retried. */
  private boolean enabled = true;

  /**
   * Attempts, the first included (at least 1). With the default wait, cover the DataSource's
   * leader-wait-timeout: each attempt already waits for a leader.
   */
  private int maxAttempts = 5;

  /**
   * First pause between attempts; each next one doubles, drawn within ±50 % (jitter), at most 2 s
   * or this wait when longer.
   */
  private Duration wait = Duration.ofMillis(100);

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public int getMaxAttempts() {
    return maxAttempts;
  }

  public void setMaxAttempts(int maxAttempts) {
    this.maxAttempts = maxAttempts;
  }

  public Duration getWait() {
    return wait;
  }

  public void setWait(Duration wait) {
    this.wait = wait;
  }
}
