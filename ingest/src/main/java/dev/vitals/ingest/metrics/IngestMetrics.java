package dev.vitals.ingest.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.LongSupplier;

/** The ingest stage's own metrics, served on the admin port's {@code /metrics}. */
public final class IngestMetrics {

  /** Why a request or item was refused: the {@code reason} label. */
  public enum Reason {
    MALFORMED,
    TOO_LARGE,
    UNSUPPORTED_MEDIA_TYPE,
    UNAUTHENTICATED,
    THROTTLED,
    RATE_LIMITED,
    KAFKA_UNAVAILABLE,
    NOT_FOUND,
    METHOD_NOT_ALLOWED,
    RECORD_TOO_LARGE,
    INVALID_SERIES,
    SHUTTING_DOWN,
    SLOW_BODY,
    SLOW_HEADERS,
    HEADERS_TOO_LARGE;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final Counter requests;
  private final Counter received;
  private final Counter rejectedRequests;
  private final Counter rejectedItems;
  private final Counter producedRecords;
  private final Counter producedBytes;
  private final Counter kafkaErrors;
  private final Histogram duration;
  private final Counter refusedConnections;
  private final java.util.Map<String, java.util.function.IntSupplier> openConnections =
      new java.util.concurrent.ConcurrentHashMap<>();

  public IngestMetrics(
      PrometheusRegistry registry, LongSupplier inFlightBytes, long inFlightLimit) {
    requests =
        Counter.builder()
            .name("vitals_ingest_requests_total")
            .help(
                "Export requests answered, by signal, transport and outcome (ok, partial, rejected).")
            .labelNames("signal", "transport", "outcome")
            .register(registry);
    received =
        Counter.builder()
            .name("vitals_ingest_received_items_total")
            .help("Data points, log records and spans acknowledged to clients (written to Kafka).")
            .labelNames("signal", "transport")
            .register(registry);
    rejectedRequests =
        Counter.builder()
            .name("vitals_ingest_rejected_requests_total")
            .help(
                "Requests refused, by reason; retryable reasons are throttled and kafka_unavailable.")
            .labelNames("signal", "transport", "reason")
            .register(registry);
    rejectedItems =
        Counter.builder()
            .name("vitals_ingest_rejected_items_total")
            .help("Items refused inside otherwise accepted requests (partial success), by reason.")
            .labelNames("signal", "reason")
            .register(registry);
    producedRecords =
        Counter.builder()
            .name("vitals_ingest_produced_records_total")
            .help("Records Kafka acknowledged, by topic.")
            .labelNames("topic")
            .register(registry);
    producedBytes =
        Counter.builder()
            .name("vitals_ingest_produced_bytes_total")
            .help("Record value bytes Kafka acknowledged, by topic.")
            .labelNames("topic")
            .register(registry);
    kafkaErrors =
        Counter.builder()
            .name("vitals_ingest_kafka_errors_total")
            .help("Failed or timed-out Kafka sends, by error.")
            .labelNames("error")
            .register(registry);
    duration =
        Histogram.builder()
            .name("vitals_ingest_request_duration_seconds")
            .help("Time from a request's last byte to its answer, by signal and transport.")
            .unit(io.prometheus.metrics.model.snapshots.Unit.SECONDS)
            .labelNames("signal", "transport")
            .register(registry);
    refusedConnections =
        Counter.builder()
            .name("vitals_ingest_refused_connections_total")
            .help(
                "Connections closed on accept because the listener held its maxConnections, by"
                    + " transport.")
            .labelNames("transport")
            .register(registry);
    GaugeWithCallback.builder()
        .name("vitals_ingest_open_connections")
        .help("Connections open now, by transport; compare with the listener's maxConnections.")
        .labelNames("transport")
        .callback(cb -> openConnections.forEach((t, open) -> cb.call(open.getAsInt(), t)))
        .register(registry);
    GaugeWithCallback.builder()
        .name("vitals_ingest_inflight_bytes")
        .help("Request bytes held now: read, or waiting for Kafka's acknowledgement.")
        .callback(cb -> cb.call((double) inFlightBytes.getAsLong()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("vitals_ingest_inflight_limit_bytes")
        .help("The configured bound on in-flight bytes (ingest.limits.maxInFlightBytes).")
        .callback(cb -> cb.call((double) inFlightLimit))
        .register(registry);
  }

  public void answered(String signal, String transport, String outcome, double seconds) {
    requests.labelValues(signal, transport, outcome).inc();
    duration.labelValues(signal, transport).observe(seconds);
  }

  /** Counts an answered export: items received, or the reason it was refused, and its time. */
  public void outcome(
      String signal,
      String transport,
      dev.vitals.ingest.pipeline.ExportOutcome outcome,
      double seconds) {
    if (outcome instanceof dev.vitals.ingest.pipeline.ExportOutcome.Accepted a) {
      received(signal, transport, a.items());
      answered(signal, transport, a.rejectedItems() > 0 ? "partial" : "ok", seconds);
    } else {
      rejected(signal, transport, dev.vitals.ingest.pipeline.ExportOutcome.reason(outcome));
      answered(signal, transport, "rejected", seconds);
    }
  }

  public void received(String signal, String transport, long items) {
    received.labelValues(signal, transport).inc(items);
  }

  public void rejected(String signal, String transport, Reason reason) {
    rejectedRequests.labelValues(signal, transport, reason.label()).inc();
  }

  public void rejectedItems(String signal, Reason reason, long items) {
    rejectedItems.labelValues(signal, reason.label()).inc(items);
  }

  /** Counts a connection the listener of {@code transport} closed on accept, being full. */
  public void refusedConnection(String transport) {
    refusedConnections.labelValues(transport).inc();
  }

  /** Reports the open connections of the listener of {@code transport} from now on. */
  public void openConnections(String transport, java.util.function.IntSupplier open) {
    openConnections.put(transport, open);
  }

  public void produced(String topic, int records, long bytes) {
    producedRecords.labelValues(topic).inc(records);
    producedBytes.labelValues(topic).inc(bytes);
  }

  public void kafkaError(Throwable error) {
    kafkaErrors.labelValues(error.getClass().getSimpleName()).inc();
  }
}
