package dev.vitals.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import dev.vitals.app.kafka.TopicCatalog;
import dev.vitals.schemas.Signal;
import dev.vitals.schemas.Topics;
import dev.vitals.schemas.otlp.OtlpResources;
import dev.vitals.schemas.signals.ServiceWindow;
import dev.vitals.schemas.signals.SignalJson;
import dev.vitals.schemas.testing.FreePorts;
import dev.vitals.schemas.testing.KafkaTestCluster;
import dev.vitals.sinks.SinkSettings;
import dev.vitals.sinks.SinksStage;
import dev.vitals.sinks.delivery.StoreSinkContract.Point;
import dev.vitals.sinks.delivery.StoreSinkContract.StoredSeries;
import dev.vitals.sinks.testing.LocalStore;
import dev.vitals.sinks.testing.StoreQueries;
import dev.vitals.sinks.testing.TopicRecords;
import dev.vitals.streams.QuerySettings;
import dev.vitals.streams.StreamsSettings;
import dev.vitals.streams.StreamsStage;
import dev.vitals.streams.slo.SloSettings;
import dev.vitals.streams.window.WindowSettings;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Store-native signals from raw spans through the streams and sinks stages into real Prometheus
 * (native histograms on) and VictoriaMetrics (classic buckets).
 *
 * <p>Late data: a window's worth of requests, the window closes, the streams stage restarts on
 * empty local state (restored from its changelogs), a late batch for the closed window arrives
 * within the correction horizon, then more on time. In both stores the requests counter ends at
 * exactly the number of requests sent and never falls, the per-window series keep their first
 * revision (the documented rule for these stores), and nothing is dead-lettered.
 *
 * <p>Aggregation: two services with different latency distributions; each store's {@code
 * histogram_quantile(0.99, sum(...))} over both is compared with the exact p99 of the union.
 */
class StoreNativeSignalsIT {

