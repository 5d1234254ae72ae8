package dev.vitals.sinks.series;

import dev.vitals.schemas.Topics;
import dev.vitals.schemas.signals.EdgeWindow;
import dev.vitals.schemas.signals.Health;
import dev.vitals.schemas.signals.ServiceWindow;
import dev.vitals.schemas.signals.SignalJson;
import dev.vitals.schemas.signals.SloEvaluation;
import dev.vitals.sinks.SinkSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns signal records into the exported series (docs/architecture.md, "Sinks, record by record";
 * listed in the README). Every series is labelled {@code tenant}, {@code namespace} (absent when
 * empty: stores treat an empty label as absent), {@code service}, and {@code operation} where it
 * has one. The sample time is the window's end or the evaluation time, so a retried write is the
 * same sample again.
 *
 * <p>A service window's running totals become counters ({@code vitals_requests_total}, …) stamped
 * with the totals' own sample time, which grows strictly from record to record: a late correction
 * raises them without ever writing a second value at a time the store already has. The per-window
 * series of a correction (revision > 0) are written only to a store that takes a new value at a
 * timestamp it has ({@link SinkSettings.Corrections#OVERWRITE}); elsewhere they are written once,
 * and the counters carry the correction.
 */
public final class SeriesMapper {

  /** Severity classes, all exported (zero when absent) so every series is continuous. */
  public static final List<String> SEVERITIES =
      List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL");

  /** The latency histogram of all requests: cumulative, counted since the totals' start. */
  public static final String DURATION = "vitals_request_duration_seconds";

  private final Topics topics;
  private final SinkSettings.Corrections corrections;
  private final SinkSettings.Histograms histograms;

  /**
   * @param histograms {@code NATIVE}: histogram samples ({@link SeriesSample.Type#HISTOGRAM}),
   *     {@code CLASSIC}: {@code _bucket}/{@code _count}/{@code _sum} counters (see {@link
   *     ClassicBuckets})
   */
  public SeriesMapper(
      Topics topics, SinkSettings.Corrections corrections, SinkSettings.Histograms histograms) {
    this.topics = topics;
    this.corrections = corrections;
    this.histograms = histograms;
  }

  /**
   * The samples of one record of a signal topic; empty for topics that carry no series.
   *
   * @throws org.apache.kafka.common.errors.SerializationException when the value is not a valid
   *     record of its topic
   */
  public List<SeriesSample> samples(String topic, byte[] value) {
    if (topic.equals(topics.serviceWindows())) {
      return windowSamples(SignalJson.read(value, ServiceWindow.class), corrections, histograms);
    }
    if (topic.equals(topics.slo())) {
      return sloSamples(SignalJson.read(value, SloEvaluation.class));
    }
    if (topic.equals(topics.health())) {
      return healthSamples(SignalJson.read(value, Health.class));
    }
    if (topic.equals(topics.edges())) {
      return ServiceGraphSeries.samples(SignalJson.read(value, EdgeWindow.class));
    }
    return List.of();
  }

  static List<SeriesSample> windowSamples(
      ServiceWindow w, SinkSettings.Corrections corrections, SinkSettings.Histograms histograms) {
    Map<String, String> labels = labels(w.tenant(), w.namespace(), w.service());
    if (w.operation() != null) {
      labels.put("operation", w.operation());
    }
    List<SeriesSample> out = new ArrayList<>();
    if (w.revision() == 0 || corrections == SinkSettings.Corrections.OVERWRITE) {
      perWindow(w, labels, out);
    }
    if (w.totals() != null) {
      totals(w.totals(), labels, histograms, out);
    }
    return out;
  }

  /** The running totals: counters, and the latency histogram in the store's form. */
  private static void totals(
      ServiceWindow.Totals totals,
      Map<String, String> labels,
      SinkSettings.Histograms histograms,
      List<SeriesSample> out) {
    long t = totals.sampledAt().toEpochMilli();
    long start = totals.since().toEpochMilli();
    if (totals.latency() != null && histograms == SinkSettings.Histograms.NATIVE) {
      out.add(SeriesSample.histogram(DURATION, labels, totals.latency(), t, start));
    } else if (totals.latency() != null) {
      ClassicBuckets.add(DURATION, labels, totals.latency(), t, start, out);
    }
    out.add(
        SeriesSample.counter(
            "vitals_requests_total", labels, (double) totals.requests(), t, start));
    out.add(
        SeriesSample.counter("vitals_errors_total", labels, (double) totals.errors(), t, start));
    out.add(SeriesSample.counter("vitals_spans_total", labels, (double) totals.spans(), t, start));
    out.add(
        SeriesSample.counter(
            "vitals_error_spans_total", labels, (double) totals.errorSpans(), t, start));
    for (String severity : SEVERITIES) {
      out.add(
          SeriesSample.counter(
              "vitals_log_records_total",
              with(labels, "severity", severity),
              totals.logs().getOrDefault(severity, 0L),
              t,
              start));
    }
  }

  /** The series of one window, stamped with its end. */
  private static void perWindow(
      ServiceWindow w, Map<String, String> labels, List<SeriesSample> out) {
    long t = w.windowEnd().toEpochMilli();
    double seconds = w.length().toMillis() / 1000.0;
    out.add(SeriesSample.of("vitals_requests_per_second", labels, w.requests() / seconds, t));
    out.add(SeriesSample.of("vitals_errors_per_second", labels, w.errors() / seconds, t));
    out.add(SeriesSample.of("vitals_window_requests", labels, (double) w.requests(), t));
    out.add(SeriesSample.of("vitals_window_errors", labels, (double) w.errors(), t));
    if (w.requests() > 0) {
      out.add(SeriesSample.of("vitals_error_ratio", labels, (double) w.errors() / w.requests(), t));
    }
    if (w.latency() != null) {
      out.add(
          SeriesSample.of(
              "vitals_latency_seconds", with(labels, "quantile", "0.5"), w.latency().p50(), t));
      out.add(
          SeriesSample.of(
              "vitals_latency_seconds", with(labels, "quantile", "0.9"), w.latency().p90(), t));
      out.add(
          SeriesSample.of(
              "vitals_latency_seconds", with(labels, "quantile", "0.99"), w.latency().p99(), t));
      out.add(SeriesSample.of("vitals_latency_max_seconds", labels, w.latency().max(), t));
    }
    for (String severity : SEVERITIES) {
      long n = w.logs().getOrDefault(severity, 0L);
      out.add(
          SeriesSample.of(
              "vitals_log_records_per_second", with(labels, "severity", severity), n / seconds, t));
    }
    out.add(SeriesSample.of("vitals_spans_per_second", labels, w.spans() / seconds, t));
    out.add(SeriesSample.of("vitals_error_spans_per_second", labels, w.errorSpans() / seconds, t));
    if (w.operation() == null) {
      out.add(SeriesSample.of("vitals_service_silent", labels, w.silent() ? 1 : 0, t));
    }
  }

  static List<SeriesSample> sloSamples(SloEvaluation e) {
    Map<String, String> labels = labels(e.tenant(), e.namespace(), e.service());
    labels.put("slo", e.slo());
    long t = e.evaluatedAt().toEpochMilli();
    List<SeriesSample> out = new ArrayList<>();
    out.add(SeriesSample.of("vitals_slo_objective_ratio", labels, e.objective(), t));
    out.add(
        SeriesSample.of(
            "vitals_slo_error_budget_remaining_ratio", labels, e.errorBudgetRemaining(), t));
    e.burnRates()
        .forEach(
            (window, rate) ->
                out.add(
                    SeriesSample.of(
                        "vitals_slo_burn_rate", with(labels, "window", window), rate, t)));
    return out;
  }

  static List<SeriesSample> healthSamples(Health h) {
    Map<String, String> labels = labels(h.tenant(), h.namespace(), h.service());
    long t = h.evaluatedAt().toEpochMilli();
    List<SeriesSample> out = new ArrayList<>();
    for (Health.Status status : Health.Status.values()) {
      out.add(
          SeriesSample.of(
              "vitals_health_status",
              with(labels, "status", status.name()),
              h.status() == status ? 1 : 0,
              t));
    }
    return out;
  }

  private static Map<String, String> labels(String tenant, String namespace, String service) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("tenant", tenant);
    if (!namespace.isEmpty()) {
      labels.put("namespace", namespace);
    }
    labels.put("service", service);
    return labels;
  }

  private static Map<String, String> with(Map<String, String> labels, String key, String value) {
    Map<String, String> copy = new LinkedHashMap<>(labels);
    copy.put(key, value);
    return copy;
  }
}
