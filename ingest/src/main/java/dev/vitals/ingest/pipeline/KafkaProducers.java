package dev.vitals.ingest.pipeline;

import dev.vitals.ingest.IngestSettings.Limits;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** The producer ingest writes with, configured so that an acknowledged point is never lost. */
public final class KafkaProducers {

  private KafkaProducers() {}

  /**
   * The effective producer configuration: the caller's properties (bootstrap servers, security,
   * tuning), then the settings acknowledged delivery depends on, which always win.
   */
  public static Map<String, Object> config(Map<String, Object> kafka, Limits limits) {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.CLIENT_ID_CONFIG, "vitals-ingest");
    config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000);
    config.putAll(kafka);
    // Delivery guarantees: not overridable.
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
    config.put(ProducerConfig.RETRIES_CONFIG, Integer.MAX_VALUE);
    // A send never blocks a request longer than it may wait for Kafka at all.
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, limits.kafkaTimeout().toMillis());
    // Requests hold at most maxInFlightBytes, so the producer's buffer never blocks a send.
    config.put(ProducerConfig.BUFFER_MEMORY_CONFIG, limits.maxInFlightBytes() + (32L << 20));
    config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, limits.maxRecordBytes() + 64 * 1024);
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    return config;
  }

  public static Producer<byte[], byte[]> create(Map<String, Object> kafka, Limits limits) {
    return new KafkaProducer<>(config(kafka, limits));
  }
}
