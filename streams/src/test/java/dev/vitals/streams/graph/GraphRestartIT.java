package dev.vitals.streams.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import dev.vitals.schemas.Signal;
import dev.vitals.schemas.Topics;
import dev.vitals.schemas.otlp.OtlpResources;
import dev.vitals.schemas.signals.EdgeWindow;
import dev.vitals.schemas.signals.SignalJson;
import dev.vitals.schemas.signals.SignalSchemas;
import dev.vitals.schemas.testing.KafkaTestCluster;
import dev.vitals.streams.window.WindowMetrics;
import dev.vitals.streams.window.WindowSettings;
import dev.vitals.streams.window.WindowTopology;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The graph topology on a real broker with exactly-once, across a restart that loses all local
 * state: client spans wait in the pairing store when the instance stops, their server spans arrive
 * after a new instance restored the store from its changelog, and every call is still paired once —
 * no call lost to the restart, none counted twice, each edge window emitted once.
 */
class GraphRestartIT {

  private static final int CALLS = 40;
  private static final WindowSettings WINDOWS =
      WindowSettings.builder().idleAfter(Duration.ofMinutes(2)).build();

  private static KafkaTestCluster kafka;
  @TempDir Path stateDir;
  private final long base =
      Math.floorDiv(System.currentTimeMillis() - Duration.ofMinutes(30).toMillis(), 60_000)
          * 60_000;

  @BeforeAll
  static void startKafka() throws Exception {
    kafka = KafkaTestCluster.start();
  }

  @AfterAll
  static void stopKafka() throws Exception {
    kafka.close();
  }

