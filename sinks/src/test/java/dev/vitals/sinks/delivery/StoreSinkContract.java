package dev.vitals.sinks.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vitals.schemas.Topics;
import dev.vitals.schemas.signals.Health;
import dev.vitals.schemas.signals.ServiceWindow;
import dev.vitals.schemas.signals.SignalJson;
import dev.vitals.schemas.signals.SignalSchemas;
import dev.vitals.schemas.signals.SloEvaluation;
import dev.vitals.schemas.testing.KafkaTestCluster;
import dev.vitals.sinks.SinkSettings;
import dev.vitals.sinks.SinksStage;
import dev.vitals.sinks.series.SeriesMapper;
import dev.vitals.sinks.testing.TopicRecords;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every store sink promises (docs/architecture.md, "Sinks, record by record"), run against a
 * real store by each subclass: records of the signal topics become series with their exact values
 * and labels; offsets are committed only after the store acknowledged; an outage delays but loses
 * nothing; a record the store refuses for good goes to the dead-letter topic and the next records
 * keep flowing.
 */
public abstract class StoreSinkContract {

  private static final AtomicInteger SEQ = new AtomicInteger();

  protected static KafkaTestCluster kafka;
  private static Admin admin;
  private static KafkaProducer<byte[], byte[]> producer;

  protected Topics topics;
  protected String sinkName;
  protected String tenant;
  protected Instant t;
  private SinksStage server;
  private PrometheusRegistry registry;

  /** A point of a stored series. */
  public record Point(long timestampMs, double value) {}

  /** A series as the store has it: its labels (without the name) and its distinct points. */
  public record StoredSeries(Map<String, String> labels, Set<Point> points) {}

  /** The destination of the store under test. */
  protected abstract SinkSettings.Destination destination(String name);

  /** Every series of metric {@code name} (as the sink names it) with label {@code tenant}. */
  protected abstract List<StoredSeries> find(String name, String tenant) throws Exception;

  /** Makes the store answer with 5xx or not at all. */
  protected abstract void makeStoreUnavailable() throws Exception;

  protected abstract void makeStoreAvailable() throws Exception;

  /**
   * A record the store will refuse for good (4xx), given a window of the same series it already
   * has. Stores without a natural 4xx override {@link
   * #aRecordTheStoreRefusesGoesToTheDeadLetterTopicAndTheNextRecordsKeepFlowing()}.
   */
  protected ServiceWindow refusedRecord(ServiceWindow written) {
    throw new UnsupportedOperationException();
  }

  /**
   * The points of the latency histogram's count for the series with exactly {@code labels}: the
   * classic {@code _count} series where the store gets classic buckets.
   */
  protected Set<Point> histogramCounts(Map<String, String> labels) throws Exception {
    return points(SeriesMapper.DURATION + "_count", labels);
  }

  /** Words the store's answer to the refused record contains. */
  protected String refusalReason() {
    return "";
  }

