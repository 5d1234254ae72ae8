package dev.vitals.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vitals.schemas.Signal;
import dev.vitals.schemas.Topics;
import dev.vitals.schemas.otlp.OtlpResources;
import dev.vitals.schemas.testing.KafkaTestCluster;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.logs.OtlpGrpcLogRecordExporter;
import io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.BatchLogRecordProcessor;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.AggregationTemporalitySelector;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The OpenTelemetry Java SDK's own exporters, over gRPC and HTTP, against ingest on a real Kafka
 * cluster: what the SDK sends is what lands in Kafka, once, keyed by service.
 */
class OtlpSdkExportIT {

  /** The services, each with its own SDK providers per transport. */
  record Service(String name, String namespace, String key) {}

  static final List<Service> SERVICES =
      List.of(
          new Service("checkout", null, "default//checkout"),
          new Service("cart", "shop", "default/shop/cart"),
          new Service("payments", "billing", "default/billing/payments"));

  static final List<String> TRANSPORTS = List.of("grpc", "http");
  static final Map<String, Long> ORDERS_BY_REGION = Map.of("eu", 3L, "us", 5L, "ap", 7L);
  static final List<Double> LATENCIES = List.of(10.0, 20.0, 30.0, 45.0);
  static final int LOGS_EACH = 5;
  static final int SPANS_EACH = 4;

  static KafkaTestCluster kafka;
  static IngestStage ingest;
  static long startedMs;

