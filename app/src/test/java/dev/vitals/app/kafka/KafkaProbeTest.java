package dev.vitals.app.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vitals.schemas.testing.FreePorts;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The reachable case is covered by every IT that waits for /readyz 200 (StandaloneIT, SinksIT). */
class KafkaProbeTest {

  @Test
  void aClusterNobodyAnswersForIsReportedWithTheReason() {
    int nobody = FreePorts.next();
    try (KafkaProbe probe = KafkaProbe.start(Map.of("bootstrap.servers", "127.0.0.1:" + nobody))) {
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(() -> assertThat(probe.whyNotReady()).startsWith("cannot reach Kafka: "));
    }
  }
}
