package dev.vitals.app.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.schemas.testing.FreePorts;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaIT {

  @TempDir Path dataDir;

  @Test
  void aRecordWrittenBeforeARestartIsReadAfterIt() throws Exception {
    int port = freePort();
    int controllerPort = freePort();
    try (EmbeddedKafka kafka = start(port, controllerPort)) {
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
        admin.createTopics(List.of(new NewTopic("kept", 1, (short) 1))).all().get();
      }
      try (KafkaProducer<String, String> producer =
          new KafkaProducer<>(
              Map.of("bootstrap.servers", kafka.bootstrapServers(), "acks", "all"),
              new StringSerializer(),
              new StringSerializer())) {
        producer.send(new ProducerRecord<>("kept", "svc", "hello")).get();
      }
      assertThat(readAll(kafka.bootstrapServers())).containsExactly("hello");
    }

    try (EmbeddedKafka again = start(port, controllerPort)) {
      assertThat(readAll(again.bootstrapServers())).containsExactly("hello");
    }
  }

  private EmbeddedKafka start(int port, int controllerPort) throws IOException {
    return EmbeddedKafka.builder()
        .setDataDir(dataDir)
        .setPort(port)
        .setControllerPort(controllerPort)
        .start();
  }

  private static List<String> readAll(String bootstrap) {
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            Map.of("bootstrap.servers", bootstrap, "auto.offset.reset", "earliest"),
            new StringDeserializer(),
            new StringDeserializer())) {
      var partition = new org.apache.kafka.common.TopicPartition("kept", 0);
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (System.nanoTime() < deadline) {
        var records = consumer.poll(Duration.ofMillis(500));
        if (!records.isEmpty()) {
          return records.records(partition).stream().map(ConsumerRecord::value).toList();
        }
      }
      return List.of();
    }
  }

  static int freePort() {
    return FreePorts.next();
  }
}
