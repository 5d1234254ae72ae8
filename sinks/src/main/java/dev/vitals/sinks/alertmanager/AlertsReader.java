package dev.vitals.sinks.alertmanager;

import dev.vitals.schemas.signals.AlertEvent;
import dev.vitals.schemas.signals.SignalJson;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the whole alerts topic into the {@link AlertState}: every partition assigned, from the
 * beginning, without a consumer group. Ready once it has reached the end offsets it saw at start.
 */
final class AlertsReader implements Runnable {

  private static final Logger log = LoggerFactory.getLogger(AlertsReader.class);
  private static final Duration POLL = Duration.ofMillis(200);
  private static final Duration TOPIC_WAIT = Duration.ofSeconds(1);

  private final String sink;
  private final String topic;
  private final KafkaConsumer<String, byte[]> consumer;
  private final AlertState state;
  private final Clock clock;
  private final AlertmanagerMetrics metrics;
  private final Runnable onChange;
  private final Throttled invalidLog = new Throttled(Duration.ofSeconds(30));
  private Map<TopicPartition, Long> endAtStart;
  private volatile boolean caughtUp;
  private volatile boolean waitingForTopic;
  private volatile boolean running = true;

  AlertsReader(
      String sink,
      String topic,
      Map<String, Object> kafka,
      AlertState state,
      Clock clock,
      AlertmanagerMetrics metrics,
      Runnable onChange) {
    this.sink = sink;
    this.topic = topic;
    this.state = state;
    this.clock = clock;
    this.metrics = metrics;
    this.onChange = onChange;
    this.consumer =
        new KafkaConsumer<>(
            consumerProps(sink, kafka), new StringDeserializer(), new ByteArrayDeserializer());
  }

  static Map<String, Object> consumerProps(String sink, Map<String, Object> kafka) {
    Map<String, Object> props = new HashMap<>(kafka);
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "vitals-sink-" + sink);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    return props;
  }

  /** True once the state holds everything the topic held when the reader started. */
  boolean caughtUp() {
    return caughtUp;
  }

  /** Caught up, or the topic does not exist yet: there is nothing to replay. */
  boolean ready() {
    return caughtUp || waitingForTopic;
  }

  @Override
  public void run() {
    try {
      if (!assignAll()) {
        return;
      }
      while (running) {
        apply(consumer.poll(POLL));
        if (!caughtUp && reachedEnd()) {
          caughtUp = true;
          log.info(
              "alerts replayed sink={} topic={} alerts={}",
              sink,
              topic,
              state.firing() + state.resolved());
          onChange.run();
        }
      }
    } catch (WakeupException e) {
      if (running) {
        throw e;
      }
    } catch (RuntimeException e) {
      log.error("alerts reader stopped sink={} topic={}", sink, topic, e);
    } finally {
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    }
  }

  /** Assigns every partition from its beginning; waits for the topic to exist. */
  private boolean assignAll() {
    while (running) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(10));
      if (infos != null && !infos.isEmpty()) {
        List<TopicPartition> partitions =
            infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        endAtStart = consumer.endOffsets(partitions);
        waitingForTopic = false;
        return true;
      }
      if (!waitingForTopic) {
        log.info("waiting for topic sink={} topic={}", sink, topic);
      }
      waitingForTopic = true;
      sleep(TOPIC_WAIT);
    }
    return false;
  }

  private boolean reachedEnd() {
    for (Map.Entry<TopicPartition, Long> e : endAtStart.entrySet()) {
      if (consumer.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  private void apply(ConsumerRecords<String, byte[]> records) {
    if (records.isEmpty()) {
      return;
    }
    for (ConsumerRecord<String, byte[]> r : records) {
      apply(r);
    }
    if (caughtUp) {
      onChange.run();
    }
  }

  private void apply(ConsumerRecord<String, byte[]> r) {
    if (r.value() == null) {
      if (r.key() != null) {
        state.apply(r.key(), null, clock.instant());
      }
      return;
    }
    try {
      AlertEvent event = SignalJson.read(r.value(), AlertEvent.class);
      state.apply(event.fingerprint(), event, clock.instant());
    } catch (SerializationException e) {
      metrics.invalidRecords.labelValues(sink).inc();
      if (invalidLog.allow()) {
        log.warn(
            "invalid alert record skipped sink={} partition={} offset={} error={}",
            sink,
            r.partition(),
            r.offset(),
            e.getMessage());
      }
    }
  }

  private void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  void stop() {
    running = false;
    consumer.wakeup();
  }
}
