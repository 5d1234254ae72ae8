package dev.vitals.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vitals.app.kafka.EmbeddedKafka;
import dev.vitals.ingest.IngestSettings;
import dev.vitals.ingest.IngestSettings.Limits;
import dev.vitals.ingest.IngestSettings.Listener;
import dev.vitals.ingest.IngestStage;
import dev.vitals.schemas.Signal;
import dev.vitals.schemas.Topics;
import dev.vitals.schemas.testing.FreePorts;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker goes away while OTLP clients keep sending, until every client could have been told to
 * retry: they are told to retry, never failed or left hanging, and nothing answered 200 is lost.
 */
class BrokerOutageIT {

  private static final Logger log = LoggerFactory.getLogger(BrokerOutageIT.class);
  private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(2);
  private static final int CLIENTS = 4;

  @TempDir Path dataDir;

  @Test
  @Timeout(90)
  void aBrokerOutageTurnsIntoRetriesAndLosesNothingAcknowledged() throws Exception {
    int port = freePort();
    int controllerPort = freePort();
    String topic = Topics.DEFAULT.raw(Signal.METRICS);
    EmbeddedKafka kafka = startKafka(port, controllerPort);
    createTopic(kafka.bootstrapServers(), topic);
    IngestStage ingest = startIngest(kafka.bootstrapServers());
    OtlpProbeClients clients =
        new OtlpProbeClients(ingest.httpPort(), KAFKA_TIMEOUT.plusSeconds(2));
    int retryableDuringOutage;
    try {
      clients.start(CLIENTS);
      await("acknowledged before the outage")
          .atMost(Duration.ofSeconds(5))
          .until(() -> !clients.acknowledged.isEmpty());

      int retryableBefore = retryable(clients);
      kafka.close();
      log.info("broker down after {} acknowledged", clients.acknowledged.size());
      await("429/503 answers during the outage, as many as clients")
          .atMost(Duration.ofSeconds(6))
          .until(() -> retryable(clients) - retryableBefore >= CLIENTS);
      kafka = startKafka(port, controllerPort);
      retryableDuringOutage = retryable(clients) - retryableBefore;
      int acknowledgedAtRestart = clients.acknowledged.size();
      log.info("broker up again; {} retryable answers meanwhile", retryableDuringOutage);

      await("acknowledged after the broker came back")
          .atMost(Duration.ofSeconds(7))
          .until(() -> clients.acknowledged.size() > acknowledgedAtRestart);
    } finally {
      clients.close();
      ingest.close();
    }
    try {
      Map<Integer, Integer> inKafka = OtlpProbeClients.seqsIn(kafka.bootstrapServers(), topic);
      Set<Integer> missing =
          clients.acknowledged.stream()
              .filter(seq -> !inKafka.containsKey(seq))
              .collect(Collectors.toSet());
      long duplicates = inKafka.values().stream().mapToLong(n -> n - 1).sum();
      log.info(
          "answers {}; acknowledged {}; in kafka {} distinct, {} duplicates; slowest answer {} ms",
          clients.answers,
          clients.acknowledged.size(),
          inKafka.size(),
          duplicates,
          clients.slowestAnswerMs.get());

      assertThat(retryableDuringOutage).as("429/503 answers during the outage").isPositive();
      assertThat(clients.failures).as("answers other than 200, 429, 503").isEmpty();
      assertThat(clients.answered("timeout")).as("requests left hanging").isZero();
      assertThat(clients.slowestAnswerMs.get())
          .as("slowest answer, ms")
          .isLessThanOrEqualTo(KAFKA_TIMEOUT.plusSeconds(2).toMillis());
      assertThat(missing).as("acknowledged seqs missing from Kafka").isEmpty();
    } finally {
      kafka.close();
    }
  }

  private static int retryable(OtlpProbeClients clients) {
    return clients.answered("429") + clients.answered("503");
  }

  private EmbeddedKafka startKafka(int port, int controllerPort) throws IOException {
    return EmbeddedKafka.builder()
        .setDataDir(dataDir)
        .setPort(port)
        .setControllerPort(controllerPort)
        .start();
  }

  static void createTopic(String bootstrap, String topic) throws Exception {
    try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", bootstrap))) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
    }
  }

  static IngestStage startIngest(String bootstrap) throws IOException {
    Limits limits =
        new Limits(64L << 20, 256L << 20, KAFKA_TIMEOUT, Duration.ofSeconds(1), 1_000_000);
    IngestSettings settings =
        IngestSettings.defaults()
            .withListeners(new Listener("localhost", 0), new Listener("localhost", 0))
            .withLimits(limits);
    return IngestStage.start(
        settings, Map.<String, Object>of("bootstrap.servers", bootstrap), new PrometheusRegistry());
  }

  static int freePort() {
    return FreePorts.next();
  }
}
