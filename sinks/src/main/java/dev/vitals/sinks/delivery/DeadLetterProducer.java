package dev.vitals.sinks.delivery;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The dead-letter topic of one sink: the original key, value and headers, plus headers saying why,
 * which sink, from where and when. Sends are confirmed by {@link #flush()} before the offsets of
 * their batch are committed, so a dead letter is never lost either.
 */
final class DeadLetterProducer implements AutoCloseable {

  static final String HEADER_REASON = "vitals.dlq.reason";
  static final String HEADER_SINK = "vitals.dlq.sink";
  static final String HEADER_SOURCE = "vitals.dlq.source";
  static final String HEADER_TIME = "vitals.dlq.time";

  /** A store's answer is kept to this many bytes. */
  static final int MAX_REASON_BYTES = 1024;

  private final KafkaProducer<byte[], byte[]> producer;
  private final String topic;
  private final String sink;
  private final Clock clock;
  private final List<Future<RecordMetadata>> pending = new ArrayList<>();

  DeadLetterProducer(Map<String, Object> kafka, String topic, String sink, Clock clock) {
    Map<String, Object> props = new HashMap<>(kafka);
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "vitals-sink-" + sink + "-dlq");
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    this.producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    this.topic = topic;
    this.sink = sink;
    this.clock = clock;
  }

  void send(ConsumerRecord<byte[], byte[]> source, String reason) {
    ProducerRecord<byte[], byte[]> out =
        new ProducerRecord<>(topic, null, source.key(), source.value());
    for (Header h : source.headers()) {
      out.headers().add(h);
    }
    out.headers()
        .add(HEADER_REASON, utf8(truncate(reason)))
        .add(HEADER_SINK, utf8(sink))
        .add(HEADER_SOURCE, utf8(source.topic() + "-" + source.partition() + "@" + source.offset()))
        .add(HEADER_TIME, utf8(clock.instant().toString()));
    pending.add(producer.send(out));
  }

  /** Waits until every dead letter sent so far is stored; throws if one could not be. */
  void flush() {
    producer.flush();
    try {
      for (Future<RecordMetadata> f : pending) {
        f.get();
      }
    } catch (ExecutionException e) {
      throw new KafkaException("dead-letter write failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaException("interrupted while writing dead letters", e);
    } finally {
      pending.clear();
    }
  }

  /** The longest prefix of {@code reason} that fits {@link #MAX_REASON_BYTES} in UTF-8. */
  static String truncate(String reason) {
    int bytes = 0;
    for (int i = 0; i < reason.length(); i++) {
      char c = reason.charAt(i);
      int n;
      if (c < 0x80) {
        n = 1;
      } else if (c < 0x800) {
        n = 2;
      } else if (Character.isHighSurrogate(c)) {
        n = 4;
      } else {
        n = 3;
      }
      if (bytes + n > MAX_REASON_BYTES) {
        return reason.substring(0, i);
      }
      bytes += n;
      if (n == 4) {
        i++;
      }
    }
    return reason;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    producer.close();
  }
}
