package dev.vitals.sinks.remotewrite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vitals.schemas.Topics;
import dev.vitals.schemas.signals.ServiceWindow;
import dev.vitals.schemas.signals.SignalJson;
import dev.vitals.schemas.signals.SignalSchemas;
import dev.vitals.schemas.testing.KafkaTestCluster;
import dev.vitals.sinks.SinkSettings;
import dev.vitals.sinks.SinksStage;
import dev.vitals.sinks.delivery.StoreSinkContract.Point;
import dev.vitals.sinks.delivery.StoreSinkContract.StoredSeries;
import dev.vitals.sinks.testing.LocalStore;
import dev.vitals.sinks.testing.StoreQueries;
import dev.vitals.sinks.testing.TopicRecords;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prometheus goes away for 60 seconds while one service keeps reporting a window a second; when it
 * is back, every window is there, in order, and nothing was refused or dead-lettered.
 */
class PrometheusOutageIT {

  private static final int WINDOWS = 80;
  private static final int STOP_AT = 10;
  private static final Duration OUTAGE = Duration.ofSeconds(60);

  @TempDir Path dir;

  @Test
  void aMinuteLongPrometheusOutageLeavesNoGapAndNoRejection() throws Exception {
    Topics topics = new Topics("outage.");
    Instant base = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(3));
    String tenant = "tenant-outage";
    try (LocalStore prometheus = LocalStore.prometheus(dir);
        KafkaTestCluster kafka = KafkaTestCluster.start();
        Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()));
        KafkaProducer<byte[], byte[]> producer =
            new KafkaProducer<>(
                Map.of("bootstrap.servers", kafka.bootstrapServers(), "acks", "all"),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
      List<String> sources = List.of(topics.serviceWindows(), topics.slo(), topics.health());
      kafka.createTopics(
          List.of(
              new NewTopic(sources.get(0), 3, (short) 1),
              new NewTopic(sources.get(1), 3, (short) 1),
              new NewTopic(sources.get(2), 3, (short) 1),
              new NewTopic(topics.deadLetter(), 1, (short) 1)));
      PrometheusRegistry registry = new PrometheusRegistry();
      SinkSettings settings =
          new SinkSettings(
              List.of(
                  SinkSettings.Destination.of(
                      "prom", SinkSettings.Kind.REMOTE_WRITE, prometheus.url("/api/v1/write"))),
              new SinkSettings.Delivery(Duration.ofMillis(100), Duration.ofSeconds(5)),
              topics);
      AtomicInteger produced = new AtomicInteger();
      ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
      try (SinksStage server =
          SinksStage.start(
              settings, Map.of("bootstrap.servers", kafka.bootstrapServers()), registry)) {
        await().atMost(Duration.ofSeconds(30)).until(server::ready);
        clock.scheduleAtFixedRate(
            () -> {
              int i = produced.get();
              if (i < WINDOWS) {
                byte[] value = SignalJson.write(window(tenant, base, i));
                SignalSchemas.assertValid("service-windows.v1", value);
                producer.send(
                    new ProducerRecord<>(
                        topics.serviceWindows(),
                        (tenant + "/shop/api").getBytes(StandardCharsets.UTF_8),
                        value));
                produced.incrementAndGet();
              }
            },
            0,
            1,
            TimeUnit.SECONDS);

        await().atMost(Duration.ofSeconds(30)).until(() -> produced.get() >= STOP_AT);
        prometheus.stop();
        int stoppedAt = produced.get();
        await()
            .pollDelay(OUTAGE)
            .atMost(OUTAGE.plusSeconds(10))
            .until(() -> produced.get() >= stoppedAt + OUTAGE.toSeconds() - 1);
        prometheus.start();

        Set<Point> expected = new HashSet<>();
        for (int i = 0; i < WINDOWS; i++) {
          expected.add(new Point(base.plusSeconds(i + 1).toEpochMilli(), 100 + i));
        }
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofSeconds(1))
            .untilAsserted(
                () ->
                    assertThat(points(prometheus, tenant))
                        .containsExactlyInAnyOrderElementsOf(expected));
        await()
            .atMost(Duration.ofSeconds(30))
            .untilAsserted(
                () ->
                    assertThat(TopicRecords.committed(admin, "vitals-sink-prom", sources))
                        .isEqualTo(TopicRecords.endOffsets(admin, sources)));
        assertThat(attempts(registry, "4xx")).isZero();
        assertThat(attempts(registry, "error") + attempts(registry, "5xx")).isPositive();
      } finally {
        clock.shutdownNow();
      }
      assertThat(TopicRecords.readToEnd(kafka.bootstrapServers(), topics.deadLetter())).isEmpty();
    }
  }

  /** Window i of one service: one second long, ending at base + i + 1 s, with 100 + i requests. */
  private static ServiceWindow window(String tenant, Instant base, int i) {
    return new ServiceWindow(
        tenant,
        "shop",
        "api",
        null,
        base.plusSeconds(i),
        base.plusSeconds(i + 1),
        0,
        100 + i,
        i % 7,
        new ServiceWindow.Latency(0.01, 0.02, 0.05, 0.1, null),
        Map.of("INFO", 10L),
        100 + i,
        0,
        List.of(),
        List.of(),
        false);
  }

  private static Set<Point> points(LocalStore prometheus, String tenant) throws Exception {
    Set<Point> out = new HashSet<>();
    for (StoredSeries s : StoreQueries.prometheus(prometheus, "vitals_window_requests", tenant)) {
      out.addAll(s.points());
    }
    return out;
  }

  private static double attempts(PrometheusRegistry registry, String outcome) {
    double n = 0;
    for (MetricSnapshot s : registry.scrape()) {
      if (s instanceof CounterSnapshot
          && s.getMetadata().getName().equals("vitals_sink_write_attempts")) {
        for (CounterSnapshot.CounterDataPointSnapshot p : ((CounterSnapshot) s).getDataPoints()) {
          if (outcome.equals(p.getLabels().get("outcome"))) {
            n += p.getValue();
          }
        }
      }
    }
    return n;
  }
}
