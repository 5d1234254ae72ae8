package dev.vitals.ingest.pipeline;

/**
 * How an export ended, for the transport to answer with: accepted (perhaps partly), malformed, or
 * unavailable (retryable).
 */
public sealed interface ExportOutcome {

  /** Why a failed outcome failed, as the {@code reason} metric label; null when accepted. */
  static dev.vitals.ingest.metrics.IngestMetrics.Reason reason(ExportOutcome outcome) {
    if (outcome instanceof Malformed) {
      return dev.vitals.ingest.metrics.IngestMetrics.Reason.MALFORMED;
    }
    if (outcome instanceof TooLarge) {
      return dev.vitals.ingest.metrics.IngestMetrics.Reason.TOO_LARGE;
    }
    if (outcome instanceof Throttled) {
      return dev.vitals.ingest.metrics.IngestMetrics.Reason.THROTTLED;
    }
    if (outcome instanceof Unavailable) {
      return dev.vitals.ingest.metrics.IngestMetrics.Reason.KAFKA_UNAVAILABLE;
    }
    return null;
  }

  /**
   * Kafka acknowledged every record made from the request.
   *
   * @param items data points, log records or spans written
   * @param rejectedItems items left out (each alone over the record size limit)
   * @param message why items were left out, or empty
   */
  record Accepted(long items, long rejectedItems, String message) implements ExportOutcome {}

  /** The body does not parse; retrying cannot help. */
  record Malformed(String message) implements ExportOutcome {}

  /** The body is over the size limit once decompressed; retrying cannot help. */
  record TooLarge(String message) implements ExportOutcome {}

  /** The in-flight bound was reached: slow down and retry. */
  record Throttled(String message) implements ExportOutcome {}

  /** Kafka did not acknowledge in time, or the stage is shutting down: retry later. */
  record Unavailable(String message) implements ExportOutcome {}
}
