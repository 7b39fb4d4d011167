package io.pgha.core.dcs;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the subscribers about each new cluster view on their own thread, so a slow listener never
 * holds up the watch; a listener that throws is logged and the others still hear.
 */
final class ViewListeners {
  private static final Logger LOG = LoggerFactory.getLogger(ViewListeners.class);

  private final String me;
  private final ExecutorService notifier;
  private final List<ClusterViewListener> listeners = new CopyOnWriteArrayList<>();

  ViewListeners(String me, ExecutorService notifier) {
    this.me = me;
    this.notifier = notifier;
  }

  AutoCloseable subscribe(ClusterViewListener listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  void publish(ViewChange change) {
    try {
      notifier.execute(
          () -> {
            for (ClusterViewListener listener : listeners) {
              try {
                listener.onViewChange(change);
              } catch (RuntimeException e) {
                LOG.error("[{}] cluster view listener {} failed", me, listener, e);
              }
            }
          });
    } catch (RuntimeException e) {
      // Closing: nobody to tell.
    }
  }

  void close() {
    notifier.shutdownNow();
  }
}
