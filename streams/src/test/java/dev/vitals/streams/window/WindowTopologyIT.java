package dev.vitals.streams.window;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vitals.schemas.Signal;
import dev.vitals.schemas.Topics;
import dev.vitals.schemas.signals.ServiceWindow;
import dev.vitals.schemas.signals.SignalJson;
import dev.vitals.schemas.signals.SignalSchemas;
import dev.vitals.schemas.testing.KafkaTestCluster;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The window topology on a real broker with exactly-once: raw records produced the way ingest
 * writes them come back as windows with exact counts and running totals, also across a restart that
 * loses all local state and a failover to another instance.
 *
 * <p>Each stage's records are on the broker, stamped with their event time, before an instance
 * starts: Kafka Streams then reads a task's metrics, spans and logs partitions in timestamp order.
 * Produced live, five minutes of event time arrive within milliseconds, and a task may read one
 * topic's minutes ahead of another's; its clock would then close windows before their spans arrive,
 * which is correct behaviour (a correction follows) but not what these counts test.
 */
class WindowTopologyIT {

  private static final int SERVICES = 4;
  private static final int MINUTES = 5;
  private static final WindowSettings SETTINGS =
      WindowSettings.builder().grace(Duration.ofSeconds(30)).build();

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
  void windowsOfRecordsProducedLikeIngestComeBackExact() throws Exception {
    Topics topics = createTopics("exact-");
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      produceMinutes(producer, topics, 0, MINUTES);
      produceTicks(producer, topics);
    }
    try (KafkaStreams streams = start("windows-exact", topics, stateDir.resolve("a"))) {
      assertExact(read(topics, expectedRecords()));
    }
  }

  @Test
  void aRestartWithoutLocalStateNeitherLosesNorDoubleCounts() throws Exception {
    Topics topics = createTopics("restart-");
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      produceMinutes(producer, topics, 0, 3);
      try (KafkaStreams first = start("windows-restart", topics, stateDir.resolve("a"))) {
        await().atMost(Duration.ofSeconds(30)).until(() -> read(topics, 0).size() >= 2 * SERVICES);
        // Leave the group so that the next instance need not wait out the session timeout.
        first.close(
            new KafkaStreams.CloseOptions().leaveGroup(true).timeout(Duration.ofSeconds(30)));
      }
      deleteRecursively(stateDir.resolve("a"));
      produceMinutes(producer, topics, 3, MINUTES);
      produceTicks(producer, topics);
      try (KafkaStreams second = start("windows-restart", topics, stateDir.resolve("a"))) {
        assertExact(read(topics, expectedRecords()));
      }
    }
  }

  @Test
  void aFailoverToTheOtherInstanceNeitherLosesNorDoubleCounts() throws Exception {
    Topics topics = createTopics("failover-");
    try (KafkaProducer<byte[], byte[]> producer = producer();
        KafkaStreams survivor = start("windows-failover", topics, stateDir.resolve("b"))) {
      produceMinutes(producer, topics, 0, 3);
      try (KafkaStreams first = start("windows-failover", topics, stateDir.resolve("a"))) {
        await().atMost(Duration.ofSeconds(30)).until(() -> read(topics, 0).size() >= 2 * SERVICES);
        first.close(
            new KafkaStreams.CloseOptions().leaveGroup(true).timeout(Duration.ofSeconds(30)));
      }
      produceMinutes(producer, topics, 3, MINUTES);
      produceTicks(producer, topics);
      assertExact(read(topics, expectedRecords()));
    }
  }

  private static int expectedRecords() {
    // Per service: a service and an operation window per minute, and one silent window after.
    return SERVICES * (MINUTES * 2 + 1);
  }

  /**
   * Every window has its exact counts, and its running totals are exactly the requests of its
   * service (or operation) up to and including it: a restart neither loses nor doubles them.
   */
  private void assertExact(List<ServiceWindow> windows) {
    Map<String, Integer> seen = new HashMap<>();
    for (ServiceWindow w : windows) {
      long minute = (w.windowStart().toEpochMilli() - base) / 60_000;
      int service = Integer.parseInt(w.service().substring(1));
      assertThat(w.totals().since().toEpochMilli()).as("%s", w).isEqualTo(base);
      assertThat(w.totals().requests())
          .as("%s", w)
          .isEqualTo(requestsUpTo(Math.min(minute, MINUTES - 1), service));
      if (minute >= MINUTES) {
        assertThat(w.silent()).as("%s", w).isTrue();
        continue;
      }
      assertThat(w.revision()).as("%s", w).isZero();
      assertThat(w.requests()).as("%s", w).isEqualTo(minute + 1 + service + 1);
      assertThat(w.spans()).as("%s", w).isEqualTo(1);
      seen.merge(w.service() + " " + w.operation() + " " + minute, 1, Integer::sum);
    }
    assertThat(seen).hasSize(SERVICES * MINUTES * 2);
    assertThat(seen.values()).allMatch(n -> n == 1);
  }

  /** Requests of service i in minutes 0 to m: the sum of (k + 1 + i + 1). */
  private static long requestsUpTo(long m, int i) {
    long sum = 0;
    for (long k = 0; k <= m; k++) {
      sum += k + 1 + i + 1;
    }
    return sum;
  }

  private Topics createTopics(String prefix) throws Exception {
    Topics topics = new Topics(prefix);
    List<NewTopic> list = new ArrayList<>();
    for (Signal s : Signal.values()) {
      list.add(new NewTopic(topics.raw(s), 3, (short) 1));
    }
    list.add(new NewTopic(topics.serviceWindows(), 3, (short) 1));
    list.add(new NewTopic(topics.deadLetter(), 1, (short) 1));
    kafka.createTopics(list);
    return topics;
  }

  private KafkaStreams start(String applicationId, Topics topics, Path state) {
    StreamsBuilder builder = new StreamsBuilder();
    WindowTopology.addTo(builder, topics, SETTINGS, new WindowMetrics(new PrometheusRegistry()));
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, -1);
    // Streams members do not leave the group on close: the next instance waits out the session.
    props.put(StreamsConfig.consumerPrefix("session.timeout.ms"), 6_000);
    props.put(StreamsConfig.consumerPrefix("heartbeat.interval.ms"), 1_000);
    KafkaStreams streams = new KafkaStreams(builder.build(), props);
    streams.start();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> streams.state() == KafkaStreams.State.RUNNING);
    return streams;
  }

  private static KafkaProducer<byte[], byte[]> producer() {
    Map<String, Object> props = kafka.producerProperties();
    props.put("acks", "all");
    return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /** Per service i and minute m: a delta histogram with m + 1 + i + 1 requests and one span. */
  private void produceMinutes(
      KafkaProducer<byte[], byte[]> producer, Topics topics, int from, int to) throws Exception {
    for (int m = from; m < to; m++) {
      for (int i = 0; i < SERVICES; i++) {
        String service = "s" + i;
        long t = base + m * 60_000L + 10_000;
        var metric =
            OtlpFixtures.explicit(
                false,
                t - 5_000,
                t,
                new double[] {0.1, 1},
                new long[] {m + 1, i + 1, 0},
                OtlpFixtures.str("http.route", "/r"),
                OtlpFixtures.num("http.response.status_code", 200));
        send(
            producer,
            topics,
            Signal.METRICS,
            service,
            t,
            OtlpFixtures.metrics(service, metric).toByteArray());
        send(
            producer,
            topics,
            Signal.TRACES,
            service,
            t + 1_000,
            OtlpFixtures.spans(
                    service, List.of(OtlpFixtures.serverSpan("/r", t + 1_000, 0.05, false)))
                .toByteArray());
      }
    }
    producer.flush();
  }

  /** A log record per service two windows after the data, so that every task's clock passes it. */
  private void produceTicks(KafkaProducer<byte[], byte[]> producer, Topics topics)
      throws Exception {
    for (int i = 0; i < SERVICES; i++) {
      String service = "s" + i;
      long t = base + (MINUTES + 1) * 60_000L + 40_000;
      send(
          producer,
          topics,
          Signal.LOGS,
          service,
          t,
          OtlpFixtures.logs(
                  service,
                  List.of(OtlpFixtures.log(t, SeverityNumber.SEVERITY_NUMBER_INFO, "tick")))
              .toByteArray());
    }
    producer.flush();
  }

  private static void send(
      KafkaProducer<byte[], byte[]> producer,
      Topics topics,
      Signal signal,
      String service,
      long timestampMs,
      byte[] value)
      throws Exception {
    ProducerRecord<byte[], byte[]> r =
        new ProducerRecord<>(
            topics.raw(signal),
            null,
            timestampMs,
            ("acme//" + service).getBytes(StandardCharsets.UTF_8),
            value);
    r.headers().add(Topics.HEADER_TENANT, "acme".getBytes(StandardCharsets.UTF_8));
    // Waits for the ack so that a record the producer gives up on fails the test, not its counts.
    producer.send(r).get();
  }

  private static List<ServiceWindow> read(Topics topics, int expected) {
    List<ServiceWindow> out = new ArrayList<>();
    Duration timeout = expected == 0 ? Duration.ofMillis(500) : Duration.ofSeconds(60);
    for (ConsumerRecord<byte[], byte[]> r :
        kafka.readAll(topics.serviceWindows(), expected, timeout)) {
      SignalSchemas.assertValid("service-windows.v1", r.value());
      out.add(SignalJson.read(r.value(), ServiceWindow.class));
    }
    return out;
  }

  private static void deleteRecursively(Path dir) throws Exception {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
