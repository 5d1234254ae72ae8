package dev.vitals.sinks.delivery;

import dev.vitals.sinks.series.SeriesSample;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Writes samples to one store in its protocol. A write never throws: every failure, including a
 * timeout or a refused connection, completes the future with a {@link WriteResult}.
 */
public interface StoreWriter {

  /**
   * Sends one request.
   *
   * @param samples in order; every series' samples in timestamp order
   * @param tenant the tenant of every sample when the destination has a tenant header, else null
   */
  CompletableFuture<WriteResult> write(List<SeriesSample> samples, String tenant);
}
