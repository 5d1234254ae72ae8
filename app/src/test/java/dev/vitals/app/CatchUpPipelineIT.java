package dev.vitals.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
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
import dev.vitals.streams.slo.SloSettings;
import dev.vitals.streams.window.WindowSettings;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline running behind the wall clock — a replay, a backlog while streams was stopped, a
 * collector flushing a queue — on the in-process cluster, OTLP/HTTP into ingest and windows out of
 * streams: every window holds exactly what ingest acknowledged (a client ledger), and data that was
 * on time when it was produced is never corrected, dropped or reported silent.
 *
 * <p>Windows are 5 s (grace 1 s, idle after 10 s) so that minutes of event time run in seconds.
 */
class CatchUpPipelineIT {

  private static final long WINDOW_MS = 5_000;
  private static final List<String> SERVICES = List.of("s0", "s1", "s2", "s3");

  private static final WindowSettings WINDOWS =
      WindowSettings.builder()
          .windowSize(Duration.ofMillis(WINDOW_MS))
          .grace(Duration.ofSeconds(1))
          .correctionHorizon(Duration.ofSeconds(60))
          // Well above the 2 s a task may wait for a raw partition's fetch (max.task.idle.ms): a
          // task holding records back for that is not idle, but it cannot tell.
          .idleAfter(Duration.ofSeconds(10))
          .punctuateInterval(Duration.ofMillis(200))
          .build();

  @TempDir Path stateDir;
  private KafkaTestCluster kafka;
  private IngestStage ingest;
  private StreamsStage streams;
  private final HttpClient http = HttpClient.newHttpClient();
  private final AtomicLong spanIds = new AtomicLong(1);

  /** Spans ingest acknowledged, by service and window start. */
  private final Map<String, Map<Long, Long>> ledger = new TreeMap<>();

