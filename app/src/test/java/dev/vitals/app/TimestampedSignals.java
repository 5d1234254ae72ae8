package dev.vitals.app;

import dev.vitals.schemas.signals.SignalJson;
import dev.vitals.schemas.signals.SignalSchemas;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a signal topic as a downstream consumer does (read_committed), keeping each record's Kafka
 * timestamp: the time the streams stage emitted it.
 */
final class TimestampedSignals {

  /** A record's value with its timestamp. */
  record Timestamped<T>(Instant timestamp, T value) {}

  private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

  private TimestampedSignals() {}

  /** Every committed record of {@code topic}, schema-checked ({@code schema}) and read as type. */
  static <T> List<Timestamped<T>> readAll(
      String bootstrap, String topic, String schema, Class<T> type) {
    List<Timestamped<T>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed"),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, READ_TIMEOUT).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, READ_TIMEOUT);
      long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("could not read " + topic + " to its end " + end);
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          SignalSchemas.assertValid(schema, r.value());
          out.add(
              new Timestamped<>(
                  Instant.ofEpochMilli(r.timestamp()), SignalJson.read(r.value(), type)));
        }
      }
    }
    return out;
  }
}
