package dev.vitals.streams.graph;

import com.google.protobuf.ByteString;
import dev.vitals.schemas.Signal;
import dev.vitals.schemas.Topics;
import dev.vitals.schemas.otlp.OtlpResources;
import dev.vitals.schemas.signals.EdgeWindow;
import dev.vitals.schemas.signals.SignalJson;
import dev.vitals.schemas.signals.SignalSchemas;
import dev.vitals.streams.window.WindowMetrics;
import dev.vitals.streams.window.WindowSettings;
import dev.vitals.streams.window.WindowTopology;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * A TopologyTestDriver around the window and graph topologies: spans in, edge windows out. The wall
 * clock starts an hour after {@link #T0}, so the spans (timed from T0) are never ahead of it; time
 * moves only with the spans' end times, unless a test advances the wall clock past {@code
 * idleAfter}.
 */
final class GraphHarness implements AutoCloseable {

  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final long T0_MS = T0.toEpochMilli();
  static final long MS = 1_000_000L;

  final PrometheusRegistry registry = new PrometheusRegistry();
  final TopologyTestDriver driver;
  private final TestInputTopic<byte[], byte[]> spans;
  private final TestInputTopic<byte[], byte[]> metrics;
  private final TestOutputTopic<byte[], byte[]> edges;
  private long wallMs = T0_MS + Duration.ofHours(1).toMillis();

  GraphHarness(WindowSettings windows, GraphSettings graph, Path stateDir) {
    StreamsBuilder builder = new StreamsBuilder();
    GraphTopology.addTo(
        builder,
        WindowTopology.addTo(builder, Topics.DEFAULT, windows, new WindowMetrics(registry)),
        Topics.DEFAULT,
        windows,
        graph,
        new GraphMetrics(registry));
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "graph-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    driver = new TopologyTestDriver(builder.build(), props, Instant.ofEpochMilli(wallMs));
    spans =
        driver.createInputTopic(
            Topics.DEFAULT.raw(Signal.TRACES),
            new ByteArraySerializer(),
            new ByteArraySerializer());
    metrics =
        driver.createInputTopic(
            Topics.DEFAULT.raw(Signal.METRICS),
            new ByteArraySerializer(),
            new ByteArraySerializer());
    edges =
        driver.createOutputTopic(
            Topics.DEFAULT.edges(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /** Sends the spans of one service the way ingest does: keyed by the service, tenant header. */
  void send(String service, Span... list) {
    ExportTraceServiceRequest request =
        ExportTraceServiceRequest.newBuilder()
            .addResourceSpans(
                ResourceSpans.newBuilder()
                    .setResource(
                        Resource.newBuilder()
                            .addAttributes(
                                OtlpResources.stringKeyValue(OtlpResources.SERVICE_NAME, service)))
                    .addScopeSpans(ScopeSpans.newBuilder().addAllSpans(List.of(list))))
            .build();
    RecordHeaders headers = new RecordHeaders();
    headers.add(Topics.HEADER_TENANT, "acme".getBytes(StandardCharsets.UTF_8));
    spans.pipeInput(
        new TestRecord<>(
            ("acme//" + service).getBytes(StandardCharsets.UTF_8),
            request.toByteArray(),
            headers,
            Instant.ofEpochMilli(wallMs)));
  }

  /** Sends one service's metrics the way ingest does. */
  void sendMetrics(String service, io.opentelemetry.proto.metrics.v1.Metric metric) {
    var request =
        io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest.newBuilder()
            .addResourceMetrics(
                io.opentelemetry.proto.metrics.v1.ResourceMetrics.newBuilder()
                    .setResource(
                        Resource.newBuilder()
                            .addAttributes(
                                OtlpResources.stringKeyValue(OtlpResources.SERVICE_NAME, service)))
                    .addScopeMetrics(
                        io.opentelemetry.proto.metrics.v1.ScopeMetrics.newBuilder()
                            .addMetrics(metric)))
            .build();
    RecordHeaders headers = new RecordHeaders();
    headers.add(Topics.HEADER_TENANT, "acme".getBytes(StandardCharsets.UTF_8));
    metrics.pipeInput(
        new TestRecord<>(
            ("acme//" + service).getBytes(StandardCharsets.UTF_8),
            request.toByteArray(),
            headers,
            Instant.ofEpochMilli(wallMs)));
  }

  /**
   * Advances the wall clock in steps of a second, punctuating after each as a running stream thread
   * does.
   */
  void advance(Duration wall) {
    long left = wall.toMillis();
    while (left > 0) {
      long step = Math.min(1_000, left);
      wallMs += step;
      left -= step;
      driver.advanceWallClockTime(Duration.ofMillis(step));
    }
  }

  /** Every edge window written so far, each checked against the topic's JSON Schema and key. */
  List<EdgeWindow> edges() {
    List<EdgeWindow> out = new ArrayList<>();
    for (TestRecord<byte[], byte[]> r : edges.readRecordsToList()) {
      SignalSchemas.assertValid("edges.v1", r.value());
      EdgeWindow e = SignalJson.read(r.value(), EdgeWindow.class);
      if (!new String(r.key(), StandardCharsets.UTF_8)
          .equals(EdgeWindow.key(e.tenant(), e.client(), e.server()))) {
        throw new AssertionError("key does not name the edge: " + e);
      }
      out.add(e);
    }
    return out;
  }

  long pendingEntries() {
    return driver.getKeyValueStore(GraphTopology.PENDING).approximateNumEntries();
  }

  /**
   * The value of one sample of the exposition, e.g. {@code x_total{outcome="paired"}}; 0 if absent.
   */
  double metric(String sample) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      PrometheusTextFormatWriter.create().write(out, registry.scrape());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
      if (line.startsWith(sample + " ")) {
        return Double.parseDouble(line.substring(sample.length() + 1).trim());
      }
    }
    return 0;
  }

  // ---- spans ----

  static ByteString traceId(int n) {
    byte[] id = new byte[16];
    id[0] = 1;
    id[12] = (byte) (n >>> 24);
    id[13] = (byte) (n >>> 16);
    id[14] = (byte) (n >>> 8);
    id[15] = (byte) n;
    return ByteString.copyFrom(id);
  }

  static ByteString spanId(int n) {
    byte[] id = new byte[8];
    id[0] = 2;
    id[4] = (byte) (n >>> 24);
    id[5] = (byte) (n >>> 16);
    id[6] = (byte) (n >>> 8);
    id[7] = (byte) n;
    return ByteString.copyFrom(id);
  }

  /**
   * A span of trace {@code trace}, ending at T0 + {@code endMs}.
   *
   * @param parent the parent's span id number, or 0 for a root span
   */
  static Span.Builder span(
      Span.SpanKind kind, int trace, int id, int parent, long endMs, long durationMs) {
    Span.Builder b =
        Span.newBuilder()
            .setName("call")
            .setKind(kind)
            .setTraceId(traceId(trace))
            .setSpanId(spanId(id))
            .setStartTimeUnixNano((T0_MS + endMs - durationMs) * MS)
            .setEndTimeUnixNano((T0_MS + endMs) * MS);
    if (parent != 0) {
      b.setParentSpanId(spanId(parent));
    }
    return b;
  }

  static Span.Builder failed(Span.Builder b) {
    return b.setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR));
  }

  static Span.Builder with(Span.Builder b, String key, String value) {
    KeyValue kv = OtlpResources.stringKeyValue(key, value);
    return b.addAttributes(kv);
  }

  @Override
  public void close() {
    driver.close();
  }
}
