package dev.vitals.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vitals.app.kafka.TopicCatalog;
import dev.vitals.ingest.IngestSettings;
import dev.vitals.ingest.IngestStage;
import dev.vitals.schemas.Topics;
import dev.vitals.schemas.signals.ServiceWindow;
import dev.vitals.schemas.testing.FreePorts;
import dev.vitals.schemas.testing.KafkaTestCluster;
import dev.vitals.streams.QuerySettings;
import dev.vitals.streams.StreamsSettings;
import dev.vitals.streams.StreamsStage;
import dev.vitals.streams.sketch.LatencySketch;
import dev.vitals.streams.slo.SloSettings;
import dev.vitals.streams.window.WindowSettings;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.BatchLogRecordProcessor;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentSelector;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.View;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenTelemetry Java SDK's exporters → ingest → Kafka → the streams stage, on the in-process
 * cluster: each service's windows add up to exactly what the SDK was told to record, and the
 * latency sketch of those windows gives p99 within 1 % of the exact p99 of the recorded values.
 *
 * <p>Three services: one sends only server spans (RED from spans), one only a cumulative
 * exponential {@code http.server.request.duration} histogram (RED from metrics, through
 * cumulative-to-delta conversion), one both (metrics win; spans still counted as spans).
 */
class ServiceWindowsPipelineIT {

  private static final AttributeKey<String> ROUTE = AttributeKey.stringKey("http.route");
  private static final AttributeKey<Long> STATUS =
      AttributeKey.longKey("http.response.status_code");
  private static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");

  static final int SPANS = 600;
  static final int SPAN_ERRORS = 9;
  static final int MEASUREMENTS = 2_000;
  static final int MEASUREMENT_ERRORS = 30;
  static final int BOTH_SPANS = 40;
  static final int ERROR_LOGS = 7;
  static final int INFO_LOGS = 20;

  static KafkaTestCluster kafka;
  static IngestStage ingest;
  static StreamsStage streams;
  @TempDir static Path stateDir;

  static double[] spanLatencies;
  static double[] metricLatencies;

  @BeforeAll
  static void start() throws Exception {
    kafka = KafkaTestCluster.start();
    Topics topics = Topics.DEFAULT;
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      TopicCatalog.createRawTopics(admin, topics, 3, 1);
      TopicCatalog.createSignalTopics(admin, topics, 3, 1);
    }
    ingest =
        IngestStage.start(
            IngestSettings.defaults()
                .withListeners(
                    new IngestSettings.Listener("127.0.0.1", 0),
                    new IngestSettings.Listener("127.0.0.1", 0)),
            kafka.producerProperties(),
            new PrometheusRegistry());
    streams =
        StreamsStage.start(
            new StreamsSettings(
                topics,
                "vitals-streams-it",
                stateDir,
                1,
                0,
                1,
                WindowSettings.builder()
                    .windowSize(Duration.ofSeconds(2))
                    .grace(Duration.ofSeconds(1))
                    .correctionHorizon(Duration.ofSeconds(30))
                    .punctuateInterval(Duration.ofMillis(200))
                    .idleAfter(Duration.ofSeconds(2))
                    .build(),
                SloSettings.defaults(),
                QuerySettings.DEFAULTS.withListener("127.0.0.1", FreePorts.next())),
            Map.of("bootstrap.servers", kafka.bootstrapServers()),
            new PrometheusRegistry());
    await().atMost(Duration.ofSeconds(90)).until(() -> ingest.ready() && streams.ready());

