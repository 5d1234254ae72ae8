package dev.vitals.ingest;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.util.Map;

/**
 * The ingest stage: OTLP/gRPC, OTLP/HTTP and remote write in, Kafka out. Start it with {@link
 * #start}; {@link #close()} stops accepting, waits for Kafka to acknowledge what is in flight, and
 * closes the producer.
 */
public final class IngestServer implements AutoCloseable {

  /**
   * Starts both listeners.
   *
   * @param kafka producer properties (at least {@code bootstrap.servers}); the delivery settings
   *     that keep acknowledged data safe are set here and cannot be overridden
   * @param registry where the stage's metrics are registered
   */
  public static IngestServer start(
      IngestSettings settings, Map<String, Object> kafka, PrometheusRegistry registry)
      throws IOException {
    throw new UnsupportedOperationException("not yet");
  }

  /** The bound gRPC port (useful with port 0). */
  public int grpcPort() {
    throw new UnsupportedOperationException("not yet");
  }

  /** The bound HTTP port (useful with port 0). */
  public int httpPort() {
    throw new UnsupportedOperationException("not yet");
  }

  /** True once both listeners are up and Kafka answered. */
  public boolean ready() {
    return false;
  }

  @Override
  public void close() {}
}
