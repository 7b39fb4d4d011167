package io.pgha.jdbc;

import io.pgha.jdbc.topology.Topology;
import io.pgha.jdbc.topology.TopologySource;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/** A topology source the test drives by hand, to put the router in exact situations. */
final class ManualTopologySource implements TopologySource {

  private final AtomicReference<Consumer<Topology>> listener = new AtomicReference<>();
  private final Topology initial;

  ManualTopologySource(Topology initial) {
    this.initial = initial;
  }

  @Override
  public void start(Consumer<Topology> topologyListener, Duration timeout) {
    listener.set(topologyListener);
    topologyListener.accept(initial);
  }

  void publish(Topology topology) {
    listener.get().accept(topology);
  }

  @Override
  public String describe() {
    return "manual";
  }

  @Override
  public void close() {}
}
