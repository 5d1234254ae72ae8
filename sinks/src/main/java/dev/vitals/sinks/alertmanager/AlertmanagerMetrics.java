package dev.vitals.sinks.alertmanager;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The {@code vitals_sink_alertmanager_*} series, labelled with the sink's name. Registered once per
 * registry and shared by every Alertmanager sink in it.
 */
final class AlertmanagerMetrics {

  private static final Map<PrometheusRegistry, AlertmanagerMetrics> BY_REGISTRY =
      new WeakHashMap<>();

  final Gauge active;
  final Gauge resolved;
  final Counter posts;
  final Counter sent;
  final Counter invalidRecords;

  private AlertmanagerMetrics(PrometheusRegistry registry) {
    active =
        Gauge.builder()
            .name("vitals_sink_alertmanager_alerts_active")
            .help("Firing alerts the sink keeps re-sending to Alertmanager.")
            .labelNames("sink")
            .register(registry);
    resolved =
        Gauge.builder()
            .name("vitals_sink_alertmanager_alerts_resolved")
            .help("Resolved alerts still re-sent until their retention (15m) has passed.")
            .labelNames("sink")
            .register(registry);
    posts =
        Counter.builder()
            .name("vitals_sink_alertmanager_posts_total")
            .help(
                "POSTs to /api/v2/alerts by outcome: ok, rejected (4xx, given up), retry (5xx,"
                    + " 429), error (no answer).")
            .labelNames("sink", "outcome")
            .register(registry);
    sent =
        Counter.builder()
            .name("vitals_sink_alertmanager_alerts_sent_total")
            .help("Alerts in POSTs that Alertmanager accepted, re-sends included.")
            .labelNames("sink")
            .register(registry);
    invalidRecords =
        Counter.builder()
            .name("vitals_sink_alertmanager_invalid_records_total")
            .help("Records of the alerts topic that are not AlertEvents; skipped.")
            .labelNames("sink")
            .register(registry);
  }

  static synchronized AlertmanagerMetrics of(PrometheusRegistry registry) {
    return BY_REGISTRY.computeIfAbsent(registry, AlertmanagerMetrics::new);
  }

  void forget(String sink) {
    active.remove(sink);
    resolved.remove(sink);
  }
}
