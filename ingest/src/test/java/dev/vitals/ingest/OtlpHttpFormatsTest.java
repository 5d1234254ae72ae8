package dev.vitals.ingest;

import static dev.vitals.ingest.TestIngest.post;
import static dev.vitals.ingest.TestIngest.send;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.TypeRegistry;
import com.google.protobuf.util.JsonFormat;
import com.google.rpc.BadRequest;
import com.google.rpc.Status;
import dev.vitals.schemas.Signal;
import dev.vitals.schemas.Topics;
import dev.vitals.schemas.remotewrite.Label;
import dev.vitals.schemas.remotewrite.RemoteWriteCodec;
import dev.vitals.schemas.remotewrite.Sample;
import dev.vitals.schemas.remotewrite.TimeSeries;
import dev.vitals.schemas.remotewrite.WriteRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.trace.v1.Span;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xerial.snappy.Snappy;

class OtlpHttpFormatsTest {

  private static final HexFormat HEX = HexFormat.of();
  private static final byte[] TRACE_ID = HEX.parseHex("5b8efff798038103d269b633813fc60c");
  private static final byte[] SPAN_ID = HEX.parseHex("eee19b7ec3c1b174");
  private static final byte[] PARENT_SPAN_ID = HEX.parseHex("eee19b7ec3c1b173");

  static MockProducer<byte[], byte[]> producer;
  static IngestStage server;

