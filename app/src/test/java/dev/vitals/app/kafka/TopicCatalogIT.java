package dev.vitals.app.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vitals.schemas.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TopicCatalogIT {

  @TempDir Path dataDir;

  @Test
  void missingRawTopicsAreCreatedAndExistingOnesLeftAlone() throws Exception {
    try (EmbeddedKafka kafka =
            EmbeddedKafka.builder()
                .setDataDir(dataDir)
                .setPort(EmbeddedKafkaIT.freePort())
                .setControllerPort(EmbeddedKafkaIT.freePort())
                .start();
        Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic("t.otlp_logs", 1, (short) 1))).all().get();

      List<String> created = TopicCatalog.createRawTopics(admin, new Topics("t."), 4, 0);

      assertThat(created).containsExactlyInAnyOrder("t.otlp_metrics", "t.otlp_spans");
      Map<String, TopicDescription> topics =
          admin
              .describeTopics(List.of("t.otlp_metrics", "t.otlp_logs", "t.otlp_spans"))
              .allTopicNames()
              .get();
      assertThat(topics.get("t.otlp_metrics").partitions()).hasSize(4);
      assertThat(topics.get("t.otlp_metrics").partitions().get(0).replicas()).hasSize(1);
      assertThat(topics.get("t.otlp_logs").partitions()).hasSize(1);
      ConfigResource metrics = new ConfigResource(ConfigResource.Type.TOPIC, "t.otlp_metrics");
      assertThat(
              admin
                  .describeConfigs(List.of(metrics))
                  .all()
                  .get()
                  .get(metrics)
                  .get("min.insync.replicas")
                  .value())
          .isEqualTo("1");
      assertThat(TopicCatalog.createRawTopics(admin, new Topics("t."), 4, 0)).isEmpty();

      assertThat(TopicCatalog.partitionMismatch(admin, new Topics("t.")))
          .hasValueSatisfying(
              why ->
                  assertThat(why)
                      .contains("t.otlp_metrics=4", "t.otlp_logs=1", "t.otlp_spans=4")
                      .contains("same count"));
      admin.createPartitions(Map.of("t.otlp_logs", NewPartitions.increaseTo(4))).all().get();
      // The broker's metadata learns of the new partitions a moment after the controller.
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> assertThat(TopicCatalog.partitionMismatch(admin, new Topics("t."))).isEmpty());
    }
  }
}
