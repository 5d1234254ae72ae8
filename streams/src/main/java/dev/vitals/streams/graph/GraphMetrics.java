package dev.vitals.streams.graph;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** The {@code vitals_streams_graph_*} metrics of the dependency-graph topology. */
public final class GraphMetrics {

  private final Counter spans;
  private final Counter outcomes;
  private final Counter evicted;
  private final Gauge pending;
  private final Counter windowsEmitted;
  private final Counter lateCalls;

  public GraphMetrics(PrometheusRegistry registry) {
    spans =
        Counter.builder()
            .name("vitals_streams_graph_spans_total")
            .help("Client/producer (side=client) and server/consumer (side=server) spans read.")
            .labelNames("side")
            .register(registry);
    outcomes =
        Counter.builder()
            .name("vitals_streams_graph_pairing_total")
            .help(
                "What became of span halves: paired (a call between two services), root (a call"
                    + " from user), virtual (a client span alone, a call to the node it names),"
                    + " unpaired_client (alone, naming no peer), unpaired_server (alone; its caller"
                    + " never arrived), unpaired (a second callee of one caller), duplicate,"
                    + " same_service (a call within one service, not an edge).")
            .labelNames("outcome")
            .register(registry);
    evicted =
        Counter.builder()
            .name("vitals_streams_graph_evicted_spans_total")
            .help(
                "Span halves given up before their pairing wait ended because the pending store"
                    + " was at maxPendingSpans.")
            .register(registry);
    pending =
        Gauge.builder()
            .name("vitals_streams_graph_pending_spans")
            .help("Span halves waiting for their other half (and pairing markers), by partition.")
            .labelNames("partition")
            .register(registry);
    windowsEmitted =
        Counter.builder()
            .name("vitals_streams_graph_edge_windows_emitted_total")
            .help("Edge windows written, by kind: closed or correction.")
            .labelNames("kind")
            .register(registry);
    lateCalls =
        Counter.builder()
            .name("vitals_streams_graph_late_calls_total")
            .help(
                "Calls for already closed edge windows: corrected (window re-emitted with a higher"
                    + " revision) or dropped (past the correction horizon).")
            .labelNames("outcome")
            .register(registry);
  }

  void spanIn(boolean caller) {
    spans.labelValues(caller ? "client" : "server").inc();
  }

  void outcome(String outcome) {
    outcomes.labelValues(outcome).inc();
  }

  void evicted() {
    evicted.inc();
  }

  void pending(int partition, long n) {
    pending.labelValues(Integer.toString(partition)).set((double) n);
  }

  void windowEmitted(String kind) {
    windowsEmitted.labelValues(kind).inc();
  }

  void lateCall(String outcome) {
    lateCalls.labelValues(outcome).inc();
  }

  void forgetPartition(int partition) {
    pending.remove(Integer.toString(partition));
  }
}