  @BeforeAll
  static void startKafka() throws Exception {
    kafka = KafkaTestCluster.start();
    admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()));
    producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", kafka.bootstrapServers(), "acks", "all"),
            new ByteArraySerializer(),
            new ByteArraySerializer());
  }

  @AfterAll
  static void stopKafka() throws Exception {
    producer.close();
    admin.close();
    kafka.close();
  }

  @BeforeEach
  void freshTopicsAndTenant() throws Exception {
    int n = SEQ.incrementAndGet();
    topics = new Topics("c" + n + "-" + UUID.randomUUID().toString().substring(0, 6) + ".");
    sinkName = "sink-" + n;
    tenant = "tenant-" + UUID.randomUUID().toString().substring(0, 8);
    t = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(5));
    List<NewTopic> create = new ArrayList<>();
    for (String topic : sourceTopics()) {
      create.add(new NewTopic(topic, 3, (short) 1));
    }
    create.add(new NewTopic(topics.deadLetter(), 1, (short) 1));
    admin.createTopics(create).all().get();
  }

  @AfterEach
  void stopSink() {
    if (server != null) {
      server.close();
    }
  }

  protected List<String> sourceTopics() {
    return List.of(topics.serviceWindows(), topics.slo(), topics.health());
  }

  protected void startSink() throws Exception {
    registry = new PrometheusRegistry();
    SinkSettings settings =
        new SinkSettings(
            List.of(destination(sinkName)),
            new SinkSettings.Delivery(Duration.ofMillis(50), Duration.ofSeconds(1)),
            topics);
    server =
        SinksStage.start(settings, Map.of("bootstrap.servers", kafka.bootstrapServers()), registry);
    await().atMost(Duration.ofSeconds(30)).until(server::ready);
  }

  protected ServiceWindow window(String service, String operation, Instant end, long requests) {
    return new ServiceWindow(
        tenant,
        "shop",
        service,
        operation,
        end.minus(Duration.ofMinutes(1)),
        end,
        0,
        requests,
        requests / 20,
        new ServiceWindow.Latency(0.05, 0.2, 0.5, 1.25, null),
        Map.of("ERROR", 3L, "INFO", 60L),
        requests,
        requests / 20,
        List.of(),
        List.of(),
        false);
  }

  /** {@code w} as revision {@code revision}, with running totals of {@code requests}. */
  protected ServiceWindow totalled(
      ServiceWindow w, int revision, Instant since, Instant sampledAt, long requests) {
    return new ServiceWindow(
            w.tenant(),
            w.namespace(),
            w.service(),
            w.operation(),
            w.windowStart(),
            w.windowEnd(),
            revision,
            w.requests(),
            w.errors(),
            w.latency(),
            w.logs(),
            w.spans(),
            w.errorSpans(),
            w.sampleErrors(),
            w.exemplarTraceIds(),
            w.silent())
        .withTotals(
            new ServiceWindow.Totals(
                since,
                sampledAt,
                requests,
                requests / 20,
                requests,
                requests / 20,
                Map.of(),
                null));
  }

  protected RecordMetadata produce(String topic, String key, Object record, String schema)
      throws Exception {
    byte[] value = SignalJson.write(record);
    SignalSchemas.assertValid(schema, value);
    return produceBytes(topic, key, value);
  }

  protected RecordMetadata produceBytes(String topic, String key, byte[] value) throws Exception {
    return producer
        .send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value))
        .get();
  }

  protected RecordMetadata produceWindow(ServiceWindow w) throws Exception {
    return produce(
        topics.serviceWindows(),
        w.tenant() + "/" + w.namespace() + "/" + w.service(),
        w,
        "service-windows.v1");
  }

  protected Map<String, String> labels(String... pairs) {
    Map<String, String> m = new HashMap<>();
    m.put("tenant", tenant);
    m.put("namespace", "shop");
    for (int i = 0; i < pairs.length; i += 2) {
      m.put(pairs[i], pairs[i + 1]);
    }
    return m;
  }

  /** The points of the one series with exactly these labels, or none. */
  protected Set<Point> points(String name, Map<String, String> labels) throws Exception {
    Set<Point> out = new LinkedHashSet<>();
    for (StoredSeries s : find(name, tenant)) {
      if (s.labels().equals(labels)) {
        out.addAll(s.points());
      }
    }
    return out;
  }

  protected void awaitPoints(String name, Map<String, String> labels, Point... expected) {
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(() -> assertThat(points(name, labels)).containsExactlyInAnyOrder(expected));
  }

  protected long committed() throws Exception {
    return TopicRecords.committed(admin, "vitals-sink-" + sinkName, sourceTopics());
  }

  protected long endOffsets() throws Exception {
    return TopicRecords.endOffsets(admin, sourceTopics());
  }

  protected void awaitEverythingCommitted() {
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(committed()).isEqualTo(endOffsets()));
  }

  protected List<ConsumerRecord<byte[], byte[]>> deadLetters() {
    return TopicRecords.readToEnd(kafka.bootstrapServers(), topics.deadLetter());
  }

  /** Write attempts the store did not acknowledge (4xx, 5xx, or no answer). */
  protected double failedWriteAttempts() {
    return metric("vitals_sink_write_attempts", "outcome", "error")
        + metric("vitals_sink_write_attempts", "outcome", "4xx")
        + metric("vitals_sink_write_attempts", "outcome", "5xx");
  }

  /**
   * The value of a counter or gauge of this sink (by its name without {@code _total}), summed over
   * the data points that have {@code label=value} (null: all).
   */
  protected double metric(String name, String label, String value) {
    double n = 0;
    for (MetricSnapshot s : registry.scrape()) {
      if (!s.getMetadata().getName().equals(name)) {
        continue;
      }
      for (DataPointSnapshot p : s.getDataPoints()) {
        boolean ours = sinkName.equals(p.getLabels().get("sink"));
        if (ours && (label == null || value.equals(p.getLabels().get(label)))) {
          n +=
              p instanceof CounterSnapshot.CounterDataPointSnapshot
                  ? ((CounterSnapshot.CounterDataPointSnapshot) p).getValue()
                  : ((GaugeSnapshot.GaugeDataPointSnapshot) p).getValue();
        }
      }
    }
    return n;
  }

  protected static Point point(Instant at, double value) {
    return new Point(at.toEpochMilli(), value);
  }

  protected static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  @Test
  void everySignalBecomesSeriesWithExactValuesAndLabelsAndOffsetsAreCommittedAfterTheWrite()
      throws Exception {
    startSink();
    String key = tenant + "/shop/checkout";
    produceWindow(window("checkout", null, t, 120));
    produceWindow(window("checkout", "GET /cart", t, 80));
    produce(
        topics.slo(),
        key + "/availability",
        new SloEvaluation(
            tenant, "shop", "checkout", "availability", 0.999, t, Map.of("1h", 2.5), 0.75),
        "slo.v1");
    produce(
        topics.health(),
        key,
        new Health(tenant, "shop", "checkout", Health.Status.DEGRADED, List.of("errors"), t, t),
        "health.v1");

    awaitPoints("vitals_window_requests", labels("service", "checkout"), point(t, 120));
    awaitPoints(
        "vitals_window_requests",
        labels("service", "checkout", "operation", "GET /cart"),
        point(t, 80));
    awaitPoints("vitals_error_ratio", labels("service", "checkout"), point(t, 0.05));
    awaitPoints("vitals_requests_per_second", labels("service", "checkout"), point(t, 2.0));
    awaitPoints(
        "vitals_latency_seconds",
        labels("service", "checkout", "operation", "GET /cart", "quantile", "0.99"),
        point(t, 0.5));
    awaitPoints(
        "vitals_slo_burn_rate",
        labels("service", "checkout", "slo", "availability", "window", "1h"),
        point(t, 2.5));
    awaitPoints(
        "vitals_slo_error_budget_remaining_ratio",
        labels("service", "checkout", "slo", "availability"),
        point(t, 0.75));
    awaitPoints(
        "vitals_health_status", labels("service", "checkout", "status", "DEGRADED"), point(t, 1));
    awaitPoints("vitals_health_status", labels("service", "checkout", "status", "OK"), point(t, 0));
    awaitEverythingCommitted();
    assertThat(deadLetters()).isEmpty();
    // the service window (18 series), the operation window (17), the SLO (3), the health (4)
    assertThat(metric("vitals_sink_samples_sent", null, null)).isEqualTo(42);
    assertThat(metric("vitals_sink_write_attempts", "outcome", "2xx")).isPositive();
    assertThat(failedWriteAttempts()).isZero();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> assertThat(metric("vitals_sink_consumer_lag_records", null, null)).isZero());
    assertThat(metric("vitals_sink_in_flight_samples", null, null)).isZero();
  }

  @Test
  void aStoreThatIsDownDelaysDeliveryButLosesNothingAndNothingIsCommittedMeanwhile()
      throws Exception {
    makeStoreUnavailable();
    try {
      startSink();
      for (int i = 4; i >= 0; i--) {
        produceWindow(window("cart", null, t.minus(Duration.ofMinutes(i)), 100 + i));
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> failedWriteAttempts() >= 3);
      assertThat(committed()).isZero();
    } finally {
      makeStoreAvailable();
    }
    Point[] expected = new Point[5];
    for (int i = 0; i < 5; i++) {
      expected[i] = point(t.minus(Duration.ofMinutes(i)), 100 + i);
    }
    awaitPoints("vitals_window_requests", labels("service", "cart"), expected);
    awaitEverythingCommitted();
    assertThat(deadLetters()).isEmpty();
    assertThat(metric("vitals_sink_samples_retried", null, null)).isPositive();
    assertThat(metric("vitals_sink_write_attempts", "outcome", "4xx")).isZero();
  }

  @Test
  protected void aRecordTheStoreRefusesGoesToTheDeadLetterTopicAndTheNextRecordsKeepFlowing()
      throws Exception {
    startSink();
    ServiceWindow good = window("payments", null, t.minus(Duration.ofMinutes(2)), 40);
    produceWindow(good);
    awaitPoints(
        "vitals_window_requests", labels("service", "payments"), point(good.windowEnd(), 40));
    ServiceWindow refused = refusedRecord(good);
    RecordMetadata refusedAt = produceWindow(refused);
    ServiceWindow next = window("payments", null, t, 42);
    produceWindow(next);

    awaitPoints(
        "vitals_window_requests",
        labels("service", "payments"),
        point(good.windowEnd(), 40),
        point(next.windowEnd(), 42));
    awaitEverythingCommitted();
    List<ConsumerRecord<byte[], byte[]>> dead = deadLetters();
    assertThat(dead).hasSize(1);
    ConsumerRecord<byte[], byte[]> letter = dead.get(0);
    assertThat(letter.value()).isEqualTo(SignalJson.write(refused));
    assertThat(new String(letter.key(), StandardCharsets.UTF_8))
        .isEqualTo(refused.tenant() + "/shop/" + refused.service());
    assertThat(header(letter, DeadLetterProducer.HEADER_REASON))
        .isNotBlank()
        .contains(refusalReason());
    assertThat(header(letter, DeadLetterProducer.HEADER_SINK)).isEqualTo(sinkName);
    assertThat(header(letter, DeadLetterProducer.HEADER_SOURCE))
        .isEqualTo(refusedAt.topic() + "-" + refusedAt.partition() + "@" + refusedAt.offset());
    assertThat(Instant.parse(header(letter, DeadLetterProducer.HEADER_TIME)))
        .isBetween(Instant.now().minusSeconds(120), Instant.now());
    assertThat(metric("vitals_sink_records_dead_lettered", null, null)).isEqualTo(1);
    assertThat(metric("vitals_sink_samples_dead_lettered", null, null))
        .isEqualTo(
            new SeriesMapper(
                    topics,
                    destination(sinkName).corrections(),
                    destination(sinkName).kind() == SinkSettings.Kind.OTLP
                        ? SinkSettings.Histograms.NATIVE
                        : destination(sinkName).histograms())
                .samples(topics.serviceWindows(), SignalJson.write(refused))
                .size());
  }

  /**
   * A late correction (revision 1 of an earlier window, after a later window) reaches the store
   * through the counters, stamped just after the newest sample, and is never dead-lettered; the
   * per-window series are written once ({@link SinkSettings.Corrections#ONCE}, the rule for every
   * store under test here).
   */
  @Test
  void aLateCorrectionRaisesTheCountersAndIsNeverDeadLettered() throws Exception {
    startSink();
    Instant since = t.minus(Duration.ofMinutes(3));
    Instant w0 = t.minus(Duration.ofMinutes(2));
    Instant w1 = t.minus(Duration.ofMinutes(1));
    Instant corrected = w1.plusMillis(1);
    produceWindow(totalled(window("late", null, w0, 40), 0, since, w0, 40));
    produceWindow(totalled(window("late", null, w1, 42), 0, since, w1, 82));
    produceWindow(totalled(window("late", null, w0, 45), 1, since, corrected, 87));
    produceWindow(totalled(window("late", null, t, 43), 0, since, t, 130));

    Map<String, String> late = labels("service", "late");
    awaitPoints(
        "vitals_requests_total",
        late,
        point(w0, 40),
        point(w1, 82),
        point(corrected, 87),
        point(t, 130));
    awaitPoints(
        "vitals_errors_total", late, point(w0, 2), point(w1, 4), point(corrected, 4), point(t, 6));
    // written once: the window keeps its first revision's value, the counters carry the rest
    awaitPoints("vitals_window_requests", late, point(w0, 40), point(w1, 42), point(t, 43));
    awaitEverythingCommitted();
    assertThat(deadLetters()).isEmpty();
    assertThat(metric("vitals_sink_records_dead_lettered", null, null)).isZero();
    assertThat(metric("vitals_sink_write_attempts", "outcome", "4xx")).isZero();
  }

  /** The latency histogram of all requests reaches the store in its form, counting only up. */
  @Test
  void theLatencyHistogramOfAllRequestsReachesTheStore() throws Exception {
    startSink();
    Instant since = t.minus(Duration.ofMinutes(2));
    Instant w0 = t.minus(Duration.ofMinutes(1));
    ServiceWindow first = totalled(window("timed", null, w0, 3), 0, since, w0, 3);
    ServiceWindow second = totalled(window("timed", null, t, 4), 0, since, t, 7);
    produceWindow(withLatency(first, List.of(1L, 0L, 2L)));
    produceWindow(withLatency(second, List.of(3L, 0L, 4L)));

    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () ->
                assertThat(histogramCounts(labels("service", "timed")))
                    .containsExactlyInAnyOrder(point(w0, 3), point(t, 7)));
    awaitEverythingCommitted();
    assertThat(deadLetters()).isEmpty();
  }

  private static ServiceWindow withLatency(ServiceWindow w, List<Long> buckets) {
    ServiceWindow.Totals t = w.totals();
    long count = buckets.stream().mapToLong(Long::longValue).sum();
    return w.withTotals(
        new ServiceWindow.Totals(
            t.since(),
            t.sampledAt(),
            t.requests(),
            t.errors(),
            t.spans(),
            t.errorSpans(),
            t.logs(),
            new ServiceWindow.Histogram(6, count, 0.1 * count, 0, -200, buckets)));
  }

  @Test
  void anUnreadableRecordGoesToTheDeadLetterTopicAndTheRestIsWritten() throws Exception {
    startSink();
    RecordMetadata bad =
        produceBytes(
            topics.serviceWindows(),
            tenant + "/shop/search",
            "{\"tenant\":".getBytes(StandardCharsets.UTF_8));
    produceWindow(window("search", null, t, 7));

    awaitPoints("vitals_window_requests", labels("service", "search"), point(t, 7));
    awaitEverythingCommitted();
    List<ConsumerRecord<byte[], byte[]>> dead = deadLetters();
    assertThat(dead).hasSize(1);
    assertThat(header(dead.get(0), DeadLetterProducer.HEADER_REASON)).contains("ServiceWindow");
    assertThat(header(dead.get(0), DeadLetterProducer.HEADER_SOURCE))
        .isEqualTo(bad.topic() + "-" + bad.partition() + "@" + bad.offset());
  }
}
