package io.pgha.benchmarks;

import io.pgha.testkit.EtcdMember;
import io.pgha.testkit.LocalEtcd;
import java.net.URI;
import java.util.List;

/**
 * The etcd a fleet cell runs on, and how its members are read: a 3-member etcd the benchmark starts
 * on this machine for the cell (CPU and RSS from {@code /proc}, the rest from {@code /metrics}), or
 * an external one it neither starts nor stops (everything from each member's {@code /metrics}).
 */
final class FleetEtcd implements AutoCloseable {
  private final LocalEtcd local;
  private final List<String> endpoints;
  private final List<URI> metricsUrls;

  private FleetEtcd(LocalEtcd local, List<String> endpoints, List<URI> metricsUrls) {
    this.local = local;
    this.endpoints = List.copyOf(endpoints);
    this.metricsUrls = List.copyOf(metricsUrls);
  }

  /** A fresh etcd of {@code members} on this machine, stopped by {@link #close()}. */
  static FleetEtcd start(int members) {
    LocalEtcd etcd = LocalEtcd.start(members);
    return new FleetEtcd(etcd, etcd.clientEndpoints(), List.of());
  }

  /** The external etcd of {@code generator}, left running by {@link #close()}. */
  static FleetEtcd external(FleetGenerator generator) {
    return new FleetEtcd(
        null,
        generator.etcdEndpoints().stream().map(URI::toString).toList(),
        generator.metricsUrls());
  }

  /** The client URLs the members and probes connect to. */
  List<String> endpoints() {
    return endpoints;
  }

  /** Whether CPU and RSS come from each member's {@code /metrics} instead of {@code /proc}. */
  boolean readThroughMetrics() {
    return local == null;
  }

  /** Every member now, in a stable order. */
  List<FleetEtcdSample> sample() {
    if (local == null) {
      return metricsUrls.stream().map(FleetEtcdSample::fromMetrics).toList();
    }
    return local.members().stream()
        .map((EtcdMember m) -> FleetEtcdSample.take(m.pid(), m.clientEndpoint()))
        .toList();
  }

  @Override
  public void close() {
    if (local != null) {
      local.close();
    }
  }
}
