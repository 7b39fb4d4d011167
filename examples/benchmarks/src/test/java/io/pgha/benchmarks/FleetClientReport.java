package io.pgha.benchmarks;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The fleet-clients benchmark's report.md: machine, method, one table row per cell. */
final class FleetClientReport {
  private final List<FleetClientResult> results;
  private final Map<String, String> machine;
  private final String method;

  FleetClientReport(List<FleetClientResult> results, Map<String, String> machine, String method) {
    this.results = List.copyOf(results);
    this.machine = new LinkedHashMap<>(machine);
    this.method = method;
  }

  String render() {
    StringBuilder md = new StringBuilder("# pgha fleet clients benchmark\n\n");
    md.append("## Machine\n\n| | |\n|---|---|\n");
    machine.forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v).append(" |\n"));
    md.append("\n## Method\n\n").append(method);
    md.append("\n## Leader change to every client\n\n");
    md.append(
        "Per client and switchover, from the leader-key write to the DataSource's new leader.\n\n");
    md.append(
        "| via | clients | JVMs | switchovers | samples | missed | p50 ms | p99 ms | max ms |"
            + " warm p99 ms | JVM watch p50 ms | JVM watch max ms | clients start s | load avg |\n");
    md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (FleetClientResult r : results) {
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %d | %d | %d | %d | %d | %s | %s | %s | %s | %s | %s | %.1f | %s |\n",
              r.via(),
              r.clients(),
              r.jvms(),
              r.switchovers(),
              r.latenciesMs().size(),
              r.missed(),
              FleetClientResult.ms(r.percentile(50)),
              FleetClientResult.ms(r.percentile(99)),
              FleetClientResult.ms(r.max()),
              FleetClientResult.ms(FleetClientResult.percentile(r.warmLatenciesMs(), 99)),
              FleetClientResult.ms(FleetClientResult.percentile(r.jvmWatchLatenciesMs(), 50)),
              FleetClientResult.ms(Stats.max(r.jvmWatchLatenciesMs())),
              r.startSeconds(),
              r.loadAverage()));
    }
    md.append("\n## Cost on etcd\n\n");
    md.append(
        "CPU in % of one core (etcd: the 3 members together). Idle: clients watching, nothing"
            + " changing; switchover: from the request until every client saw it.\n\n");
    md.append(
        "| via | clients | watchers | watch streams | etcd RSS MB | etcd CPU idle | etcd CPU"
            + " switchover | proxy CPU idle | proxy CPU switchover | clients CPU switchover |"
            + " etcd sent kB/s idle | etcd sent kB/s switchover |\n");
    md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (FleetClientResult r : results) {
      FleetClientResult.Window i = r.idle();
      FleetClientResult.Window s = r.switchover();
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %d | %d | %d | %.0f | %s | %s | %s | %s | %s | %.1f | %.1f |\n",
              r.via(),
              r.clients(),
              i.watchers(),
              i.watchStreams(),
              i.etcdRssMb(),
              FleetClientLoad.percent(i.etcdCpuPercent()),
              FleetClientLoad.percent(s.etcdCpuPercent()),
              FleetClientLoad.percent(i.proxyCpuPercent()),
              FleetClientLoad.percent(s.proxyCpuPercent()),
              FleetClientLoad.percent(s.clientCpuPercent()),
              i.sentKbPerSecond(),
              s.sentKbPerSecond()));
    }
    return md.toString();
  }
}
