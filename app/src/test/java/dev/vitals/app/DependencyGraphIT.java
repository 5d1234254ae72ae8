package dev.vitals.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.vitals.app.kafka.TopicCatalog;
import dev.vitals.ingest.IngestSettings;
import dev.vitals.ingest.IngestStage;
import dev.vitals.schemas.ServiceKey;
import dev.vitals.schemas.Signal;
import dev.vitals.schemas.Topics;
import dev.vitals.schemas.signals.EdgeWindow;
import dev.vitals.schemas.signals.SignalJson;
import dev.vitals.schemas.signals.SignalSchemas;
import dev.vitals.schemas.testing.FreePorts;
import dev.vitals.schemas.testing.KafkaTestCluster;
import dev.vitals.streams.QuerySettings;
import dev.vitals.streams.StreamsSettings;
import dev.vitals.streams.StreamsStage;
import dev.vitals.streams.graph.GraphSettings;
import dev.vitals.streams.sketch.LatencySketch;
import dev.vitals.streams.slo.SloSettings;
import dev.vitals.streams.window.WindowSettings;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two services instrumented with the OpenTelemetry Java SDK call each other over HTTP with W3C
 * {@code traceparent} propagation; each exports its spans through its own ingest instance (one
 * OTLP/HTTP, one OTLP/gRPC), and the two services' raw partitions are owned by two different
 * streams instances. The edges on {@code vitals.edges.v1} still count every call exactly once, with
 * its errors and both sides' latencies as the SDKs measured them; a callee without instrumentation
 * appears as a virtual node, and the requests from outside as calls from {@code user}.
 */
class DependencyGraphIT {

  private static final int PARTITIONS = 2;
  private static final int REQUESTS = 40;
  private static final int FAILING = 6;
  private static final int LEDGER_CALLS = 20;
  private static final String APP_ID = "graph-it";
  private static final String FRONTEND = "frontend";
  private static final AttributeKey<String> PEER_SERVICE = AttributeKey.stringKey("peer.service");
  private static final AttributeKey<Long> STATUS =
      AttributeKey.longKey("http.response.status_code");

  static KafkaTestCluster kafka;
  static IngestStage ingestA;
  static IngestStage ingestB;
  static StreamsStage streamsA;
  static StreamsStage streamsB;
  static final PrometheusRegistry registryA = new PrometheusRegistry();
  static final PrometheusRegistry registryB = new PrometheusRegistry();
  static HttpServer paymentsServer;
  static HttpServer ledgerServer;
  static SdkTracerProvider frontendTracing;
  static SdkTracerProvider paymentsTracing;
  static String payments;
  static final List<SpanData> ended = Collections.synchronizedList(new ArrayList<>());
  @TempDir static Path stateDir;

