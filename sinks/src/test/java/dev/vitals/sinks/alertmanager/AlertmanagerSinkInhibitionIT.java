package dev.vitals.sinks.alertmanager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vitals.schemas.Topics;
import dev.vitals.schemas.signals.AlertEvent;
import dev.vitals.schemas.signals.SignalJson;
import dev.vitals.schemas.testing.AlertWebhook;
import dev.vitals.schemas.testing.KafkaTestCluster;
import dev.vitals.schemas.testing.ShippedAlertmanagerConfig;
import dev.vitals.sinks.SinkSettings;
import dev.vitals.sinks.SinkSettings.Destination;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sink in front of a real Alertmanager with the shipped inhibit rules, fed alerts that started
 * long ago all at once, as after a replay or a sink that was behind: Alertmanager sends such alerts
 * without {@code group_wait}, so only the sink's order (what mutes first) keeps the muted ones from
 * paging.
 */
class AlertmanagerSinkInhibitionIT {

  private static final Topics TOPICS = new Topics("am-inhibit-it.");

  /**
   * Forty tenants' alerts at once: Alertmanager's race is narrow, and without the sink's order a
   * run of this test sent a muted alert (tenant-15's ticket) while four tenants never did.
   */
  private static final List<String> TENANTS =
      IntStream.range(0, 40).mapToObj(i -> "tenant-" + i).toList();

  private final HttpClient http = HttpClient.newHttpClient();
  private AlertWebhook receiver;
  private KafkaTestCluster kafka;
  private AlertmanagerProcess alertmanager;

  @BeforeEach
  void start(@TempDir Path dir) throws Exception {
    receiver = AlertWebhook.start();
    alertmanager =
        AlertmanagerProcess.start(dir, ShippedAlertmanagerConfig.withWebhook(receiver.port()));
    kafka = KafkaTestCluster.start();
  }

  @AfterEach
  void stop() throws Exception {
    if (kafka != null) {
      kafka.close();
    }
    if (alertmanager != null) {
      alertmanager.close();
    }
    if (receiver != null) {
      receiver.close();
    }
  }

  @Test
  void pagesAndTicketsThatArriveWithWhatMutesThemNeverReachTheReceiver() throws Exception {
    Instant startedLongAgo = Instant.now().minus(Duration.ofMinutes(20));
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", kafka.bootstrapServers()),
            new StringSerializer(),
            new ByteArraySerializer())) {
      for (String tenant : TENANTS) {
        // payments pages on its own, checkout pages naming payments, and payments' ticket burns
        for (AlertEvent alert :
            List.of(
                alert(tenant, "checkout", "page", "downstream", startedLongAgo),
                alert(tenant, "payments", "ticket", "self", startedLongAgo),
                alert(tenant, "payments", "page", "self", startedLongAgo))) {
          producer
              .send(new ProducerRecord<>(TOPICS.alerts(), alert.fingerprint(), Alerts.json(alert)))
              .get();
        }
      }
    }

    try (AlertmanagerSink sink = sink()) {
      await().atMost(Duration.ofSeconds(30)).until(() -> notifiedAlerts().size() >= TENANTS.size());
      await("every alert in Alertmanager, the muted ones suppressed")
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .untilAsserted(
              () ->
                  assertThat(states())
                      .hasSize(3 * TENANTS.size())
                      .allSatisfy(
                          (alert, state) ->
                              assertThat(state)
                                  .as(alert)
                                  .isEqualTo(
                                      alert.endsWith("payments/page") ? "active" : "suppressed")));
      // Alertmanager flushes every group_interval (1s): a muted alert sent would be here by now.
      Thread.sleep(3_000); // deliberate: waiting for a notification that must not come
      assertThat(notifiedAlerts())
          .as("alerts sent to the receiver")
          .containsExactlyInAnyOrderElementsOf(
              TENANTS.stream().map(t -> t + "/payments/page").toList());
    }
  }

  private AlertmanagerSink sink() throws Exception {
    Destination destination =
        Destination.of("am", SinkSettings.Kind.ALERTMANAGER, alertmanager.url());
    return AlertmanagerSink.builder(
            destination,
            TOPICS,
            Map.of("bootstrap.servers", kafka.bootstrapServers()),
            new PrometheusRegistry())
        .clock(Clock.systemUTC())
        .delivery(new SinkSettings.Delivery(Duration.ofMillis(100), Duration.ofSeconds(1)))
        .resendInterval(Duration.ofMinutes(1))
        .endsAtExtension(Duration.ofMinutes(4))
        .start();
  }

  private static AlertEvent alert(
      String tenant, String service, String severity, String causeKind, Instant startsAt) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("alertname", "VitalsErrorBudgetBurn");
    labels.put("tenant", tenant);
    labels.put("service", service);
    labels.put("slo", "availability");
    labels.put("severity", severity);
    labels.put("cause", "payments");
    labels.put("cause_kind", causeKind);
    return new AlertEvent(
        tenant + "/" + service + "/" + severity,
        AlertEvent.Status.firing,
        labels,
        Map.of(
            "summary",
            service + " burns its error budget",
            "description",
            service + " fails more requests than its SLO allows"),
        startsAt,
        null,
        "http://vitals.example/services/" + service);
  }

  /** tenant/service/severity of every alert the receiver was sent. */
  private List<String> notifiedAlerts() {
    return receiver.alertLabels().stream().map(AlertmanagerSinkInhibitionIT::key).toList();
  }

  /** Alertmanager's state (active, suppressed, …) of each alert, by tenant/service/severity. */
  private Map<String, String> states() throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(alertmanager.url().resolve("/api/v2/alerts")).build(),
            HttpResponse.BodyHandlers.ofString());
    Map<String, String> states = new LinkedHashMap<>();
    for (JsonNode a : SignalJson.MAPPER.readTree(response.body())) {
      states.put(key(a.path("labels")), a.path("status").path("state").asText());
    }
    return states;
  }

  private static String key(JsonNode labels) {
    return labels.path("tenant").asText()
        + "/"
        + labels.path("service").asText()
        + "/"
        + labels.path("severity").asText();
  }
}
