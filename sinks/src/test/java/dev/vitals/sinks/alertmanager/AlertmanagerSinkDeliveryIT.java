package dev.vitals.sinks.alertmanager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.vitals.schemas.Topics;
import dev.vitals.schemas.signals.AlertEvent;
import dev.vitals.schemas.signals.SignalJson;
import dev.vitals.schemas.testing.KafkaTestCluster;
import dev.vitals.schemas.testing.MovableClock;
import dev.vitals.sinks.SinkSettings;
import dev.vitals.sinks.SinkSettings.Destination;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/** The sink against an in-test HTTP server: what exactly goes over the wire, and when. */
class AlertmanagerSinkDeliveryIT {

  private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");
  private static KafkaTestCluster kafka;
  private static KafkaProducer<String, byte[]> producer;

  /** One received POST. */
  record Post(String tenant, JsonNode body) {}

  private final List<Post> posts = new CopyOnWriteArrayList<>();
  private final AtomicInteger status = new AtomicInteger(200);
  private final AtomicReference<String> retryAfter = new AtomicReference<>();
  private final MovableClock clock = new MovableClock(T0);
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private HttpServer server;
  private Topics topics;

  @BeforeAll
  static void startKafka() throws Exception {
    kafka = KafkaTestCluster.start();
    producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", kafka.bootstrapServers()),
            new StringSerializer(),
            new ByteArraySerializer());
  }

  @AfterAll
  static void stopKafka() throws Exception {
    producer.close();
    kafka.close();
  }

  @BeforeEach
  void startServer(TestInfo test) throws IOException {
    topics = new Topics(test.getTestMethod().orElseThrow().getName() + ".");
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/api/v2/alerts",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          posts.add(
              new Post(
                  exchange.getRequestHeaders().getFirst("X-Scope-OrgID"),
                  SignalJson.MAPPER.readTree(body)));
          if (retryAfter.get() != null) {
            exchange.getResponseHeaders().set("Retry-After", retryAfter.get());
          }
          byte[] answer =
              (status.get() == 400 ? "\"bad alert\"" : "").getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(status.get(), answer.length == 0 ? -1 : answer.length);
          exchange.getResponseBody().write(answer);
          exchange.close();
        });
    server.start();
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  @Test
  void firingAlertIsPostedAtOnceWithEndsAtFourMinutesFromNow() throws Exception {
    AlertEvent firing = Alerts.firing("A", T0.minusSeconds(30));
    produce(firing);

    try (AlertmanagerSink sink = start(null)) {
      await().atMost(Duration.ofSeconds(30)).until(() -> posts.size() == 1);
      JsonNode alert = posts.get(0).body().get(0);
      assertThat(alert.get("labels").get("alertname").asText()).isEqualTo("A");
      assertThat(alert.get("annotations").get("summary").asText())
          .isEqualTo("checkout burns its error budget");
      assertThat(alert.get("startsAt").asText()).isEqualTo("2026-01-01T09:59:30Z");
      assertThat(alert.get("endsAt").asText()).isEqualTo("2026-01-01T10:04:00Z");
      assertThat(alert.get("generatorURL").asText())
          .isEqualTo("http://vitals.example/services/checkout");
      assertThat(sink.ready()).isTrue();
    }
  }

  @Test
  void resolvedAlertIsPostedWithItsResolutionTimeAndResentForFifteenMinutes() throws Exception {
    AlertEvent firing = Alerts.firing("A", T0.minusSeconds(300));
    try (AlertmanagerSink sink = start(null)) {
      produce(firing);
      await().atMost(Duration.ofSeconds(30)).until(() -> posts.size() == 1);
      produce(Alerts.resolved(firing, T0.minusSeconds(5)));
      await().atMost(Duration.ofSeconds(10)).until(() -> posts.size() == 2);
      assertThat(posts.get(1).body().get(0).get("endsAt").asText())
          .isEqualTo("2026-01-01T09:59:55Z");

      clock.advance(Duration.ofMinutes(1));
      await().atMost(Duration.ofSeconds(10)).until(() -> posts.size() == 3);
      assertThat(posts.get(2).body().get(0).get("endsAt").asText())
          .isEqualTo("2026-01-01T09:59:55Z");

      clock.advance(Duration.ofMinutes(15));
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  Alerts.metric(registry, "vitals_sink_alertmanager_alerts_resolved", "sink=\"am\"")
                      == 0);
      int sent = posts.size();
      clock.advance(Duration.ofMinutes(1));
      await().during(Duration.ofMillis(500)).until(() -> posts.size() == sent);
    }
  }

  @Test
  void sinkIsReadyBeforeTheAlertsTopicExistsAndSendsOnceItDoes() throws Exception {
    try (AlertmanagerSink sink = start(null)) {
      await().atMost(Duration.ofSeconds(30)).until(sink::ready);

      produce(Alerts.firing("A", T0));

      await().atMost(Duration.ofSeconds(30)).until(() -> posts.size() == 1);
    }
  }

  @Test
  void batchesCarryTheirTenantInTheTenantHeader() throws Exception {
    produce(Alerts.firing("A", T0, Map.of("tenant", "team-a")));
    produce(Alerts.firing("B", T0, Map.of("tenant", "team-b")));

    try (AlertmanagerSink sink = start("X-Scope-OrgID")) {
      await().atMost(Duration.ofSeconds(30)).until(() -> posts.size() == 2);
    }

    assertThat(posts)
        .extracting(p -> p.tenant() + "=" + p.body().get(0).get("labels").get("alertname").asText())
        .containsExactlyInAnyOrder("team-a=A", "team-b=B");
  }

  @Test
  void unavailableAlertmanagerIsRetriedAfterItsRetryAfter() throws Exception {
    status.set(503);
    retryAfter.set("1");
    produce(Alerts.firing("A", T0));

    try (AlertmanagerSink sink = start(null)) {
      await().atMost(Duration.ofSeconds(30)).until(() -> posts.size() == 1);
      status.set(200);
      await().atMost(Duration.ofSeconds(10)).until(() -> posts.size() == 2);
      assertThat(
              Alerts.metric(
                  registry,
                  "vitals_sink_alertmanager_posts_total",
                  "outcome=\"retry\",sink=\"am\""))
          .isEqualTo(1);
      assertThat(
              Alerts.metric(registry, "vitals_sink_alertmanager_alerts_sent_total", "sink=\"am\""))
          .isEqualTo(1);
    }
  }

  @Test
  void refusedBatchIsCountedAndNotRetriedBeforeTheNextResend() throws Exception {
    status.set(400);
    produce(Alerts.firing("A", T0));

    try (AlertmanagerSink sink = start(null)) {
      await().atMost(Duration.ofSeconds(30)).until(() -> posts.size() == 1);
      await().during(Duration.ofMillis(500)).until(() -> posts.size() == 1);
      assertThat(
              Alerts.metric(
                  registry,
                  "vitals_sink_alertmanager_posts_total",
                  "outcome=\"rejected\",sink=\"am\""))
          .isEqualTo(1);
      clock.advance(Duration.ofMinutes(1));
      await().atMost(Duration.ofSeconds(10)).until(() -> posts.size() == 2);
    }
  }

  private AlertmanagerSink start(String tenantHeader) throws IOException {
    URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    Destination d = Destination.of("am", SinkSettings.Kind.ALERTMANAGER, url);
    Destination destination =
        new Destination(
            d.name(),
            d.kind(),
            d.url(),
            d.headers(),
            tenantHeader,
            null,
            null,
            d.timeout(),
            1,
            2000);
    return AlertmanagerSink.builder(
            destination, topics, Map.of("bootstrap.servers", kafka.bootstrapServers()), registry)
        .clock(clock)
        .delivery(new SinkSettings.Delivery(Duration.ofMillis(50), Duration.ofSeconds(2)))
        .start();
  }

  private void produce(AlertEvent event) throws Exception {
    producer
        .send(new ProducerRecord<>(topics.alerts(), event.fingerprint(), Alerts.json(event)))
        .get();
  }
}
