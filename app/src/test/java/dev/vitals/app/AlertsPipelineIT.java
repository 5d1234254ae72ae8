package dev.vitals.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vitals.app.kafka.TopicCatalog;
import dev.vitals.ingest.IngestSettings;
import dev.vitals.ingest.IngestStage;
import dev.vitals.loadgen.Baseline;
import dev.vitals.loadgen.Incident;
import dev.vitals.loadgen.Loadgen;
import dev.vitals.loadgen.OtlpHttpSender;
import dev.vitals.loadgen.Scenario;
import dev.vitals.schemas.Topics;
import dev.vitals.schemas.signals.AlertEvent;
import dev.vitals.schemas.testing.FreePorts;
import dev.vitals.schemas.testing.KafkaTestCluster;
import dev.vitals.streams.QuerySettings;
import dev.vitals.streams.StreamsSettings;
import dev.vitals.streams.StreamsStage;
import dev.vitals.streams.slo.SloSettings;
import dev.vitals.streams.window.WindowSettings;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole path an on-call engineer depends on, on the in-process cluster: {@code vitals loadgen}
 * (simulated time: two hours of three services replayed in seconds) → ingest over OTLP/HTTP → Kafka
 * → the streams stage → {@code vitals.alerts.v1}. An error spike on one service pages, and only
 * that service; the query API lists the alert while it fires.
 */
class AlertsPipelineIT {

  static final Duration SPIKE_AT = Duration.ofMinutes(60);
  static final Duration SPIKE_FOR = Duration.ofMinutes(15);

  static KafkaTestCluster kafka;
  static IngestStage ingest;
  static StreamsStage streams;
  static int queryPort;
  static Instant start;
  @TempDir static Path stateDir;

  @BeforeAll
  static void start() throws Exception {
    kafka = KafkaTestCluster.start();
    Topics topics = Topics.DEFAULT;
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      TopicCatalog.createRawTopics(admin, topics, 2, 1);
      TopicCatalog.createSignalTopics(admin, topics, 2, 1);
    }
    ingest =
        IngestStage.start(
            IngestSettings.defaults()
                .withListeners(
                    new IngestSettings.Listener("127.0.0.1", 0),
                    new IngestSettings.Listener("127.0.0.1", 0)),
            kafka.producerProperties(),
            new PrometheusRegistry());
    queryPort = FreePorts.next();
    streams =
        StreamsStage.start(
            new StreamsSettings(
                topics,
                "vitals-alerts-it",
                stateDir,
                1,
                0,
                1,
                WindowSettings.DEFAULTS,
                SloSettings.defaults(),
                QuerySettings.DEFAULTS.withListener("127.0.0.1", queryPort)),
            Map.of("bootstrap.servers", kafka.bootstrapServers()),
            new PrometheusRegistry());
    await().atMost(Duration.ofSeconds(90)).until(() -> ingest.ready() && streams.ready());

    Scenario scenario =
        new Scenario(
            "it",
            "shop",
            Duration.ofHours(2),
            Baseline.DEFAULT.withRate(5),
            List.of("checkout", "cart", "search"),
            List.of(Incident.errorSpike("checkout", SPIKE_AT, SPIKE_FOR, 0.25)));
    start = Instant.now().minus(Duration.ofHours(2)).truncatedTo(ChronoUnit.MINUTES);
    try (Loadgen loadgen =
        Loadgen.builder()
            .scenario(scenario)
            .seed(7)
            .startTime(start)
            .step(Duration.ofSeconds(30))
            .parallelism(4)
            .sender(
                OtlpHttpSender.builder()
                    .endpoint(URI.create("http://127.0.0.1:" + ingest.httpPort()))
                    .build())
            .build()) {
      Loadgen.Stats stats = loadgen.runUntil(start.plus(Duration.ofHours(2)));
      assertThat(stats.exportsFailed()).isZero();
    }
  }

  @AfterAll
  static void stop() throws Exception {
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
  void anErrorSpikePagesForItsServiceOnlyWithinFiveMinutesAndResolvesOnce() {
    Instant onset = start.plus(SPIKE_AT);
    List<AlertEvent> alerts = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofSeconds(2))
        .until(
            () -> {
              alerts.clear();
              alerts.addAll(readAlerts());
              return alerts.stream()
                  .anyMatch(a -> a.status() == AlertEvent.Status.resolved && isPage(a));
            });

    List<AlertEvent> pages = alerts.stream().filter(AlertsPipelineIT::isPage).toList();
    assertThat(pages).allMatch(a -> a.labels().get("service").equals("checkout"));
    assertThat(pages)
        .filteredOn(a -> a.status() == AlertEvent.Status.firing)
        .first()
        .satisfies(
            a -> {
              assertThat(a.startsAt()).isBetween(onset, onset.plus(Duration.ofMinutes(5)));
              assertThat(a.annotations()).containsKeys("summary", "description");
            });
    assertThat(pages).filteredOn(a -> a.status() == AlertEvent.Status.resolved).hasSize(1);
    assertThat(alerts)
        .as("no alert at all for the healthy services")
        .noneMatch(a -> !a.labels().get("service").equals("checkout"));
  }

  @Test
  void theQueryApiListsEveryServiceWithItsHealth() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofSeconds(2))
        .untilAsserted(
            () -> {
              HttpResponse<String> r =
                  http.send(
                      HttpRequest.newBuilder(
                              URI.create("http://127.0.0.1:" + queryPort + "/api/v1/services"))
                          .build(),
                      HttpResponse.BodyHandlers.ofString());
              assertThat(r.statusCode()).isEqualTo(200);
              assertThat(r.body()).contains("checkout", "cart", "search");
            });
  }

  private static boolean isPage(AlertEvent a) {
    return "page".equals(a.labels().get("severity"))
        && !"VitalsServiceSilent".equals(a.labels().get("alertname"));
  }

  private static List<AlertEvent> readAlerts() {
    return SignalRecords.readAll(
        kafka.bootstrapServers(), Topics.DEFAULT.alerts(), "alerts.v1", AlertEvent.class);
  }
}
