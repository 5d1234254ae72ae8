package dev.vitals.sinks.delivery;

import dev.vitals.sinks.metrics.SinkMetrics;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * The sink's consumer lag: over its assigned partitions, end offset minus position. Uses the lag
 * the consumer already knows from its fetches; asks the broker for end offsets (at most once a
 * second) only for partitions it has not fetched yet.
 */
final class LagGauge {

  private static final long ASK_EVERY_NANOS = Duration.ofSeconds(1).toNanos();

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final SinkMetrics.Sink metrics;
  private long lastAsked = System.nanoTime() - ASK_EVERY_NANOS;

  LagGauge(KafkaConsumer<byte[], byte[]> consumer, SinkMetrics.Sink metrics) {
    this.consumer = consumer;
    this.metrics = metrics;
  }

  void update() {
    Set<TopicPartition> assigned = consumer.assignment();
    long total = 0;
    boolean unknown = false;
    for (TopicPartition tp : assigned) {
      OptionalLong lag = consumer.currentLag(tp);
      if (lag.isPresent()) {
        total += lag.getAsLong();
      } else {
        unknown = true;
      }
    }
    if (unknown && System.nanoTime() - lastAsked >= ASK_EVERY_NANOS) {
      lastAsked = System.nanoTime();
      total = fromBroker(assigned);
    }
    metrics.lag(total);
  }

  private long fromBroker(Set<TopicPartition> assigned) {
    try {
      long total = 0;
      Map<TopicPartition, Long> ends = consumer.endOffsets(assigned, Duration.ofMillis(500));
      for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
        total += Math.max(0, e.getValue() - consumer.position(e.getKey(), Duration.ofMillis(500)));
      }
      return total;
    } catch (RuntimeException e) {
      return 0;
    }
  }
}