  private static final long WINDOW_MS = 2_000;
  private static final String TENANT = "t-" + UUID.randomUUID().toString().substring(0, 8);
  private static final String SERVICE = "checkout";
  private static final ByteString TRACE_ID =
      ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});

  @TempDir static Path dir;
  static KafkaTestCluster kafka;
  static LocalStore prometheus;
  static LocalStore vm;
  static KafkaProducer<byte[], byte[]> producer;
  static SinksStage sinks;
  static StreamsStage streams;
  static final PrometheusRegistry SINK_METRICS = new PrometheusRegistry();

  @BeforeAll
  static void start() throws Exception {
    prometheus =
        LocalStore.prometheusWithNativeHistograms(
            Files.createDirectories(dir.resolve("prometheus")));
    vm = LocalStore.victoriaMetrics(Files.createDirectories(dir.resolve("vm")));
    kafka = KafkaTestCluster.start();
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      TopicCatalog.createRawTopics(admin, Topics.DEFAULT, 3, 1);
      TopicCatalog.createSignalTopics(admin, Topics.DEFAULT, 3, 1);
    }
    producer =
        new KafkaProducer<>(
            kafka.producerProperties(), new ByteArraySerializer(), new ByteArraySerializer());
    sinks =
        SinksStage.start(
            new SinkSettings(
                List.of(
                    SinkSettings.Destination.of(
                            "prometheus",
                            SinkSettings.Kind.REMOTE_WRITE,
                            prometheus.url("/api/v1/write"))
                        .withHistograms(SinkSettings.Histograms.NATIVE),
                    SinkSettings.Destination.of(
                        "vm", SinkSettings.Kind.REMOTE_WRITE, vm.url("/api/v1/write"))),
                new SinkSettings.Delivery(Duration.ofMillis(50), Duration.ofSeconds(1)),
                Topics.DEFAULT),
            Map.of("bootstrap.servers", kafka.bootstrapServers()),
            SINK_METRICS);
    streams = startStreams("state-1");
  }

  @AfterAll
  static void stop() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {streams, sinks, producer, kafka}) {
      if (c != null) {
        c.close();
      }
    }
    for (LocalStore s : new LocalStore[] {prometheus, vm}) {
      if (s != null) {
        s.stop();
      }
    }
  }

  private static StreamsStage startStreams(String stateDir) throws Exception {
    StreamsStage stage =
        StreamsStage.start(
            new StreamsSettings(
                Topics.DEFAULT,
                "vitals-late-it",
                dir.resolve(stateDir),
                1,
                0,
                1,
                WindowSettings.builder()
                    .windowSize(Duration.ofMillis(WINDOW_MS))
                    .grace(Duration.ofSeconds(1))
                    .correctionHorizon(Duration.ofMinutes(1))
                    .punctuateInterval(Duration.ofMillis(200))
                    .idleAfter(Duration.ofSeconds(1))
                    .build(),
                SloSettings.defaults(),
                QuerySettings.DEFAULTS.withListener("127.0.0.1", FreePorts.next())),
            Map.of("bootstrap.servers", kafka.bootstrapServers()),
            new PrometheusRegistry());
    await().atMost(Duration.ofSeconds(90)).until(stage::ready);
    return stage;
  }

  @Test
  void theRequestsCounterInEachStoreEndsAtExactlyTheRequestsSentWithALateBatchAndARestart()
      throws Exception {
    long w0End = (System.currentTimeMillis() / WINDOW_MS + 1) * WINDOW_MS;
    sendSpans(50, w0End - 500, 5);
    ServiceWindow first = awaitWindow(w0End, 0);
    assertThat(first.requests()).isEqualTo(50);

    // The streams stage stops and a new instance starts on empty local state.
    streams.close();
    streams = startStreams("state-2");

    sendSpans(7, w0End - 400, 2); // late: the closed window, within the correction horizon
    ServiceWindow corrected = awaitWindow(w0End, 1);
    assertThat(corrected.requests()).isEqualTo(57);
    long onTimeEnd = (System.currentTimeMillis() / WINDOW_MS + 1) * WINDOW_MS;
    sendSpans(30, onTimeEnd - 500, 0);
    ServiceWindow last = awaitWindow(onTimeEnd, 0);
    assertThat(last.totals().requests()).isEqualTo(87);

    for (String store : List.of("prometheus", "vm")) {
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(500))
          .untilAsserted(
              () -> {
                List<Point> requests = serviceLevel(store, "vitals_requests_total");
                assertThat(requests).as(store).isNotEmpty();
                assertThat(requests.get(requests.size() - 1).value()).as(store).isEqualTo(87);
                assertThat(requests)
                    .as("%s: a counter never falls", store)
                    .isSortedAccordingTo(Comparator.comparingDouble(Point::value));
                assertThat(serviceLevel(store, "vitals_errors_total"))
                    .last()
                    .extracting(Point::value)
                    .isEqualTo(7.0);
              });
      assertThat(serviceLevel(store, "vitals_window_requests"))
          .as("%s: the closed window keeps its first revision", store)
          .filteredOn(p -> p.timestampMs() == w0End)
          .extracting(Point::value)
          .containsExactly(50.0);
    }
    assertThat(TopicRecords.readToEnd(kafka.bootstrapServers(), Topics.DEFAULT.deadLetter()))
        .as("dead letters")
        .isEmpty();
  }

  @Test
  void eachStoresP99OverTwoServicesIsWithinABucketOfTheExactP99OfTheirUnion() throws Exception {
    String tenant = "agg-" + UUID.randomUUID().toString().substring(0, 8);
    double[] fast = lognormal(3_000, 0.05, 0.5, 1);
    double[] slow = lognormal(1_000, 0.8, 0.6, 2);
    long end = (System.currentTimeMillis() / WINDOW_MS + 1) * WINDOW_MS;
    sendSpans(tenant, "fast", fast, end - 500, 0);
    sendSpans(tenant, "slow", slow, end - 400, 0);
    double[] union = new double[fast.length + slow.length];
    System.arraycopy(fast, 0, union, 0, fast.length);
    System.arraycopy(slow, 0, union, fast.length, slow.length);
    java.util.Arrays.sort(union);
    double exact = union[(int) Math.ceil(0.99 * union.length) - 1];

    String selector = "{tenant=\"" + tenant + "\", operation=\"\"}";
    // both services' histograms are in each store before it is asked for their p99
    awaitValue(
        prometheus,
        "histogram_count(sum(vitals_request_duration_seconds" + selector + "))",
        union.length);
    awaitValue(vm, "sum(vitals_request_duration_seconds_count" + selector + ")", union.length);
    // native: the sketch's own buckets at scale 6, so the answer is inside the exact value's bucket
    double nativeP99 =
        awaitScalar(
            prometheus,
            "histogram_quantile(0.99, sum(vitals_request_duration_seconds" + selector + "))");
    double bucket = Math.pow(2, Math.pow(2, -6)) - 1;
    System.out.printf(
        java.util.Locale.ROOT,
        "p99 exact %.5f s, Prometheus native %.5f s (%.3f %%)%n",
        exact,
        nativeP99,
        100 * (nativeP99 / exact - 1));
    assertThat(nativeP99)
        .isCloseTo(exact, org.assertj.core.data.Percentage.withPercentage(100 * bucket));
    // classic: four buckets per power of two, interpolated linearly inside the one that holds it
    double classicP99 =
        awaitScalar(
            vm,
            "histogram_quantile(0.99, sum by (le) (vitals_request_duration_seconds_bucket"
                + selector
                + "))");
    System.out.printf(
        java.util.Locale.ROOT,
        "p99 exact %.5f s, VictoriaMetrics classic %.5f s (%.3f %%)%n",
        exact,
        classicP99,
        100 * (classicP99 / exact - 1));
    assertThat(classicP99)
        .isCloseTo(
            exact, org.assertj.core.data.Percentage.withPercentage(100 * (Math.pow(2, 0.25) - 1)));
  }

  private static void awaitValue(LocalStore store, String query, double expected) {
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> awaitScalar(store, query) == expected);
  }

  /** The value of an instant query that returns one series, once the store has it. */
  private static double awaitScalar(LocalStore store, String query) {
    double[] value = new double[1];
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              JsonNode result =
                  SignalJson.MAPPER
                      .readTree(
                          store.query(
                              "/api/v1/query?query="
                                  + java.net.URLEncoder.encode(query, StandardCharsets.UTF_8)))
                      .path("data")
                      .path("result");
              assertThat(result).as(query).hasSize(1);
              value[0] = Double.parseDouble(result.get(0).path("value").get(1).asText());
              assertThat(value[0]).as(query).isFinite();
            });
    return value[0];
  }

  /** {@code n} latencies, lognormal around {@code median} seconds. */
  private static double[] lognormal(int n, double median, double sigma, long seed) {
    java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      double u1 = random.nextDouble();
      double u2 = random.nextDouble();
      double z = Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
      out[i] = median * Math.exp(sigma * z);
    }
    return out;
  }

  /** The points of the service-level series (no operation), in time order. */
  private static List<Point> serviceLevel(String store, String name) throws Exception {
    List<StoredSeries> series =
        store.equals("prometheus")
            ? StoreQueries.prometheus(prometheus, name, TENANT)
            : StoreQueries.victoriaMetrics(vm, name, TENANT);
    List<Point> out = new ArrayList<>();
    for (StoredSeries s : series) {
      if (s.labels().get("operation") == null && SERVICE.equals(s.labels().get("service"))) {
        out.addAll(s.points());
      }
    }
    out.sort(Comparator.comparingLong(Point::timestampMs));
    return out;
  }

  private static ServiceWindow awaitWindow(long endMs, int revision) {
    List<ServiceWindow> found = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(300))
        .until(
            () -> {
              found.clear();
              for (ConsumerRecord<byte[], byte[]> r :
                  TopicRecords.readToEnd(
                      kafka.bootstrapServers(), Topics.DEFAULT.serviceWindows())) {
                ServiceWindow w = SignalJson.read(r.value(), ServiceWindow.class);
                if (w.tenant().equals(TENANT)
                    && w.operation() == null
                    && w.windowEnd().toEpochMilli() == endMs
                    && w.revision() == revision) {
                  found.add(w);
                }
              }
              return !found.isEmpty();
            });
    assertThat(found).hasSize(1);
    return found.get(0);
  }

  /** {@code n} server spans of {@link #SERVICE} ending at {@code endMs}, the first few failed. */
  private static void sendSpans(int n, long endMs, int errors) throws Exception {
    double[] seconds = new double[n];
    java.util.Arrays.fill(seconds, 0.02);
    sendSpans(TENANT, SERVICE, seconds, endMs, errors);
  }

  /**
   * A server span per latency, of {@code service}, ending at {@code endMs}; the first few failed.
   */
  private static void sendSpans(
      String tenant, String service, double[] seconds, long endMs, int errors) throws Exception {
    List<Span> spans = new ArrayList<>();
    for (int i = 0; i < seconds.length; i++) {
      Span.Builder s =
          Span.newBuilder()
              .setName("GET /pay")
              .setKind(Span.SpanKind.SPAN_KIND_SERVER)
              .setTraceId(TRACE_ID)
              .setStartTimeUnixNano(endMs * 1_000_000 - Math.round(seconds[i] * 1e9))
              .setEndTimeUnixNano(endMs * 1_000_000)
              .addAttributes(OtlpResources.stringKeyValue("http.route", "/pay"));
      if (i < errors) {
        s.setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR));
      }
      spans.add(s.build());
    }
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
    ProducerRecord<byte[], byte[]> r =
        new ProducerRecord<>(
            Topics.DEFAULT.raw(Signal.TRACES),
            null,
            endMs,
            (tenant + "//" + service).getBytes(StandardCharsets.UTF_8),
            request.toByteArray());
    r.headers().add(Topics.HEADER_TENANT, tenant.getBytes(StandardCharsets.UTF_8));
    producer.send(r).get();
  }
}