  @BeforeAll
  static void start() throws Exception {
    kafka = KafkaTestCluster.start();
    // Topics exist before the first export, so no first request waits on auto-creation, times
    // out, and is retried by the SDK (which would duplicate it).
    kafka.createTopics(
        List.of(Signal.values()).stream()
            .map(s -> new NewTopic(Topics.DEFAULT.raw(s), 3, (short) 1))
            .toList());
    ingest =
        IngestStage.start(
            IngestSettings.defaults()
                .withListeners(
                    new IngestSettings.Listener("127.0.0.1", 0),
                    new IngestSettings.Listener("127.0.0.1", 0))
                .withLimits(
                    new IngestSettings.Limits(
                        64L << 20,
                        256L << 20,
                        Duration.ofSeconds(30),
                        Duration.ofSeconds(1),
                        1_000_000)),
            kafka.producerProperties(),
            new PrometheusRegistry());
    await().atMost(Duration.ofSeconds(60)).until(ingest::ready);
    startedMs = System.currentTimeMillis();
    for (Service service : SERVICES) {
      for (String transport : TRANSPORTS) {
        export(service, transport);
      }
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (ingest != null) {
      ingest.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void everyLogRecordArrivesExactlyOnceKeyedByItsService() throws Exception {
    List<ConsumerRecord<byte[], byte[]>> records = read(Signal.LOGS);
    Map<String, Integer> byBody = new TreeMap<>();
    for (ConsumerRecord<byte[], byte[]> record : records) {
      ExportLogsServiceRequest request = ExportLogsServiceRequest.parseFrom(record.value());
      assertThat(request.getResourceLogsCount()).isEqualTo(1);
      String key = keyOf(record, request.getResourceLogs(0).getResource());
      for (ScopeLogs scope : request.getResourceLogs(0).getScopeLogsList()) {
        for (LogRecord log : scope.getLogRecordsList()) {
          String body = log.getBody().getStringValue();
          assertThat(body).startsWith(key + " ");
          byBody.merge(body, 1, Integer::sum);
        }
      }
    }
    Map<String, Integer> expected = new TreeMap<>();
    for (Service s : SERVICES) {
      for (String t : TRANSPORTS) {
        for (int i = 0; i < LOGS_EACH; i++) {
          expected.put(logBody(s, t, i), 1);
        }
      }
    }
    assertThat(byBody).isEqualTo(expected);
  }

  @Test
  void everySpanArrivesExactlyOnceKeyedByItsService() throws Exception {
    List<ConsumerRecord<byte[], byte[]>> records = read(Signal.TRACES);
    Map<String, Integer> byName = new TreeMap<>();
    for (ConsumerRecord<byte[], byte[]> record : records) {
      ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(record.value());
      assertThat(request.getResourceSpansCount()).isEqualTo(1);
      String key = keyOf(record, request.getResourceSpans(0).getResource());
      for (ScopeSpans scope : request.getResourceSpans(0).getScopeSpansList()) {
        for (io.opentelemetry.proto.trace.v1.Span span : scope.getSpansList()) {
          assertThat(span.getName()).startsWith(key + " ");
          assertThat(span.getTraceId().size()).isEqualTo(16);
          assertThat(span.getSpanId().size()).isEqualTo(8);
          byName.merge(span.getName(), 1, Integer::sum);
        }
      }
    }
    Map<String, Integer> expected = new TreeMap<>();
    for (Service s : SERVICES) {
      for (String t : TRANSPORTS) {
        for (int i = 0; i < SPANS_EACH; i++) {
          expected.put(spanName(s, t, i), 1);
        }
      }
    }
    assertThat(byName).isEqualTo(expected);
  }

  @Test
  void countersAndHistogramsArriveWithEveryAttributeSetAndTheirRecordedTotals() throws Exception {
    List<ConsumerRecord<byte[], byte[]>> records = read(Signal.METRICS);
    Map<String, Long> orders = new TreeMap<>();
    Map<String, Long> latencyCounts = new TreeMap<>();
    Map<String, Double> latencySums = new TreeMap<>();
    for (ConsumerRecord<byte[], byte[]> record : records) {
      ExportMetricsServiceRequest request = ExportMetricsServiceRequest.parseFrom(record.value());
      assertThat(request.getResourceMetricsCount()).isEqualTo(1);
      String key = keyOf(record, request.getResourceMetrics(0).getResource());
      for (ScopeMetrics scope : request.getResourceMetrics(0).getScopeMetricsList()) {
        for (Metric metric : scope.getMetricsList()) {
          if (metric.getName().equals("orders")) {
            assertThat(metric.getSum().getIsMonotonic()).isTrue();
            for (NumberDataPoint p : metric.getSum().getDataPointsList()) {
              orders.merge(key + " " + attributes(p.getAttributesList()), p.getAsInt(), Long::sum);
            }
          } else if (metric.getName().equals("latency")) {
            for (HistogramDataPoint p : metric.getHistogram().getDataPointsList()) {
              String series = key + " " + attributes(p.getAttributesList());
              latencyCounts.merge(series, p.getCount(), Long::sum);
              latencySums.merge(series, p.getSum(), Double::sum);
            }
          }
        }
      }
    }
    Map<String, Long> expectedOrders = new TreeMap<>();
    Map<String, Long> expectedCounts = new TreeMap<>();
    Map<String, Double> expectedSums = new TreeMap<>();
    double latencyTotal = LATENCIES.stream().mapToDouble(Double::doubleValue).sum();
    for (Service s : SERVICES) {
      for (String t : TRANSPORTS) {
        ORDERS_BY_REGION.forEach(
            (region, n) ->
                expectedOrders.put(s.key() + " {region=" + region + ", via=" + t + "}", n));
        expectedCounts.put(s.key() + " {via=" + t + "}", (long) LATENCIES.size());
        expectedSums.put(s.key() + " {via=" + t + "}", latencyTotal);
      }
    }
    assertThat(orders).isEqualTo(expectedOrders);
    assertThat(latencyCounts).isEqualTo(expectedCounts);
    assertThat(latencySums).isEqualTo(expectedSums);
  }

  /** Reads a raw topic and checks what every record of it must have. */
  private static List<ConsumerRecord<byte[], byte[]>> read(Signal signal) {
    List<ConsumerRecord<byte[], byte[]>> records =
        kafka.readAll(
            Topics.DEFAULT.raw(signal),
            SERVICES.size() * TRANSPORTS.size(),
            Duration.ofSeconds(60));
    assertThat(records).hasSizeGreaterThanOrEqualTo(SERVICES.size() * TRANSPORTS.size());
    for (ConsumerRecord<byte[], byte[]> record : records) {
      assertThat(header(record, Topics.HEADER_TENANT)).isEqualTo("default");
      assertThat(header(record, Topics.HEADER_REQUEST_ID)).isNotBlank();
      assertThat(Long.parseLong(header(record, Topics.HEADER_RECEIVED_MS)))
          .isBetween(startedMs - 1_000, System.currentTimeMillis());
      assertThat(header(record, Topics.HEADER_CONTENT_TYPE)).isEqualTo("application/x-protobuf");
    }
    Set<String> keys =
        records.stream()
            .map(r -> new String(r.key(), StandardCharsets.UTF_8))
            .collect(Collectors.toSet());
    assertThat(keys)
        .containsExactlyInAnyOrderElementsOf(SERVICES.stream().map(Service::key).toList());
    return records;
  }

  /** The record key, checked against the service its resource names. */
  private static String keyOf(
      ConsumerRecord<byte[], byte[]> record, io.opentelemetry.proto.resource.v1.Resource resource) {
    String key = new String(record.key(), StandardCharsets.UTF_8);
    assertThat(key).isEqualTo(OtlpResources.serviceKey("default", resource).toString());
    return key;
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    assertThat(header).as("header %s of %s", name, record.headers()).isNotNull();
    assertThat(record.headers().headers(name)).hasSize(1);
    return new String(header.value(), StandardCharsets.UTF_8);
  }

  private static String attributes(List<KeyValue> attributes) {
    Map<String, String> sorted = new TreeMap<>();
    for (KeyValue kv : attributes) {
      sorted.put(kv.getKey(), kv.getValue().getStringValue());
    }
    return sorted.toString();
  }

  private static String logBody(Service s, String transport, int i) {
    return s.key() + " " + transport + " log " + i;
  }

  private static String spanName(Service s, String transport, int i) {
    return s.key() + " " + transport + " span " + i;
  }

  /** One service's SDK over one transport: metrics, logs and spans, flushed once, then closed. */
  private static void export(Service service, String transport) {
    Attributes resourceAttributes =
        service.namespace() == null
            ? Attributes.of(AttributeKey.stringKey("service.name"), service.name())
            : Attributes.of(
                AttributeKey.stringKey("service.name"),
                service.name(),
                AttributeKey.stringKey("service.namespace"),
                service.namespace());
    Resource resource = Resource.getDefault().merge(Resource.create(resourceAttributes));
    boolean grpc = transport.equals("grpc");
    String grpcEndpoint = "http://127.0.0.1:" + ingest.grpcPort();
    String httpBase = "http://127.0.0.1:" + ingest.httpPort();

    MetricExporter metricExporter =
        grpc
            ? OtlpGrpcMetricExporter.builder()
                .setEndpoint(grpcEndpoint)
                .setAggregationTemporalitySelector(AggregationTemporalitySelector.deltaPreferred())
                .build()
            : OtlpHttpMetricExporter.builder()
                .setEndpoint(httpBase + "/v1/metrics")
                .setAggregationTemporalitySelector(AggregationTemporalitySelector.deltaPreferred())
                .build();
    LogRecordExporter logExporter =
        grpc
            ? OtlpGrpcLogRecordExporter.builder().setEndpoint(grpcEndpoint).build()
            : OtlpHttpLogRecordExporter.builder().setEndpoint(httpBase + "/v1/logs").build();
    SpanExporter spanExporter =
        grpc
            ? OtlpGrpcSpanExporter.builder().setEndpoint(grpcEndpoint).build()
            : OtlpHttpSpanExporter.builder().setEndpoint(httpBase + "/v1/traces").build();

    // Long intervals: the only exports are forceFlush (and, for metrics, the final collection on
    // close, which under DELTA temporality adds nothing).
    try (SdkMeterProvider meters =
            SdkMeterProvider.builder()
                .setResource(resource)
                .registerMetricReader(
                    PeriodicMetricReader.builder(metricExporter)
                        .setInterval(Duration.ofHours(1))
                        .build())
                .build();
        SdkLoggerProvider logs =
            SdkLoggerProvider.builder()
                .setResource(resource)
                .addLogRecordProcessor(
                    BatchLogRecordProcessor.builder(logExporter)
                        .setScheduleDelay(Duration.ofHours(1))
                        .build())
                .build();
        SdkTracerProvider traces =
            SdkTracerProvider.builder()
                .setResource(resource)
                .addSpanProcessor(
                    BatchSpanProcessor.builder(spanExporter)
                        .setScheduleDelay(Duration.ofHours(1))
                        .build())
                .build()) {
      Meter meter = meters.get("vitals.it");
      LongCounter counter = meter.counterBuilder("orders").build();
      ORDERS_BY_REGION.forEach(
          (region, n) -> {
            for (long i = 0; i < n; i++) {
              counter.add(
                  1,
                  Attributes.of(
                      AttributeKey.stringKey("region"), region,
                      AttributeKey.stringKey("via"), transport));
            }
          });
      DoubleHistogram histogram = meter.histogramBuilder("latency").setUnit("ms").build();
      for (double latency : LATENCIES) {
        histogram.record(latency, Attributes.of(AttributeKey.stringKey("via"), transport));
      }

      Logger logger = logs.get("vitals.it");
      for (int i = 0; i < LOGS_EACH; i++) {
        logger
            .logRecordBuilder()
            .setSeverity(Severity.INFO)
            .setBody(logBody(service, transport, i))
            .emit();
      }

      Tracer tracer = traces.get("vitals.it");
      Span root = tracer.spanBuilder(spanName(service, transport, 0)).startSpan();
      try (Scope ignored = root.makeCurrent()) {
        for (int i = 1; i < SPANS_EACH; i++) {
          tracer.spanBuilder(spanName(service, transport, i)).startSpan().end();
        }
      } finally {
        root.end();
      }

      assertThat(meters.forceFlush().join(30, TimeUnit.SECONDS).isSuccess()).isTrue();
      assertThat(logs.forceFlush().join(30, TimeUnit.SECONDS).isSuccess()).isTrue();
      assertThat(traces.forceFlush().join(30, TimeUnit.SECONDS).isSuccess()).isTrue();
    }
  }
}