  @BeforeAll
  static void start() throws Exception {
    payments = calleeOnTheOtherPartition();
    kafka = KafkaTestCluster.start();
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      TopicCatalog.createRawTopics(admin, Topics.DEFAULT, PARTITIONS, 1);
      TopicCatalog.createSignalTopics(admin, Topics.DEFAULT, PARTITIONS, 1);
    }
    ingestA = ingest();
    ingestB = ingest();
    streamsA = streams(stateDir.resolve("a"), registryA);
    streamsB = streams(stateDir.resolve("b"), registryB);
    await()
        .atMost(Duration.ofSeconds(120))
        .until(
            () ->
                ingestA.ready()
                    && ingestB.ready()
                    && streamsA.ready()
                    && streamsB.ready()
                    && ownersOfTheRawSpans().size() == PARTITIONS);
    paymentsTracing =
        tracing(
            payments,
            OtlpGrpcSpanExporter.builder()
                .setEndpoint("http://127.0.0.1:" + ingestB.grpcPort())
                .build());
    frontendTracing =
        tracing(
            FRONTEND,
            OtlpHttpSpanExporter.builder()
                .setEndpoint("http://127.0.0.1:" + ingestA.httpPort() + "/v1/traces")
                .build());
    paymentsServer = paymentsServer(paymentsTracing.get("payments"));
    ledgerServer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    ledgerServer.createContext("/", DependencyGraphIT::ok);
    ledgerServer.start();
  }

  @AfterAll
  static void stop() throws Exception {
    for (AutoCloseable c :
        new AutoCloseable[] {
          frontendTracing, paymentsTracing, streamsA, streamsB, ingestA, ingestB, kafka
        }) {
      if (c != null) {
        c.close();
      }
    }
    if (paymentsServer != null) {
      paymentsServer.stop(0);
    }
    if (ledgerServer != null) {
      ledgerServer.stop(0);
    }
  }

  @Test
  void callsAcrossIngestAndStreamsInstancesArePairedExactly() throws Exception {
    Map<Integer, String> owners = ownersOfTheRawSpans();
    assertThat(owners.get(partition(FRONTEND)))
        .as("the two services' spans are read by different streams instances")
        .isNotEqualTo(owners.get(partition(payments)));

    sendTraffic();

    Map<String, Totals> edges = awaitEdges();
    Totals call = edges.get(FRONTEND + "->" + payments);
    assertThat(call.requests).isEqualTo(REQUESTS);
    assertThat(call.errors).isEqualTo(FAILING);
    assertThat(call.connectionTypes).containsExactly(EdgeWindow.DIRECT);
    assertThat(call.serverVirtual).containsExactly(false);
    assertThat(call.clientMax).isEqualTo(exactMax(FRONTEND, SpanKind.CLIENT, payments));
    assertThat(call.serverMax).isEqualTo(exactMax(payments, SpanKind.SERVER, null));
    assertThat(call.client.count()).isEqualTo(REQUESTS);
    assertThat(call.server.count()).isEqualTo(REQUESTS);
    assertThat(call.server.quantile(0.5))
        .isCloseTo(
            exactMedian(payments, SpanKind.SERVER, null),
            org.assertj.core.data.Percentage.withPercentage(1));

    Totals ledger = edges.get(FRONTEND + "->ledger");
    assertThat(ledger.requests).isEqualTo(LEDGER_CALLS);
    assertThat(ledger.serverVirtual).containsExactly(true);
    assertThat(ledger.connectionTypes).containsExactly(EdgeWindow.VIRTUAL_NODE);
    assertThat(ledger.server.count()).as("no server side").isZero();

    Totals user = edges.get("user->" + FRONTEND);
    assertThat(user.requests).isEqualTo(REQUESTS);
    assertThat(user.client.count()).isZero();
    assertThat(edges)
        .containsOnlyKeys(FRONTEND + "->" + payments, FRONTEND + "->ledger", "user->" + FRONTEND);

    for (StreamsStage stage : List.of(streamsA, streamsB)) {
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(graphRequests(stage, FRONTEND, payments))
                      .as("/api/v1/graph of either instance: all edges are on each")
                      .isEqualTo(REQUESTS));
    }

    assertThat(metric("vitals_streams_graph_pairing_total{outcome=\"paired\"}"))
        .as("paired, on whichever instance owns each trace")
        .isEqualTo(REQUESTS);
    assertThat(metric("vitals_streams_graph_pairing_total{outcome=\"unpaired_server\"}")).isZero();
  }

  private static long graphRequests(StreamsStage stage, String client, String server)
      throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:" + stage.queryPort() + "/api/v1/graph?range=1h"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    System.out.println(
        "GRAPH port " + stage.queryPort() + " " + response.statusCode() + " " + response.body());
    long requests = 0;
    for (com.fasterxml.jackson.databind.JsonNode e :
        SignalJson.MAPPER.readTree(response.body()).path("edges")) {
      if (e.path("client").path("name").asText().equals(client)
          && e.path("server").path("name").asText().equals(server)) {
        requests += e.path("requests").asLong();
      }
    }
    return requests;
  }

  // --- the two services ---

  private static void sendTraffic() throws Exception {
    Tracer tracer = frontendTracing.get("frontend");
    HttpClient http = HttpClient.newHttpClient();
    for (int i = 0; i < REQUESTS; i++) {
      Span request = tracer.spanBuilder("GET /checkout").setSpanKind(SpanKind.SERVER).startSpan();
      try (Scope ignored = request.makeCurrent()) {
        call(tracer, http, "POST /pay", payments, paymentsServer, i < FAILING);
        if (i % 2 == 0) {
          call(tracer, http, "GET /ledger", "ledger", ledgerServer, false);
        }
      } finally {
        request.end();
      }
    }
    assertThat(frontendTracing.forceFlush().join(30, TimeUnit.SECONDS).isSuccess()).isTrue();
    assertThat(paymentsTracing.forceFlush().join(30, TimeUnit.SECONDS).isSuccess()).isTrue();
  }

  private static void call(
      Tracer tracer, HttpClient http, String name, String peer, HttpServer server, boolean fail)
      throws Exception {
    Span client =
        tracer
            .spanBuilder(name)
            .setSpanKind(SpanKind.CLIENT)
            .setAttribute(PEER_SERVICE, peer)
            .startSpan();
    try (Scope ignored = client.makeCurrent()) {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(
                  URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/"))
              .header("x-fail", Boolean.toString(fail));
      W3CTraceContextPropagator.getInstance()
          .inject(Context.current(), request, HttpRequest.Builder::header);
      int status = http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
      client.setAttribute(STATUS, (long) status);
      if (status >= 500) {
        client.setStatus(StatusCode.ERROR);
      }
    } finally {
      client.end();
    }
  }

  private static HttpServer paymentsServer(Tracer tracer) throws IOException {
    TextMapGetter<HttpExchange> getter =
        new TextMapGetter<>() {
          @Override
          public Iterable<String> keys(HttpExchange carrier) {
            return carrier.getRequestHeaders().keySet();
          }

          @Override
          public String get(HttpExchange carrier, String key) {
            return carrier.getRequestHeaders().getFirst(key);
          }
        };
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          Context parent =
              W3CTraceContextPropagator.getInstance().extract(Context.root(), exchange, getter);
          Span span =
              tracer
                  .spanBuilder("POST /pay")
                  .setParent(parent)
                  .setSpanKind(SpanKind.SERVER)
                  .startSpan();
          boolean fail = "true".equals(exchange.getRequestHeaders().getFirst("x-fail"));
          if (fail) {
            span.setStatus(StatusCode.ERROR);
          }
          span.setAttribute(STATUS, fail ? 500L : 200L);
          exchange.sendResponseHeaders(fail ? 500 : 200, -1);
          exchange.close();
          span.end();
        });
    server.start();
    return server;
  }

  private static void ok(HttpExchange exchange) throws IOException {
    exchange.sendResponseHeaders(200, -1);
    exchange.close();
  }

  private static SdkTracerProvider tracing(String service, SpanExporter exporter) {
    return SdkTracerProvider.builder()
        .setResource(
            Resource.getDefault()
                .merge(
                    Resource.create(
                        Attributes.of(
                            AttributeKey.stringKey("service.name"),
                            service,
                            AttributeKey.stringKey("service.namespace"),
                            "it"))))
        .addSpanProcessor(new Recorder())
        .addSpanProcessor(
            BatchSpanProcessor.builder(exporter).setScheduleDelay(Duration.ofMillis(200)).build())
        .build();
  }

  /** Keeps every ended span, to compare the edges with what the SDKs measured. */
  private static final class Recorder implements SpanProcessor {
    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {}

    @Override
    public boolean isStartRequired() {
      return false;
    }

    @Override
    public void onEnd(ReadableSpan span) {
      ended.add(span.toSpanData());
    }

    @Override
    public boolean isEndRequired() {
      return true;
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }

  private static List<Double> seconds(String service, SpanKind kind, String peer) {
    synchronized (ended) {
      return ended.stream()
          .filter(
              s ->
                  service.equals(
                      s.getResource().getAttribute(AttributeKey.stringKey("service.name"))))
          .filter(s -> s.getKind() == kind)
          .filter(s -> peer == null || peer.equals(s.getAttributes().get(PEER_SERVICE)))
          .map(s -> (s.getEndEpochNanos() - s.getStartEpochNanos()) / 1e9)
          .sorted()
          .collect(Collectors.toList());
    }
  }

  private static double exactMax(String service, SpanKind kind, String peer) {
    List<Double> s = seconds(service, kind, peer);
    assertThat(s).hasSize(REQUESTS);
    return s.get(s.size() - 1);
  }

  private static double exactMedian(String service, SpanKind kind, String peer) {
    List<Double> s = seconds(service, kind, peer);
    return s.get((int) Math.ceil(0.5 * s.size()) - 1);
  }

  // --- the stages ---

  private static IngestStage ingest() throws Exception {
    return IngestStage.start(
        IngestSettings.defaults()
            .withListeners(
                new IngestSettings.Listener("127.0.0.1", 0),
                new IngestSettings.Listener("127.0.0.1", 0)),
        kafka.producerProperties(),
        new PrometheusRegistry());
  }

  private static StreamsStage streams(Path dir, PrometheusRegistry registry) throws Exception {
    return StreamsStage.start(
        new StreamsSettings(
                Topics.DEFAULT,
                APP_ID,
                dir,
                1,
                0,
                1,
                WindowSettings.builder()
                    .windowSize(Duration.ofSeconds(5))
                    .grace(Duration.ofSeconds(1))
                    .correctionHorizon(Duration.ofSeconds(60))
                    .punctuateInterval(Duration.ofMillis(200))
                    .idleAfter(Duration.ofSeconds(2))
                    .build(),
                SloSettings.defaults(),
                QuerySettings.DEFAULTS.withListener("127.0.0.1", FreePorts.next()))
            // The product's pairing wait: the two halves of a call reach the pairer through two
            // streams instances, and on a loaded 2-core machine one ran more than 3 s behind the
            // other (a CI run saw calls given up as virtual when the wait was 3 s).
            .withGraph(GraphSettings.DEFAULTS),
        Map.of("bootstrap.servers", kafka.bootstrapServers()),
        registry);
  }

  /** Raw spans partition → the group member that reads it, once every partition has one. */
  private static Map<Integer, String> ownersOfTheRawSpans() throws Exception {
    Map<Integer, String> owners = new HashMap<>();
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      ConsumerGroupDescription group =
          admin.describeConsumerGroups(List.of(APP_ID)).all().get().get(APP_ID);
      if (group.members().size() != 2) {
        return Map.of();
      }
      for (MemberDescription m : group.members()) {
        for (TopicPartition tp : m.assignment().topicPartitions()) {
          if (tp.topic().equals(Topics.DEFAULT.raw(Signal.TRACES))) {
            owners.put(tp.partition(), m.consumerId());
          }
        }
      }
    }
    return owners;
  }

  private static int partition(String service) {
    byte[] key = new ServiceKey("default", "it", service).toBytes();
    return Utils.toPositive(Utils.murmur2(key)) % PARTITIONS;
  }

  /** The callee's name: "payments", or a variant whose raw partition is not the frontend's. */
  private static String calleeOnTheOtherPartition() {
    for (int i = 0; i < 20; i++) {
      String name = i == 0 ? "payments" : "payments-" + i;
      if (partition(name) != partition(FRONTEND)) {
        return name;
      }
    }
    throw new AssertionError("no callee name on the other partition");
  }

  // --- reading the edges back ---

  static final class Totals {
    long requests;
    long errors;
    double clientMax = Double.NaN;
    double serverMax = Double.NaN;
    final LatencySketch client = new LatencySketch();
    final LatencySketch server = new LatencySketch();
    final Set<String> connectionTypes = new java.util.TreeSet<>();
    final Set<Boolean> serverVirtual = new java.util.TreeSet<>();
  }

  /** The latest revision of every edge window, summed per edge, once all calls are in. */
  private static Map<String, Totals> awaitEdges() {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "graph-reader");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    Map<String, EdgeWindow> latest = new HashMap<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(Topics.DEFAULT.edges()));
      await()
          .atMost(Duration.ofSeconds(90))
          .until(
              () -> {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                  SignalSchemas.assertValid("edges.v1", r.value());
                  EdgeWindow e = SignalJson.read(r.value(), EdgeWindow.class);
                  String k = new String(r.key(), StandardCharsets.UTF_8) + "@" + e.windowStart();
                  EdgeWindow before = latest.get(k);
                  assertThat(before == null || before.revision() < e.revision())
                      .as("each revision of a window once, in order: %s after %s", e, before)
                      .isTrue();
                  latest.put(k, e);
                }
                Map<String, Totals> t = totals(latest);
                return t.containsKey(FRONTEND + "->" + payments)
                    && t.get(FRONTEND + "->" + payments).requests >= REQUESTS
                    && t.containsKey(FRONTEND + "->ledger")
                    && t.get(FRONTEND + "->ledger").requests >= LEDGER_CALLS
                    && t.containsKey("user->" + FRONTEND)
                    && t.get("user->" + FRONTEND).requests >= REQUESTS;
              });
    }
    return totals(latest);
  }

  private static Map<String, Totals> totals(Map<String, EdgeWindow> latest) {
    Map<String, Totals> out = new HashMap<>();
    for (EdgeWindow e : latest.values()) {
      Totals t =
          out.computeIfAbsent(e.client().name() + "->" + e.server().name(), k -> new Totals());
      t.requests += e.requests();
      t.errors += e.errors();
      t.connectionTypes.add(e.connectionType());
      t.serverVirtual.add(e.server().virtual());
      if (e.clientLatency() != null) {
        t.clientMax =
            Double.isNaN(t.clientMax)
                ? e.clientLatency().max()
                : Math.max(t.clientMax, e.clientLatency().max());
        t.client.merge(LatencySketch.fromBase64(e.clientLatency().sketch()));
      }
      if (e.serverLatency() != null) {
        t.serverMax =
            Double.isNaN(t.serverMax)
                ? e.serverLatency().max()
                : Math.max(t.serverMax, e.serverLatency().max());
        t.server.merge(LatencySketch.fromBase64(e.serverLatency().sketch()));
      }
    }
    return out;
  }

  private static double metric(String sample) {
    double sum = 0;
    for (PrometheusRegistry registry : List.of(registryA, registryB)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try {
        PrometheusTextFormatWriter.create().write(out, registry.scrape());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
        if (line.startsWith(sample + " ")) {
          sum += Double.parseDouble(line.substring(sample.length() + 1).trim());
        }
      }
    }
    return sum;
  }
}
