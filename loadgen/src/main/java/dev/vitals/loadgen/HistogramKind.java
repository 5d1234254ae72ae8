package dev.vitals.loadgen;

/** Which OTLP histogram carries {@code http.server.request.duration}. */
public enum HistogramKind {
  /** Explicit buckets at the HTTP semantic conventions' advised bounds. */
  EXPLICIT,
  /** A base-2 exponential histogram (scale set on the builder, lowered to fit 160 buckets). */
  EXPONENTIAL
}