  @Test
  void spansWaitingAcrossARestartWithoutLocalStateArePairedOnce() throws Exception {
    Topics topics = createTopics();
    PrometheusRegistry second = new PrometheusRegistry();
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      PrometheusRegistry first = new PrometheusRegistry();
      try (KafkaStreams streams = start(topics, stateDir.resolve("a"), first)) {
        send(producer, topics, "checkout", clients());
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> counter(first, "vitals_streams_graph_spans") >= CALLS);
        // An orderly close commits what it processed: the pending halves are in the changelog.
        streams.close(
            new KafkaStreams.CloseOptions().leaveGroup(true).timeout(Duration.ofSeconds(30)));
      }
      deleteRecursively(stateDir.resolve("a"));
      try (KafkaStreams streams = start(topics, stateDir.resolve("a"), second)) {
        send(producer, topics, "payments", servers());
        // Event time moves on: the window of the calls closes.
        send(
            producer,
            topics,
            "ticker",
            List.of(span(Span.SpanKind.SPAN_KIND_SERVER, 999, 999, 0, base + 180_000, 1)));
        List<EdgeWindow> edges = awaitEdge(topics);
        // Calls paired on the other partition's task may reach the edge after the window closed
        // on the ticker's call: they come as a revision, each revision once.
        assertThat(edges)
            .extracting(EdgeWindow::revision)
            .as("each revision of the window once: %s", edges)
            .doesNotHaveDuplicates();
        EdgeWindow e =
            edges.stream().max(Comparator.comparingInt(EdgeWindow::revision)).orElseThrow();
        assertThat(e.requests()).as("every call, once").isEqualTo(CALLS);
        assertThat(e.totals().requests()).as("the running total too").isEqualTo(CALLS);
        assertThat(e.server().virtual()).isFalse();
        assertThat(e.serverLatency()).isNotNull();
        assertThat(counter(second, "vitals_streams_graph_pairing", "paired")).isEqualTo(CALLS);
        assertThat(counter(second, "vitals_streams_graph_pairing", "virtual")).isZero();
      }
    }
  }

  private List<EdgeWindow> awaitEdge(Topics topics) {
    List<EdgeWindow> out = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(90))
        .until(
            () -> {
              out.clear();
              for (ConsumerRecord<byte[], byte[]> r :
                  kafka.readAll(topics.edges(), 2, Duration.ofSeconds(3))) {
                SignalSchemas.assertValid("edges.v1", r.value());
                EdgeWindow e = SignalJson.read(r.value(), EdgeWindow.class);
                if (e.client().name().equals("checkout")) {
                  out.add(e);
                }
              }
              return out.stream().anyMatch(e -> e.requests() >= CALLS);
            });
    return out;
  }

  private List<Span> clients() {
    List<Span> spans = new ArrayList<>();
    for (int i = 1; i <= CALLS; i++) {
      spans.add(
          span(Span.SpanKind.SPAN_KIND_CLIENT, i, 1_000 + i, 0, base + 10_000 + i, 20).toBuilder()
              .addAttributes(OtlpResources.stringKeyValue("peer.service", "payments"))
              .build());
    }
    return spans;
  }

  private List<Span> servers() {
    List<Span> spans = new ArrayList<>();
    for (int i = 1; i <= CALLS; i++) {
      spans.add(
          span(Span.SpanKind.SPAN_KIND_SERVER, i, 2_000 + i, 1_000 + i, base + 10_000 + i, 10));
    }
    return spans;
  }

  private static Span span(Span.SpanKind kind, int trace, int id, int parent, long endMs, long ms) {
    Span.Builder b =
        Span.newBuilder()
            .setName("call")
            .setKind(kind)
            .setTraceId(
                ByteString.copyFrom(ByteBuffer.allocate(16).putLong(7).putLong(trace).array()))
            .setSpanId(ByteString.copyFrom(ByteBuffer.allocate(8).putLong(id).array()))
            .setStartTimeUnixNano((endMs - ms) * 1_000_000)
            .setEndTimeUnixNano(endMs * 1_000_000);
    if (parent != 0) {
      b.setParentSpanId(ByteString.copyFrom(ByteBuffer.allocate(8).putLong(parent).array()));
    }
    return b.build();
  }

  private static void send(
      KafkaProducer<byte[], byte[]> producer, Topics topics, String service, List<Span> spans)
      throws Exception {
    ExportTraceServiceRequest request =
        ExportTraceServiceRequest.newBuilder()
            .addResourceSpans(
                ResourceSpans.newBuilder()
                    .setResource(
                        Resource.newBuilder()
                            .addAttributes(
                                OtlpResources.stringKeyValue(OtlpResources.SERVICE_NAME, service)))
                    .addScopeSpans(ScopeSpans.newBuilder().addAllSpans(spans)))
            .build();
    RecordHeaders headers = new RecordHeaders();
    headers.add(Topics.HEADER_TENANT, "default".getBytes(StandardCharsets.UTF_8));
    producer
        .send(
            new ProducerRecord<>(
                topics.raw(Signal.TRACES),
                null,
                ("default//" + service).getBytes(StandardCharsets.UTF_8),
                request.toByteArray(),
                headers))
        .get();
  }

  private Topics createTopics() throws Exception {
    Topics topics = new Topics("restart-");
    List<NewTopic> list = new ArrayList<>();
    for (Signal s : Signal.values()) {
      list.add(new NewTopic(topics.raw(s), 2, (short) 1));
    }
    for (String t :
        List.of(topics.serviceWindows(), topics.deadLetter(), topics.edges(), topics.health())) {
      list.add(new NewTopic(t, 2, (short) 1));
    }
    kafka.createTopics(list);
    return topics;
  }

  private static KafkaStreams start(Topics topics, Path state, PrometheusRegistry registry) {
    StreamsBuilder builder = new StreamsBuilder();
    GraphTopology.addTo(
        builder,
        WindowTopology.addTo(builder, topics, WINDOWS, new WindowMetrics(registry)),
        topics,
        WINDOWS,
        GraphSettings.DEFAULTS,
        new GraphMetrics(registry));
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "graph-restart");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, -1);
    props.put(StreamsConfig.consumerPrefix("session.timeout.ms"), 6_000);
    props.put(StreamsConfig.consumerPrefix("heartbeat.interval.ms"), 1_000);
    KafkaStreams streams = new KafkaStreams(builder.build(), props);
    streams.start();
    return streams;
  }

  private static KafkaProducer<byte[], byte[]> producer() {
    var props = kafka.producerProperties();
    props.put("acks", "all");
    return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
  }

  private static double counter(PrometheusRegistry registry, String name) {
    return counter(registry, name, null);
  }

  /** The sum of a counter's points, or of those whose only label value is {@code value}. */
  private static double counter(PrometheusRegistry registry, String name, String value) {
    double total = 0;
    for (MetricSnapshot snapshot : registry.scrape()) {
      if (snapshot instanceof CounterSnapshot counter
          && snapshot.getMetadata().getName().equals(name)) {
        for (CounterSnapshot.CounterDataPointSnapshot p : counter.getDataPoints()) {
          if (value == null || p.getLabels().stream().anyMatch(l -> l.getValue().equals(value))) {
            total += p.getValue();
          }
        }
      }
    }
    return total;
  }

  private static void deleteRecursively(Path dir) throws Exception {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
