package dev.vitals.streams.slo;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The {@code vitals_streams_slo_*} and {@code vitals_streams_alerts_*} metrics of the SLO topology.
 * One instance per registry.
 */
public final class SloMetrics {

  private final Counter evaluations;
  private final Counter corrections;
  private final Counter alertsFired;
  private final Counter alertsResolved;
  private final Counter fileReloads;
  private final Counter fileErrors;
  private final Counter unreadableWindows;

  public SloMetrics(PrometheusRegistry registry) {
    evaluations =
        Counter.builder()
            .name("vitals_streams_slo_evaluations_total")
            .help("SLO evaluations, one per SLO per service-level window.")
            .register(registry);
    corrections =
        Counter.builder()
            .name("vitals_streams_slo_window_corrections_total")
            .help("Windows re-emitted with a higher revision that replaced an earlier count.")
            .register(registry);
    alertsFired =
        Counter.builder()
            .name("vitals_streams_alerts_fired_total")
            .help("Alerts that started firing, by severity.")
            .labelNames("severity")
            .register(registry);
    alertsResolved =
        Counter.builder()
            .name("vitals_streams_alerts_resolved_total")
            .help("Alerts that resolved, by severity.")
            .labelNames("severity")
            .register(registry);
    fileReloads =
        Counter.builder()
            .name("vitals_streams_slo_file_reloads_total")
            .help("Times a changed SLO file was read and put in force.")
            .register(registry);
    fileErrors =
        Counter.builder()
            .name("vitals_streams_slo_file_errors_total")
            .help("Times a changed SLO file was invalid; the previous SLOs stayed in force.")
            .register(registry);
    unreadableWindows =
        Counter.builder()
            .name("vitals_streams_slo_unreadable_windows_total")
            .help("Records of the service-windows topic that were not a window; skipped.")
            .register(registry);
  }

  void unreadableWindow() {
    unreadableWindows.inc();
  }

  void evaluated() {
    evaluations.inc();
  }

  void corrected() {
    corrections.inc();
  }

  void fired(String severity) {
    alertsFired.labelValues(severity).inc();
  }

  void resolved(String severity) {
    alertsResolved.labelValues(severity).inc();
  }

  void fileReloaded() {
    fileReloads.inc();
  }

  void fileFailed() {
    fileErrors.inc();
  }
}
