package dev.vitals.app;

import static dev.vitals.app.BrokerOutageIT.createTopic;
import static dev.vitals.app.BrokerOutageIT.freePort;
import static dev.vitals.app.BrokerOutageIT.startIngest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vitals.app.kafka.EmbeddedKafka;
import dev.vitals.ingest.IngestStage;
import dev.vitals.schemas.Signal;
import dev.vitals.schemas.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Closing ingest under load: whatever was answered 200, before or while closing, is in Kafka. */
class GracefulShutdownIT {

  private static final Logger log = LoggerFactory.getLogger(GracefulShutdownIT.class);

  private static final int CLIENTS = 8;

  @TempDir Path dataDir;

  @Test
  @Timeout(90)
  void everyPointAnsweredBeforeOrWhileClosingIsInKafka() throws Exception {
    String topic = Topics.DEFAULT.raw(Signal.METRICS);
    try (EmbeddedKafka kafka =
        EmbeddedKafka.builder()
            .setDataDir(dataDir)
            .setPort(freePort())
            .setControllerPort(freePort())
            .start()) {
      createTopic(kafka.bootstrapServers(), topic);
      IngestStage ingest = startIngest(kafka.bootstrapServers());
      OtlpProbeClients clients = new OtlpProbeClients(ingest.httpPort(), Duration.ofSeconds(4));
      int acknowledgedBeforeClose;
      long closeMs;
      try {
        clients.start(CLIENTS);
        // close while every client is sending, answered and in flight
        await("acknowledged before close")
            .atMost(Duration.ofSeconds(4))
            .until(() -> clients.acknowledged.size() >= CLIENTS);
        acknowledgedBeforeClose = clients.acknowledged.size();
        long started = System.nanoTime();
        ingest.close();
        closeMs = Duration.ofNanos(System.nanoTime() - started).toMillis();
      } finally {
        clients.close();
        ingest.close();
      }

      Map<Integer, Integer> inKafka = OtlpProbeClients.seqsIn(kafka.bootstrapServers(), topic);
      Set<Integer> missing =
          clients.acknowledged.stream()
              .filter(seq -> !inKafka.containsKey(seq))
              .collect(Collectors.toSet());
      log.info(
          "answers {}; acknowledged {} ({} before close, close took {} ms); in kafka {} distinct",
          clients.answers,
          clients.acknowledged.size(),
          acknowledgedBeforeClose,
          closeMs,
          inKafka.size());

      assertThat(acknowledgedBeforeClose).as("acknowledged before close").isPositive();
      assertThat(clients.failures).as("answers other than 200, 429, 503").isEmpty();
      assertThat(missing).as("acknowledged seqs missing from Kafka").isEmpty();
    }
  }
}
