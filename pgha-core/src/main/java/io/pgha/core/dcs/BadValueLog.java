package io.pgha.core.dcs;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs each problem with a stored value once: a watch sees the same bad value on every re-read, and
 * a log line per re-read would drown everything else.
 */
final class BadValueLog {
  private static final Logger LOG = LoggerFactory.getLogger(BadValueLog.class);
  private static final int REMEMBERED = 1024;

  private final String owner;
  private final Set<String> reported =
      Collections.newSetFromMap(
          new LinkedHashMap<>() {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
              return size() > REMEMBERED;
            }
          });

  /**
   * @param owner who reads the values (member name or client id), for the log lines
   */
  BadValueLog(String owner) {
    this.owner = owner;
  }

  /** Reports {@code problem} once per distinct message; the message names key and value. */
  synchronized void warn(String problem) {
    if (reported.add(problem)) {
      LOG.warn("[{}] ignoring bad value in etcd: {}", owner, problem);
    }
  }
}
