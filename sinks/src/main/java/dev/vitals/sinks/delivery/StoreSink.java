package dev.vitals.sinks.delivery;

import dev.vitals.common.retry.Backoff;
import dev.vitals.schemas.Topics;
import dev.vitals.sinks.SinkSettings;
import dev.vitals.sinks.SinkSettings.Delivery;
import dev.vitals.sinks.SinkSettings.Destination;
import dev.vitals.sinks.metrics.SinkMetrics;
import dev.vitals.sinks.series.SeriesMapper;
import dev.vitals.sinks.series.SeriesSample;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sink of one store: its own consumer group ({@code vitals-sink-<name>}) on the service-window,
 * SLO and health topics, and its own thread. Each poll is mapped to samples, cut into batches,
 * written, and its offsets committed only once the store acknowledged every sample (or the record
 * went to the dead-letter topic). While a store fails, the consumer is paused, not left: only this
 * sink waits.
 */
public final class StoreSink implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(StoreSink.class);

  static final Duration POLL_TIMEOUT = Duration.ofMillis(200);
  static final int DEFAULT_MAX_POLL_RECORDS = 500;
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  private final Destination destination;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final DeadLetterProducer deadLetters;
  private final SeriesMapper mapper;
  private final ShardedSender sender;
  private final SinkMetrics.Sink metrics;
  private final List<String> sourceTopics;
  private final Thread thread;
  private final LagGauge lag;

  private volatile boolean closing;
  private volatile boolean ready;
  private boolean delivering;
  private boolean revoked;

  private StoreSink(
      Destination destination,
      Delivery delivery,
      Topics topics,
      Map<String, Object> kafka,
      StoreWriter writer,
      SinkMetrics metrics,
      Clock clock) {
    this.destination = destination;
    this.metrics = metrics.forSink(destination.name());
    this.consumer =
        new KafkaConsumer<>(
            consumerProps(kafka, destination.name()),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer());
    this.deadLetters =
        new DeadLetterProducer(kafka, topics.deadLetter(), destination.name(), clock);
    this.mapper =
        new SeriesMapper(
            topics,
            destination.corrections(),
            destination.kind() == SinkSettings.Kind.OTLP
                ? SinkSettings.Histograms.NATIVE
                : destination.histograms());
    this.sender =
        new ShardedSender(
            destination.name(),
            writer,
            Backoff.of(delivery.minBackoff(), delivery.maxBackoff()),
            this.metrics,
            destination.shards(),
            destination.maxBatchSamples(),
            this::awaitKeepingMembership);
    this.sourceTopics =
        List.of(topics.serviceWindows(), topics.slo(), topics.health(), topics.edges());
    this.lag = new LagGauge(consumer, this.metrics);
    this.thread = new Thread(this::run, "vitals-sink-" + destination.name());
  }

  /** Starts the sink's thread; it joins its group and writes until {@link #close()}. */
  public static StoreSink start(
      Destination destination,
      Delivery delivery,
      Topics topics,
      Map<String, Object> kafka,
      StoreWriter writer,
      SinkMetrics metrics,
      Clock clock) {
    StoreSink sink = new StoreSink(destination, delivery, topics, kafka, writer, metrics, clock);
    sink.thread.start();
    return sink;
  }

  static Map<String, Object> consumerProps(Map<String, Object> kafka, String name) {
    Map<String, Object> props = new HashMap<>(kafka);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "vitals-sink-" + name);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "vitals-sink-" + name);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, DEFAULT_MAX_POLL_RECORDS);
    return props;
  }

  /** True once the consumer has joined its group and got its partitions. */
  public boolean ready() {
    return ready && thread.isAlive();
  }

  private void run() {
    try {
      consumer.subscribe(sourceTopics, new Rebalance());
      while (!closing) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL_TIMEOUT);
        lag.update();
        if (!records.isEmpty()) {
          process(records);
        }
      }
    } catch (RuntimeException | Error e) {
      log.error("sink {} stopped: {}", destination.name(), e.toString(), e);
    } finally {
      closeQuietly();
    }
  }

  private void process(ConsumerRecords<byte[], byte[]> records) {
    long start = System.nanoTime();
    Map<TopicPartition, Long> first = firstOffsets(records);
    delivering = true;
    revoked = false;
    consumer.pause(consumer.assignment());
    try {
      if (deliver(records) && !revoked) {
        deadLetters.flush();
        consumer.commitSync(nextOffsets(records));
        metrics.batchSeconds((System.nanoTime() - start) / 1e9);
      } else {
        rewind(first);
      }
    } catch (RuntimeException e) {
      log.warn(
          "sink {}: batch abandoned, will be read again: {}", destination.name(), e.toString());
      rewind(first);
    } finally {
      delivering = false;
      metrics.inFlight(0);
      consumer.resume(consumer.assignment());
    }
  }

  /** Writes every record of the poll; false when the poll was abandoned. */
  private boolean deliver(ConsumerRecords<byte[], byte[]> records) {
    List<Entry> entries = new ArrayList<>(records.count());
    long samples = 0;
    for (ConsumerRecord<byte[], byte[]> record : records) {
      Entry entry = map(record);
      if (entry != null) {
        entries.add(entry);
        samples += entry.samples().size();
      }
    }
    metrics.inFlight(samples);
    for (List<Entry> batch : batches(entries)) {
      if (!deliverBatch(batch)) {
        return false;
      }
    }
    return true;
  }

  private Entry map(ConsumerRecord<byte[], byte[]> record) {
    if (record.value() == null) {
      return null; // a tombstone of the compacted health topic: nothing to export
    }
    try {
      return new Entry(record, mapper.samples(record.topic(), record.value()));
    } catch (RuntimeException e) {
      deadLetter(record, e.getMessage() == null ? e.toString() : e.getMessage(), 0);
      return null;
    }
  }

  private boolean deliverBatch(List<Entry> batch) {
    String tenant = tenantOf(batch.get(0));
    List<SeriesSample> samples = new ArrayList<>();
    batch.forEach(e -> samples.addAll(e.samples()));
    ShardedSender.Result result = sender.sendSharded(samples, tenant);
    if (result.status() == ShardedSender.Status.REJECTED) {
      log.warn(
          "sink {}: store refused a batch of {} records, sending them one by one: {}",
          destination.name(),
          batch.size(),
          DeadLetterProducer.truncate(result.reason()));
      return isolateRefused(batch, tenant);
    }
    return result.status() == ShardedSender.Status.ACCEPTED;
  }

  /** Re-sends a refused batch record by record, so that only the refused ones are dead-lettered. */
  private boolean isolateRefused(List<Entry> batch, String tenant) {
    for (Entry entry : batch) {
      ShardedSender.Result result = sender.sendInOrder(entry.samples(), tenant);
      if (result.status() == ShardedSender.Status.ABANDONED) {
        return false;
      }
      if (result.status() == ShardedSender.Status.REJECTED) {
        deadLetter(entry.record(), result.reason(), entry.samples().size());
      }
    }
    return true;
  }

  private void deadLetter(ConsumerRecord<byte[], byte[]> record, String reason, int samples) {
    deadLetters.send(record, reason);
    metrics.deadLettered(1, samples);
  }

  private String tenantOf(Entry entry) {
    if (destination.tenantHeader() == null || entry.samples().isEmpty()) {
      return null;
    }
    return entry.samples().get(0).tenant();
  }

  /** Batches of at most maxBatchSamples samples, one tenant each when there is a tenant header. */
  private List<List<Entry>> batches(List<Entry> entries) {
    Map<String, List<Entry>> byTenant = new LinkedHashMap<>();
    for (Entry e : entries) {
      if (!e.samples().isEmpty()) {
        String tenant = tenantOf(e);
        byTenant.computeIfAbsent(tenant == null ? "" : tenant, t -> new ArrayList<>()).add(e);
      }
    }
    List<List<Entry>> out = new ArrayList<>();
    for (List<Entry> group : byTenant.values()) {
      List<Entry> current = new ArrayList<>();
      int size = 0;
      for (Entry e : group) {
        if (!current.isEmpty() && size + e.samples().size() > destination.maxBatchSamples()) {
          out.add(current);
          current = new ArrayList<>();
          size = 0;
        }
        current.add(e);
        size += e.samples().size();
      }
      if (!current.isEmpty()) {
        out.add(current);
      }
    }
    return out;
  }

  /**
   * Waits before a retry while keeping the group membership: the consumer is paused, so polling
   * returns nothing but heartbeats and takes part in rebalances.
   */
  private boolean awaitKeepingMembership(Duration delay) {
    long until = System.nanoTime() + delay.toNanos();
    while (!closing && !revoked) {
      ConsumerRecords<byte[], byte[]> unexpected = consumer.poll(Duration.ZERO);
      if (!unexpected.isEmpty()) {
        rewind(firstOffsets(unexpected));
      }
      long left = until - System.nanoTime();
      if (left <= 0) {
        break;
      }
      try {
        Thread.sleep(Math.max(1, Math.min(Duration.ofNanos(left).toMillis(), 50)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        closing = true;
      }
    }
    return !closing && !revoked;
  }

  private static Map<TopicPartition, Long> firstOffsets(ConsumerRecords<byte[], byte[]> records) {
    Map<TopicPartition, Long> first = new HashMap<>();
    for (TopicPartition tp : records.partitions()) {
      first.put(tp, records.records(tp).get(0).offset());
    }
    return first;
  }

  private static Map<TopicPartition, OffsetAndMetadata> nextOffsets(
      ConsumerRecords<byte[], byte[]> records) {
    Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
    for (TopicPartition tp : records.partitions()) {
      List<ConsumerRecord<byte[], byte[]>> list = records.records(tp);
      next.put(tp, new OffsetAndMetadata(list.get(list.size() - 1).offset() + 1));
    }
    return next;
  }

  /** Puts the partitions still ours back to where the abandoned poll started: it is read again. */
  private void rewind(Map<TopicPartition, Long> first) {
    var assigned = consumer.assignment();
    first.forEach(
        (tp, offset) -> {
          if (assigned.contains(tp)) {
            consumer.seek(tp, offset);
          }
        });
  }

  /** Asks the sink to stop, without waiting: lets several sinks wind down together. */
  public void stop() {
    closing = true;
  }

  /** Stops after the batch in flight is written, or abandons it if the store is failing. */
  @Override
  public void close() {
    closing = true;
    if (Thread.currentThread() != thread) {
      try {
        thread.join(CLOSE_TIMEOUT.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void closeQuietly() {
    try {
      consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
    } catch (RuntimeException e) {
      log.debug("sink {}: closing consumer: {}", destination.name(), e.toString());
    }
    try {
      deadLetters.close();
    } catch (RuntimeException e) {
      log.debug("sink {}: closing dead-letter producer: {}", destination.name(), e.toString());
    }
    ready = false;
  }

  /** One source record and its samples. */
  private record Entry(ConsumerRecord<byte[], byte[]> record, List<SeriesSample> samples) {}

  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      if (delivering && !partitions.isEmpty()) {
        revoked = true;
      }
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      onPartitionsRevoked(partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      ready = true;
      if (delivering) {
        consumer.pause(partitions);
      }
    }
  }
}
