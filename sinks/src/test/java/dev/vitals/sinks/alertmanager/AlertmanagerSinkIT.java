package dev.vitals.sinks.alertmanager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vitals.schemas.Topics;
import dev.vitals.schemas.signals.AlertEvent;
import dev.vitals.schemas.signals.SignalJson;
import dev.vitals.schemas.testing.KafkaTestCluster;
import dev.vitals.sinks.SinkSettings;
import dev.vitals.sinks.SinkSettings.Destination;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sink against a real Alertmanager 0.25, on the in-process Kafka cluster. */
class AlertmanagerSinkIT {

  private static final Topics TOPICS = new Topics("am-it.");
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static KafkaTestCluster kafka;
  private static KafkaProducer<String, byte[]> producer;
  private static AlertmanagerProcess alertmanager;

  @BeforeAll
  static void start(@TempDir Path dir) throws Exception {
    alertmanager = AlertmanagerProcess.start(dir);
    kafka = KafkaTestCluster.start();
    producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", kafka.bootstrapServers()),
            new StringSerializer(),
            new ByteArraySerializer());
  }

  @AfterAll
  static void stop() throws Exception {
    if (producer != null) {
      producer.close();
      kafka.close();
    }
    if (alertmanager != null) {
      alertmanager.close();
    }
  }

  @Test
  void firingAlertIsActiveOnceWithoutDuplicatesAndResolvedEventEndsIt() throws Exception {
    PrometheusRegistry registry = new PrometheusRegistry();
    AlertEvent firing = Alerts.firing("CheckoutBurn", Instant.now().minusSeconds(60));
    try (AlertmanagerSink sink =
        sink(alertmanager, registry, Duration.ofSeconds(1), Duration.ofMinutes(4))) {
      produce(firing);

      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                List<JsonNode> alerts = alerts(alertmanager, "CheckoutBurn", false);
                assertThat(alerts).hasSize(1);
                JsonNode a = alerts.get(0);
                assertThat(a.get("labels").get("service").asText()).isEqualTo("checkout");
                assertThat(a.get("labels").get("severity").asText()).isEqualTo("page");
                assertThat(a.get("annotations").get("summary").asText())
                    .isEqualTo("checkout burns its error budget");
                assertThat(a.get("status").get("state").asText()).isEqualTo("active");
              });
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  Alerts.metric(
                          registry, "vitals_sink_alertmanager_alerts_sent_total", "sink=\"am\"")
                      >= 4);
      assertThat(alerts(alertmanager, "CheckoutBurn", false)).hasSize(1);

      produce(Alerts.resolved(firing, Instant.now()));

      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> alerts(alertmanager, "CheckoutBurn", true).isEmpty());
    }
  }

  @Test
  void restartedSinkResendsTheStillFiringAlertFromTheTopic() throws Exception {
    produce(Alerts.firing("CheckoutSlow", Instant.now()));
    Duration shortLife = Duration.ofSeconds(3);
    try (AlertmanagerSink first =
        sink(alertmanager, new PrometheusRegistry(), Duration.ofSeconds(1), shortLife)) {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> alerts(alertmanager, "CheckoutSlow", true).size() == 1);
    }
    // Nobody re-sends it: Alertmanager resolves it once the last endsAt has passed.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> alerts(alertmanager, "CheckoutSlow", true).isEmpty());

    try (AlertmanagerSink second =
        sink(alertmanager, new PrometheusRegistry(), Duration.ofSeconds(1), shortLife)) {
      await().atMost(Duration.ofSeconds(30)).until(second::ready);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> alerts(alertmanager, "CheckoutSlow", true).size() == 1);
    }
  }

  @Test
  void alertSentWhileAlertmanagerIsDownArrivesOnceItIsBack(@TempDir Path dir) throws Exception {
    try (AlertmanagerProcess own = AlertmanagerProcess.start(dir)) {
      PrometheusRegistry registry = new PrometheusRegistry();
      // A resend interval of a minute: only the retry can bring the alert within the test.
      try (AlertmanagerSink sink =
          sink(own, registry, Duration.ofMinutes(1), Duration.ofMinutes(4))) {
        await().atMost(Duration.ofSeconds(30)).until(sink::ready);
        own.stop();
        produce(Alerts.firing("CheckoutDown", Instant.now()));
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    Alerts.metric(
                            registry,
                            "vitals_sink_alertmanager_posts_total",
                            "outcome=\"error\",sink=\"am\"")
                        >= 2);

        own.start();

        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> alerts(own, "CheckoutDown", true).size() == 1);
      }
    }
  }

  private static AlertmanagerSink sink(
      AlertmanagerProcess am, PrometheusRegistry registry, Duration resend, Duration extension)
      throws IOException {
    Destination destination = Destination.of("am", SinkSettings.Kind.ALERTMANAGER, am.url());
    return AlertmanagerSink.builder(
            destination, TOPICS, Map.of("bootstrap.servers", kafka.bootstrapServers()), registry)
        .clock(Clock.systemUTC())
        .delivery(new SinkSettings.Delivery(Duration.ofMillis(100), Duration.ofSeconds(1)))
        .resendInterval(resend)
        .endsAtExtension(extension)
        .start();
  }

  private static void produce(AlertEvent event) throws Exception {
    producer
        .send(new ProducerRecord<>(TOPICS.alerts(), event.fingerprint(), Alerts.json(event)))
        .get();
  }

  /** Alertmanager's alerts with this alertname; only the active ones when {@code active}. */
  private static List<JsonNode> alerts(AlertmanagerProcess am, String alertname, boolean active)
      throws IOException, InterruptedException {
    String filter = URLEncoder.encode("alertname=\"" + alertname + "\"", StandardCharsets.UTF_8);
    URI uri =
        am.url()
            .resolve(
                "/api/v2/alerts?filter="
                    + filter
                    + (active
                        ? "&active=true&silenced=false&inhibited=false&unprocessed=false"
                        : ""));
    HttpResponse<String> response =
        HTTP.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    List<JsonNode> out = new ArrayList<>();
    Instant now = Instant.now();
    for (JsonNode a : SignalJson.MAPPER.readTree(response.body())) {
      if (!Instant.parse(a.get("endsAt").asText()).isBefore(now)) {
        out.add(a);
      }
    }
    return out;
  }
}