  @BeforeEach
  void start() throws Exception {
    kafka = KafkaTestCluster.start();
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      TopicCatalog.createRawTopics(admin, Topics.DEFAULT, 3, 1);
      TopicCatalog.createSignalTopics(admin, Topics.DEFAULT, 3, 1);
    }
    ingest =
        IngestStage.start(
            IngestSettings.defaults()
                .withListeners(
                    new IngestSettings.Listener("127.0.0.1", 0),
                    new IngestSettings.Listener("127.0.0.1", 0)),
            kafka.producerProperties(),
            new PrometheusRegistry());
    startStreams();
  }

  private void startStreams() {
    try {
      streams =
          StreamsStage.start(
              new StreamsSettings(
                  Topics.DEFAULT,
                  "vitals-catch-up-it",
                  stateDir,
                  1,
                  0,
                  1,
                  WINDOWS,
                  SloSettings.defaults(),
                  QuerySettings.DEFAULTS.withListener("127.0.0.1", FreePorts.next())),
              Map.of("bootstrap.servers", kafka.bootstrapServers()),
              new PrometheusRegistry());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    await().atMost(Duration.ofSeconds(90)).until(() -> ingest.ready() && streams.ready());
  }

  @AfterEach
  void stop() throws Exception {
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
  @Timeout(240)
  void aReplayOfAQuarterOfAnHourIsWindowedExactlyWithoutCorrectionsOrSilence() throws Exception {
    long now = System.currentTimeMillis();
    long from = Math.floorDiv(now - Duration.ofMinutes(40).toMillis(), WINDOW_MS) * WINDOW_MS;
    long to = from + Duration.ofMinutes(15).toMillis();
    // As fast as ingest answers: 180 windows of each service in a few seconds.
    for (long t = from; t < to; t += 1_250) {
      for (int s = 0; s < SERVICES.size(); s++) {
        send(SERVICES.get(s), t + 100 * s, 1 + s);
      }
    }

    assertExactAndOnTime(awaitWindows());
  }

  @Test
  @Timeout(240)
  void aBacklogBuiltWhileStreamsWasStoppedIsWindowedExactlyWithoutCorrectionsOrSilence()
      throws Exception {
    sendLive(Duration.ofSeconds(8));
    streams.close();
    streams = null;
    // Ingest goes on taking data for streams to read when it is back: a backlog of real time.
    sendLive(Duration.ofSeconds(15));
    startStreams();
    sendLive(Duration.ofSeconds(5));

    assertExactAndOnTime(awaitWindows());
  }

  @Test
  @Timeout(240)
  void aCollectorFlushingFiveWindowsLateInOneBurstIsCountedExactly() throws Exception {
    // s0 is held back by its collector for five windows, then flushed at once; the others are live.
    Map<Long, List<Long>> heldBack = new TreeMap<>();
    long until = System.currentTimeMillis() + 5 * WINDOW_MS;
    while (System.currentTimeMillis() < until) {
      long t = System.currentTimeMillis();
      for (String service : SERVICES.subList(1, SERVICES.size())) {
        send(service, t, 2);
      }
      heldBack.computeIfAbsent(t, k -> new ArrayList<>()).add(3L);
      Thread.sleep(200); // on purpose: live traffic is paced at five requests a second
    }
    for (Map.Entry<Long, List<Long>> e : heldBack.entrySet()) {
      send("s0", e.getKey(), e.getValue().stream().mapToInt(Long::intValue).sum());
    }
    sendLive(Duration.ofSeconds(3));

    Map<String, Map<Long, ServiceWindow>> windows = awaitWindows();
    assertExact(windows);
    for (String service : SERVICES.subList(1, SERVICES.size())) {
      for (long start : ledger.get(service).keySet()) {
        assertThat(windows.get(service).get(start).revision())
            .as("%s window %s: live data is never corrected", service, start)
            .isZero();
      }
    }
  }

  // ---- sending, with a ledger of what ingest acknowledged ----

  /** Each service sends spans stamped with the wall clock, five requests a second, for a while. */
  private void sendLive(Duration duration) throws Exception {
    long until = System.currentTimeMillis() + duration.toMillis();
    while (System.currentTimeMillis() < until) {
      for (int s = 0; s < SERVICES.size(); s++) {
        send(SERVICES.get(s), System.currentTimeMillis(), 1 + s);
      }
      Thread.sleep(200); // on purpose: the pace of live traffic, five requests a second
    }
  }

  /** Posts {@code count} SERVER spans ending at {@code endMs}; counts them once answered 200. */
  private void send(String service, long endMs, int count) throws Exception {
    ScopeSpans.Builder scope = ScopeSpans.newBuilder();
    for (int i = 0; i < count; i++) {
      long id = spanIds.getAndIncrement();
      scope.addSpans(
          Span.newBuilder()
              .setTraceId(ByteString.copyFrom(ByteBuffer.allocate(16).putLong(8, id).array()))
              .setSpanId(ByteString.copyFrom(ByteBuffer.allocate(8).putLong(id).array()))
              .setName("GET /r")
              .setKind(Span.SpanKind.SPAN_KIND_SERVER)
              .setStartTimeUnixNano((endMs - 20) * 1_000_000)
              .setEndTimeUnixNano(endMs * 1_000_000));
    }
    ExportTraceServiceRequest request =
        ExportTraceServiceRequest.newBuilder()
            .addResourceSpans(
                ResourceSpans.newBuilder()
                    .setResource(
                        Resource.newBuilder()
                            .addAttributes(
                                KeyValue.newBuilder()
                                    .setKey("service.name")
                                    .setValue(AnyValue.newBuilder().setStringValue(service))))
                    .addScopeSpans(scope))
            .build();
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + ingest.httpPort() + "/v1/traces"))
                .header("Content-Type", "application/x-protobuf")
                .POST(HttpRequest.BodyPublishers.ofByteArray(request.toByteArray()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("ingest answer: %s", r.body()).isEqualTo(200);
    long start = Math.floorDiv(endMs, WINDOW_MS) * WINDOW_MS;
    ledger.computeIfAbsent(service, k -> new TreeMap<>()).merge(start, (long) count, Long::sum);
  }

  // ---- reading and checking ----

  /**
   * The latest revision of every service window, once every window of the ledger is there; the
   * windows after the last data close once the partitions are idle.
   */
  private Map<String, Map<Long, ServiceWindow>> awaitWindows() {
    Map<String, Map<Long, ServiceWindow>> latest = new TreeMap<>();
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () -> {
              latest.clear();
              latest.putAll(latestWindows());
              return ledger.entrySet().stream()
                  .allMatch(
                      e ->
                          e.getValue().keySet().stream()
                              .allMatch(
                                  start ->
                                      latest.getOrDefault(e.getKey(), Map.of()).containsKey(start)
                                          && !latest.get(e.getKey()).get(start).silent()));
            });
    return latest;
  }

  private Map<String, Map<Long, ServiceWindow>> latestWindows() {
    Map<String, Map<Long, ServiceWindow>> latest = new TreeMap<>();
    for (ServiceWindow w :
        SignalRecords.readAll(
            kafka.bootstrapServers(),
            Topics.DEFAULT.serviceWindows(),
            "service-windows.v1",
            ServiceWindow.class)) {
      if (w.operation() != null) {
        continue;
      }
      Map<Long, ServiceWindow> byStart = latest.computeIfAbsent(w.service(), k -> new TreeMap<>());
      long start = w.windowStart().toEpochMilli();
      ServiceWindow before = byStart.get(start);
      if (before == null || w.revision() >= before.revision()) {
        if (before != null && w.revision() == before.revision()) {
          throw new AssertionError("revision emitted twice: " + before + " and " + w);
        }
        byStart.put(start, w);
      }
    }
    return latest;
  }

  private void assertExact(Map<String, Map<Long, ServiceWindow>> windows) {
    for (Map.Entry<String, Map<Long, Long>> e : ledger.entrySet()) {
      Map<Long, Long> counted = new TreeMap<>();
      windows.get(e.getKey()).forEach((start, w) -> counted.put(start, w.spans()));
      counted.keySet().retainAll(e.getValue().keySet());
      assertThat(counted).as("spans of %s per window", e.getKey()).isEqualTo(e.getValue());
    }
  }

  /** Exact, and every window of the ledger emitted once (revision 0) and never silent. */
  private void assertExactAndOnTime(Map<String, Map<Long, ServiceWindow>> windows) {
    assertExact(windows);
    List<String> problems = new ArrayList<>();
    for (ServiceWindow w :
        SignalRecords.readAll(
            kafka.bootstrapServers(),
            Topics.DEFAULT.serviceWindows(),
            "service-windows.v1",
            ServiceWindow.class)) {
      Map<Long, Long> sent = ledger.get(w.service());
      long start = w.windowStart().toEpochMilli();
      if (sent == null || !sent.containsKey(start)) {
        continue;
      }
      if (w.revision() != 0 || w.silent()) {
        problems.add(
            w.service() + " " + w.windowStart() + " rev " + w.revision() + " silent " + w.silent());
      }
    }
    assertThat(problems).as("corrections or silent windows for on-time data").isEmpty();
  }
}
