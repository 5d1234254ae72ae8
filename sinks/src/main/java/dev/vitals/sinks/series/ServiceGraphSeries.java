package dev.vitals.sinks.series;

import dev.vitals.schemas.signals.EdgeWindow;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Edge windows as the series Grafana's service graph reads: the names and labels of Grafana Tempo's
 * metrics generator and the OpenTelemetry Collector's {@code servicegraph} connector, so the map
 * draws from Prometheus alone. Every series is a counter (a histogram's buckets, sum and count too)
 * from the edge's running totals, sampled when the window was emitted: late calls raise the next
 * sample, and a retried write is the same sample again.
 *
 * <ul>
 *   <li>{@code traces_service_graph_request_total}, {@code
 *       traces_service_graph_request_failed_total}
 *   <li>{@code traces_service_graph_request_server_seconds_bucket|_sum|_count}, {@code
 *       traces_service_graph_request_client_seconds_bucket|_sum|_count}
 * </ul>
 *
 * Labels: {@code client}, {@code server} (the node names), {@code connection_type} (when not empty:
 * {@code virtual_node}, {@code database}, {@code messaging_system}), {@code tenant}, and {@code
 * client_namespace} / {@code server_namespace} when not empty.
 */
final class ServiceGraphSeries {

  static final String REQUESTS = "traces_service_graph_request_total";
  static final String FAILED = "traces_service_graph_request_failed_total";
  static final String SERVER_SECONDS = "traces_service_graph_request_server_seconds";
  static final String CLIENT_SECONDS = "traces_service_graph_request_client_seconds";

  private ServiceGraphSeries() {}

  static List<SeriesSample> samples(EdgeWindow e) {
    EdgeWindow.Totals totals = e.totals();
    if (totals == null) {
      return List.of();
    }
    Map<String, String> labels = labels(e);
    long t = totals.at().toEpochMilli();
    List<SeriesSample> out = new ArrayList<>();
    out.add(SeriesSample.of(REQUESTS, labels, (double) totals.requests(), t));
    out.add(SeriesSample.of(FAILED, labels, (double) totals.errors(), t));
    histogram(out, SERVER_SECONDS, labels, totals.serverSeconds(), t);
    histogram(out, CLIENT_SECONDS, labels, totals.clientSeconds(), t);
    return out;
  }

  private static void histogram(
      List<SeriesSample> out,
      String name,
      Map<String, String> labels,
      EdgeWindow.Histogram h,
      long t) {
    long cumulative = 0;
    for (int i = 0; i < h.counts().size(); i++) {
      cumulative += h.counts().get(i);
      String le = i < h.bounds().size() ? le(h.bounds().get(i)) : "+Inf";
      Map<String, String> withLe = new LinkedHashMap<>(labels);
      withLe.put("le", le);
      out.add(SeriesSample.of(name + "_bucket", withLe, (double) cumulative, t));
    }
    out.add(SeriesSample.of(name + "_sum", labels, h.sum(), t));
    out.add(SeriesSample.of(name + "_count", labels, (double) cumulative, t));
  }

  /** A bound as Prometheus writes {@code le}: {@code 0.1}, {@code 1.0}, {@code 15.0}. */
  static String le(double bound) {
    String s = Double.toString(bound);
    return s.contains("E") ? String.format(Locale.ROOT, "%f", bound) : s;
  }

  private static Map<String, String> labels(EdgeWindow e) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("tenant", e.tenant());
    labels.put("client", e.client().name());
    labels.put("server", e.server().name());
    if (!e.connectionType().isEmpty()) {
      labels.put("connection_type", e.connectionType());
    }
    if (!e.client().namespace().isEmpty()) {
      labels.put("client_namespace", e.client().namespace());
    }
    if (!e.server().namespace().isEmpty()) {
      labels.put("server_namespace", e.server().namespace());
    }
    return labels;
  }
}
