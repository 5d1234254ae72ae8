package dev.vitals.bench.faults;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads every partition of one topic from the beginning on a thread of its own, handing each record
 * to a handler; {@link #sync} waits until everything written before the call was read. A {@code
 * read_committed} tail sees only committed transactions, as any consumer of Vitals' output.
 */
final class TopicTail implements AutoCloseable {

  private final String topic;
  private final Consumer<ConsumerRecord<byte[], byte[]>> handler;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicReference<CompletableFuture<Void>> syncRequest = new AtomicReference<>();
  private final Thread thread;

  TopicTail(
      String bootstrap,
      String topic,
      boolean readCommitted,
      Consumer<ConsumerRecord<byte[], byte[]>> handler) {
    this.topic = topic;
    this.handler = handler;
    Map<String, Object> config = new HashMap<>();
    config.put("bootstrap.servers", bootstrap);
    config.put("isolation.level", readCommitted ? "read_committed" : "read_uncommitted");
    config.put("enable.auto.commit", "false");
    config.put("auto.offset.reset", "earliest");
    config.put("default.api.timeout.ms", "10000");
    this.consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> partitions =
        consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
            .map(p -> new TopicPartition(p.topic(), p.partition()))
            .toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    this.thread = new Thread(this::run, "tail-" + topic);
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    Map<TopicPartition, Long> target = null;
    CompletableFuture<Void> pending = null;
    while (running.get()) {
      try {
        if (pending == null) {
          pending = syncRequest.getAndSet(null);
          target = pending == null ? null : consumer.endOffsets(consumer.assignment());
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          handler.accept(r);
        }
        if (pending != null && reached(target)) {
          pending.complete(null);
          pending = null;
        }
      } catch (RuntimeException e) {
        // Kafka is down or moving: keep trying, as any consumer would.
        Pause.millis(500);
      }
    }
    consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
  }

  private boolean reached(Map<TopicPartition, Long> target) {
    for (Map.Entry<TopicPartition, Long> e : target.entrySet()) {
      if (consumer.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  /** Waits until every record written to the topic before this call was handled. */
  void sync(Duration timeout) throws TimeoutException {
    CompletableFuture<Void> done = new CompletableFuture<>();
    syncRequest.set(done);
    try {
      done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TimeoutException("interrupted");
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    } catch (TimeoutException e) {
      throw new TimeoutException(topic + " not read to its end within " + timeout);
    }
  }

  @Override
  public void close() {
    running.set(false);
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
