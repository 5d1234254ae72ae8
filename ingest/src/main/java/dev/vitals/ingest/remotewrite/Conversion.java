package dev.vitals.ingest.remotewrite;

import static java.util.Objects.requireNonNull;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;

/**
 * The OTLP form of one remote-write request and what did not make it.
 *
 * @param request the accepted samples as OTLP metrics
 * @param acceptedSamples samples carried by {@code request}
 * @param rejectedSamples samples left out, e.g. of series without {@code __name__}
 * @param firstError why the first rejected sample was left out; null when none was
 */
public record Conversion(
    ExportMetricsServiceRequest request,
    int acceptedSamples,
    int rejectedSamples,
    String firstError) {

  public Conversion {
    requireNonNull(request, "request");
    if (acceptedSamples < 0 || rejectedSamples < 0) {
      throw new IllegalArgumentException(
          "samples: "
              + acceptedSamples
              + " accepted, "
              + rejectedSamples
              + " rejected (expected: >= 0)");
    }
    if ((rejectedSamples > 0) != (firstError != null)) {
      throw new IllegalArgumentException(
          "firstError: " + firstError + " (expected: set exactly when samples were rejected)");
    }
  }

  /** Whether samples were rejected and none accepted: the HTTP layer answers 400. */
  public boolean allRejected() {
    return rejectedSamples > 0 && acceptedSamples == 0;
  }
}