  @BeforeAll
  static void start() throws IOException {
    producer = TestIngest.producer(true);
    server = IngestStage.start(TestIngest.localSettings(), producer, new PrometheusRegistry());
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @BeforeEach
  void forgetEarlierRecords() {
    producer.clear();
  }

  @Test
  void officialMetricsJsonExampleIsAnsweredInJsonAndForwardedWithExactValues() throws Exception {
    HttpResponse<byte[]> response =
        send(post(server, "/v1/metrics", "application/json", example("metrics.json")));

    assertJsonSuccess(response);
    ProducerRecord<byte[], byte[]> record = onlyRecord(Signal.METRICS);
    ExportMetricsServiceRequest request = ExportMetricsServiceRequest.parseFrom(record.value());
    List<Metric> metrics = request.getResourceMetrics(0).getScopeMetrics(0).getMetricsList();
    assertThat(metrics)
        .extracting(Metric::getName)
        .containsExactly("my.counter", "my.gauge", "my.histogram");
    assertThat(metrics.get(0).getSum().getDataPoints(0).getTimeUnixNano())
        .isEqualTo(1544712660300000000L);
    assertThat(metrics.get(0).getSum().getAggregationTemporalityValue()).isEqualTo(1);
    assertThat(metrics.get(0).getSum().getDataPoints(0).getAsDouble()).isEqualTo(5.0);
    assertThat(metrics.get(2).getHistogram().getDataPoints(0).getCount()).isEqualTo(3L);
    assertThat(metrics.get(2).getHistogram().getDataPoints(0).getBucketCountsList())
        .containsExactly(1L, 1L, 1L);
  }

  @Test
  void officialLogsJsonExampleIsForwardedWithHexIdsDecodedToTheirBytes() throws Exception {
    HttpResponse<byte[]> response =
        send(post(server, "/v1/logs", "application/json", example("logs.json")));

    assertJsonSuccess(response);
    ProducerRecord<byte[], byte[]> record = onlyRecord(Signal.LOGS);
    LogRecord log =
        ExportLogsServiceRequest.parseFrom(record.value())
            .getResourceLogs(0)
            .getScopeLogs(0)
            .getLogRecords(0);
    assertThat(log.getTraceId().toByteArray()).isEqualTo(TRACE_ID);
    assertThat(log.getSpanId().toByteArray()).isEqualTo(SPAN_ID);
    assertThat(log.getTimeUnixNano()).isEqualTo(1544712660300000000L);
    assertThat(log.getBody().getStringValue()).isEqualTo("Example log record");
    Map<String, KeyValue> attributes =
        log.getAttributesList().stream().collect(Collectors.toMap(KeyValue::getKey, kv -> kv));
    assertThat(attributes.get("int.attribute").getValue().getIntValue()).isEqualTo(10L);
    assertThat(attributes.get("map.attribute").getValue().getKvlistValue().getValues(0).getKey())
        .isEqualTo("some.map.key");
  }

  @Test
  void officialTraceJsonExampleIsForwardedWithTraceSpanAndParentIdsDecoded() throws Exception {
    HttpResponse<byte[]> response =
        send(post(server, "/v1/traces", "application/json", example("trace.json")));

    assertJsonSuccess(response);
    ProducerRecord<byte[], byte[]> record = onlyRecord(Signal.TRACES);
    Span span =
        ExportTraceServiceRequest.parseFrom(record.value())
            .getResourceSpans(0)
            .getScopeSpans(0)
            .getSpans(0);
    assertThat(span.getTraceId().toByteArray()).isEqualTo(TRACE_ID);
    assertThat(span.getSpanId().toByteArray()).isEqualTo(SPAN_ID);
    assertThat(span.getParentSpanId().toByteArray()).isEqualTo(PARENT_SPAN_ID);
    assertThat(span.getKindValue()).isEqualTo(2);
    assertThat(span.getStartTimeUnixNano()).isEqualTo(1544712660000000000L);
    assertThat(span.getEndTimeUnixNano()).isEqualTo(1544712661000000000L);
  }

  @Test
  void sixtyFourBitIntegersSentAsJsonStringsArriveExactly() throws Exception {
    // 2^53 + 1 and a nanosecond time that a double would round: only exact parsing keeps them.
    String json =
        "{\"resourceLogs\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\","
            + "\"value\":{\"stringValue\":\"strings\"}}]},\"scopeLogs\":[{\"logRecords\":[{"
            + "\"timeUnixNano\":\"1544712660300000001\",\"traceId\":\"5b8efff798038103d269b633813fc60c\","
            + "\"body\":{\"stringValue\":\"s\"},\"attributes\":[{\"key\":\"big\",\"value\":"
            + "{\"intValue\":\"9007199254740993\"}}]}]}]}]}";

    HttpResponse<byte[]> response =
        send(post(server, "/v1/logs", "application/json", json.getBytes(StandardCharsets.UTF_8)));

    assertJsonSuccess(response);
    LogRecord log =
        ExportLogsServiceRequest.parseFrom(onlyRecord(Signal.LOGS).value())
            .getResourceLogs(0)
            .getScopeLogs(0)
            .getLogRecords(0);
    assertThat(log.getTimeUnixNano()).isEqualTo(1544712660300000001L);
    assertThat(log.getAttributes(0).getValue().getIntValue()).isEqualTo(9007199254740993L);
    assertThat(log.getTraceId().toByteArray()).isEqualTo(TRACE_ID);
  }

  @Test
  void badHexTraceIdGets400WithJsonStatusNamingTheFieldPath() throws Exception {
    String json =
        new String(example("trace.json"), StandardCharsets.UTF_8)
            .replace("5B8EFFF798038103D269B633813FC60C", "5B8EFFF798038103D269B633813FC6ZZ");

    HttpResponse<byte[]> response =
        send(post(server, "/v1/traces", "application/json", json.getBytes(StandardCharsets.UTF_8)));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    Status.Builder status = Status.newBuilder();
    JsonFormat.parser()
        .usingTypeRegistry(TypeRegistry.newBuilder().add(BadRequest.getDescriptor()).build())
        .merge(new String(response.body(), StandardCharsets.UTF_8), status);
    assertThat(status.getMessage())
        .contains("resourceSpans[0].scopeSpans[0].spans[0].traceId")
        .contains("5B8EFFF798038103D269B633813FC6ZZ");
    assertThat(status.getDetailsList()).anyMatch(d -> d.is(BadRequest.class));
    assertThat(producer.history()).isEmpty();
  }

  @Test
  void gzipCompressedProtobufIsAcceptedAndForwardedUnchanged() throws Exception {
    ExportMetricsServiceRequest request =
        ExportMetricsServiceRequest.newBuilder()
            .addResourceMetrics(
                ResourceMetrics.newBuilder()
                    .setResource(
                        io.opentelemetry.proto.resource.v1.Resource.newBuilder()
                            .addAttributes(
                                dev.vitals.schemas.otlp.OtlpResources.stringKeyValue(
                                    "service.name", "zipped")))
                    .addScopeMetrics(
                        ScopeMetrics.newBuilder()
                            .addMetrics(
                                Metric.newBuilder()
                                    .setName("zipped.gauge")
                                    .setGauge(
                                        io.opentelemetry.proto.metrics.v1.Gauge.newBuilder()
                                            .addDataPoints(
                                                NumberDataPoint.newBuilder()
                                                    .setAsInt(42)
                                                    .setTimeUnixNano(7))))))
            .build();

    HttpResponse<byte[]> response =
        send(
            post(
                    server,
                    "/v1/metrics",
                    "application/x-protobuf",
                    TestIngest.gzip(request.toByteArray()))
                .header("Content-Encoding", "gzip"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/x-protobuf");
    assertThat(ExportMetricsServiceResponse.parseFrom(response.body()).hasPartialSuccess())
        .isFalse();
    ProducerRecord<byte[], byte[]> record = onlyRecord(Signal.METRICS);
    assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("default//zipped");
    assertThat(ExportMetricsServiceRequest.parseFrom(record.value())).isEqualTo(request);
  }

  @Test
  void remoteWriteSnappyBlockGets204AndIsForwardedAsOtlpWithJobAsServiceName() throws Exception {
    long t0 = 1_700_000_000_000L;
    WriteRequest write =
        new WriteRequest(
            List.of(
                new TimeSeries(
                    List.of(
                        new Label("__name__", "http_requests_total"),
                        new Label("code", "200"),
                        new Label("instance", "a:1"),
                        new Label("job", "shop/checkout")),
                    List.of(new Sample(10, t0), new Sample(12, t0 + 15_000))),
                new TimeSeries(
                    List.of(
                        new Label("__name__", "queue_depth"),
                        new Label("instance", "b:2"),
                        new Label("job", "worker")),
                    List.of(new Sample(3.5, t0)))));
    byte[] body = Snappy.compress(RemoteWriteCodec.encode(write));

    HttpResponse<byte[]> response =
        send(
            post(server, "/api/v1/write", "application/x-protobuf", body)
                .header("Content-Encoding", "snappy")
                .header("X-Prometheus-Remote-Write-Version", "0.1.0"));

    assertThat(response.statusCode()).isEqualTo(204);
    Map<String, List<String>> pointsByKey = new TreeMap<>();
    for (ProducerRecord<byte[], byte[]> record : producer.history()) {
      assertThat(record.topic()).isEqualTo(Topics.DEFAULT.raw(Signal.METRICS));
      ExportMetricsServiceRequest request = ExportMetricsServiceRequest.parseFrom(record.value());
      assertThat(request.getResourceMetricsCount()).isEqualTo(1);
      for (ScopeMetrics sm : request.getResourceMetrics(0).getScopeMetricsList()) {
        for (Metric m : sm.getMetricsList()) {
          List<NumberDataPoint> points =
              m.hasSum() ? m.getSum().getDataPointsList() : m.getGauge().getDataPointsList();
          for (NumberDataPoint p : points) {
            pointsByKey
                .computeIfAbsent(
                    new String(record.key(), StandardCharsets.UTF_8),
                    k -> new java.util.ArrayList<>())
                .add(m.getName() + "=" + p.getAsDouble() + "@" + p.getTimeUnixNano());
          }
        }
      }
    }
    assertThat(pointsByKey)
        .containsOnlyKeys("default/shop/checkout", "default//worker")
        .containsEntry(
            "default/shop/checkout",
            List.of(
                "http_requests_total=10.0@" + t0 * 1_000_000L,
                "http_requests_total=12.0@" + (t0 + 15_000) * 1_000_000L))
        .containsEntry("default//worker", List.of("queue_depth=3.5@" + t0 * 1_000_000L));
  }

  private static void assertJsonSuccess(HttpResponse<byte[]> response) throws Exception {
    assertThat(response.statusCode())
        .as(new String(response.body(), StandardCharsets.UTF_8))
        .isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    // The response is a JSON Export*ServiceResponse without partial success.
    ExportMetricsServiceResponse.Builder parsed = ExportMetricsServiceResponse.newBuilder();
    JsonFormat.parser()
        .ignoringUnknownFields()
        .merge(new String(response.body(), StandardCharsets.UTF_8), parsed);
    assertThat(parsed.hasPartialSuccess()).isFalse();
  }

  private static ProducerRecord<byte[], byte[]> onlyRecord(Signal signal) {
    assertThat(producer.history()).hasSize(1);
    ProducerRecord<byte[], byte[]> record = producer.history().get(0);
    assertThat(record.topic()).isEqualTo(Topics.DEFAULT.raw(signal));
    assertThat(new String(record.key(), StandardCharsets.UTF_8)).startsWith("default/");
    return record;
  }

  private static byte[] example(String name) throws IOException {
    try (InputStream in = OtlpHttpFormatsTest.class.getResourceAsStream("/otlp-examples/" + name)) {
      assertThat(in).as(name).isNotNull();
      return in.readAllBytes();
    }
  }
}