    spanLatencies = lognormal(SPANS, 0.08, 0.9, 1);
    metricLatencies = lognormal(MEASUREMENTS, 0.12, 0.7, 2);
    sendSpans("spans-only", spanLatencies, SPAN_ERRORS, true);
    sendMetrics("metrics-only", metricLatencies, MEASUREMENT_ERRORS);
    // Metrics win per window: the spans of "both" end in the middle of its metric exports (every
    // 500 ms for 2.4 s), so the 2 s window that holds them holds an export too, wherever the
    // window boundaries fall. Spans ending after the last export would be counted as requests.
    Instant exportsBegin = Instant.now();
    sendMetrics("both", metricLatencies, MEASUREMENT_ERRORS);
    sendSpans(
        "both", Arrays.copyOf(spanLatencies, BOTH_SPANS), 0, false, exportsBegin.plusMillis(1_200));
  }

  @AfterAll
  static void stop() throws Exception {
    if (streams != null) {
      streams.close();
    }
    if (ingest != null) {
      ingest.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void windowsOfASpanOnlyServiceCountEverySpanAndItsLatency() {
    Totals t =
        awaitTotals(
            "spans-only",
            w ->
                w.requests >= SPANS
                    && w.logs.values().stream().mapToLong(Long::longValue).sum()
                        >= ERROR_LOGS + INFO_LOGS);

    assertThat(t.requests).isEqualTo(SPANS);
    assertThat(t.errors).isEqualTo(SPAN_ERRORS);
    assertThat(t.spans).isEqualTo(SPANS);
    assertThat(t.errorSpans).isEqualTo(SPAN_ERRORS);
    assertThat(t.sketch.quantile(0.99)).isCloseTo(exactP99(spanLatencies), within1Percent());
    assertThat(t.logs)
        .containsEntry("ERROR", (long) ERROR_LOGS)
        .containsEntry("INFO", (long) INFO_LOGS);
    assertThat(t.sampleErrors).isNotEmpty().allMatch(m -> m.startsWith("payment declined"));
    assertThat(t.exemplars).isNotEmpty().allMatch(id -> id.matches("[0-9a-f]{32}"));
  }

  @Test
  void windowsOfAMetricOnlyServiceAddUpToTheCumulativeHistogram() {
    Totals t = awaitTotals("metrics-only", w -> w.requests >= MEASUREMENTS);

    assertThat(t.requests).isEqualTo(MEASUREMENTS);
    assertThat(t.errors).isEqualTo(MEASUREMENT_ERRORS);
    assertThat(t.spans).isZero();
    assertThat(t.sketch.quantile(0.99)).isCloseTo(exactP99(metricLatencies), within1Percent());
  }

  @Test
  void metricsWinOverSpansWhenAServiceSendsBoth() {
    Totals t = awaitTotals("both", w -> w.requests >= MEASUREMENTS && w.spans >= BOTH_SPANS);

    assertThat(t.requests).isEqualTo(MEASUREMENTS);
    assertThat(t.errors).isEqualTo(MEASUREMENT_ERRORS);
    assertThat(t.spans).isEqualTo(BOTH_SPANS);
  }

  // --- sending, with the SDK's own exporters ---

  private static Resource resource(String service) {
    return Resource.getDefault()
        .merge(
            Resource.create(
                Attributes.of(
                    AttributeKey.stringKey("service.name"),
                    service,
                    AttributeKey.stringKey("service.namespace"),
                    "it")));
  }

  private static void sendSpans(String service, double[] latencies, int errors, boolean logs) {
    sendSpans(service, latencies, errors, logs, null);
  }

  /** Sends one server span per latency; all end at {@code endAt} when given, else around now. */
  private static void sendSpans(
      String service, double[] latencies, int errors, boolean logs, Instant endAt) {
    OtlpGrpcSpanExporter exporter =
        OtlpGrpcSpanExporter.builder().setEndpoint("http://127.0.0.1:" + ingest.grpcPort()).build();
    SdkTracerProvider tracing =
        SdkTracerProvider.builder()
            .setResource(resource(service))
            .addSpanProcessor(BatchSpanProcessor.builder(exporter).build())
            .build();
    Tracer tracer = tracing.get("it");
    Instant now = Instant.now();
    for (int i = 0; i < latencies.length; i++) {
      long nanos = (long) (latencies[i] * 1e9);
      Instant start =
          endAt != null ? endAt.minusNanos(nanos) : now.minusMillis(latencies.length - i);
      Span span =
          tracer
              .spanBuilder("GET /api/orders/{id}")
              .setSpanKind(SpanKind.SERVER)
              .setStartTimestamp(start)
              .setAttribute(ROUTE, "/api/orders/{id}")
              .setAttribute(METHOD, "GET")
              .setAttribute(STATUS, i < errors ? 500L : 200L)
              .startSpan();
      if (i < errors) {
        span.setStatus(StatusCode.ERROR);
      }
      span.end(start.plusNanos(nanos));
    }
    assertThat(tracing.forceFlush().join(30, TimeUnit.SECONDS).isSuccess()).isTrue();
    tracing.close();
    if (logs) {
      OtlpHttpLogRecordExporter logExporter =
          OtlpHttpLogRecordExporter.builder()
              .setEndpoint("http://127.0.0.1:" + ingest.httpPort() + "/v1/logs")
              .build();
      SdkLoggerProvider logging =
          SdkLoggerProvider.builder()
              .setResource(resource(service))
              .addLogRecordProcessor(BatchLogRecordProcessor.builder(logExporter).build())
              .build();
      Logger logger = logging.get("it");
      for (int i = 0; i < ERROR_LOGS; i++) {
        logger
            .logRecordBuilder()
            .setSeverity(Severity.ERROR)
            .setBody("payment declined #" + i)
            .emit();
      }
      for (int i = 0; i < INFO_LOGS; i++) {
        logger.logRecordBuilder().setSeverity(Severity.INFO).setBody("order placed #" + i).emit();
      }
      assertThat(logging.forceFlush().join(30, TimeUnit.SECONDS).isSuccess()).isTrue();
      logging.close();
    }
  }

  private static void sendMetrics(String service, double[] latencies, int errors) {
    OtlpGrpcMetricExporter exporter =
        OtlpGrpcMetricExporter.builder()
            .setEndpoint("http://127.0.0.1:" + ingest.grpcPort())
            .build();
    SdkMeterProvider meters =
        SdkMeterProvider.builder()
            .setResource(resource(service))
            .registerView(
                InstrumentSelector.builder().setName("http.server.request.duration").build(),
                View.builder()
                    .setAggregation(Aggregation.base2ExponentialBucketHistogram(1000, 20))
                    .build())
            .registerMetricReader(
                PeriodicMetricReader.builder(exporter).setInterval(Duration.ofMillis(500)).build())
            .build();
    DoubleHistogram duration =
        meters.get("it").histogramBuilder("http.server.request.duration").setUnit("s").build();
    Attributes ok = Attributes.of(ROUTE, "/api/cart", METHOD, "POST", STATUS, 200L);
    Attributes failed = Attributes.of(ROUTE, "/api/cart", METHOD, "POST", STATUS, 503L);
    // spread over a few export intervals, so cumulative points follow one another
    int slices = 4;
    for (int slice = 0; slice < slices; slice++) {
      for (int i = slice; i < latencies.length; i += slices) {
        duration.record(latencies[i], i < errors ? failed : ok);
      }
      try {
        Thread.sleep(600); // on purpose: more than one 500 ms export interval between slices
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    assertThat(meters.forceFlush().join(30, TimeUnit.SECONDS).isSuccess()).isTrue();
    meters.close();
  }

  // --- reading the windows back ---

  static final class Totals {
    long requests;
    long errors;
    long spans;
    long errorSpans;
    final Map<String, Long> logs = new HashMap<>();
    final List<String> sampleErrors = new ArrayList<>();
    final List<String> exemplars = new ArrayList<>();
    final LatencySketch sketch = new LatencySketch();
  }

  /**
   * Waits until the service's windows hold everything it was sent ({@code arrived}): spans and logs
   * sent after the metrics may land in a window that closes later.
   */
  private static Totals awaitTotals(String service, Predicate<Totals> arrived) {
    Totals[] last = new Totals[1];
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () -> {
              last[0] = totals(service);
              return arrived.test(last[0]);
            });
    return last[0];
  }

  /** The latest revision of every service-level window of the service, added up. */
  private static Totals totals(String service) {
    Map<Instant, ServiceWindow> latest = new HashMap<>();
    for (ServiceWindow w : windows()) {
      if (w.service().equals(service) && w.operation() == null) {
        latest.merge(w.windowStart(), w, (a, b) -> a.revision() >= b.revision() ? a : b);
      }
    }
    Totals t = new Totals();
    for (ServiceWindow w : latest.values()) {
      t.requests += w.requests();
      t.errors += w.errors();
      t.spans += w.spans();
      t.errorSpans += w.errorSpans();
      w.logs().forEach((k, v) -> t.logs.merge(k, v, Long::sum));
      t.sampleErrors.addAll(w.sampleErrors());
      t.exemplars.addAll(w.exemplarTraceIds());
      if (w.latency() != null && w.latency().sketch() != null) {
        t.sketch.merge(LatencySketch.fromBase64(w.latency().sketch()));
      }
    }
    return t;
  }

  private static List<ServiceWindow> windows() {
    return SignalRecords.readAll(
        kafka.bootstrapServers(),
        Topics.DEFAULT.serviceWindows(),
        "service-windows.v1",
        ServiceWindow.class);
  }

  // --- exact answers ---

  private static double[] lognormal(int n, double median, double sigma, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    double[] samples = new double[n];
    for (int i = 0; i < n; i++) {
      double gaussian =
          Math.sqrt(-2 * Math.log(1 - random.nextDouble()))
              * Math.cos(2 * Math.PI * random.nextDouble());
      samples[i] = Math.min(5, median * Math.exp(sigma * gaussian));
    }
    return samples;
  }

  private static double exactP99(double[] samples) {
    double[] sorted = samples.clone();
    Arrays.sort(sorted);
    return sorted[(int) Math.ceil(0.99 * sorted.length) - 1];
  }

  private static org.assertj.core.data.Percentage within1Percent() {
    return org.assertj.core.data.Percentage.withPercentage(1);
  }
}
