package dev.vitals.loadgen;

/** How the histogram's points are reported, as OTLP's aggregation temporality. */
public enum Temporality {
  /** Every point counts from the process start (the OpenTelemetry SDK's default). */
  CUMULATIVE,
  /** Every point counts one step only, and a series without requests in the step is left out. */
  DELTA
}
