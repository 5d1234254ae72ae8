package dev.vitals.loadgen;

import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Exemplar;
import io.opentelemetry.proto.metrics.v1.Metric;
import java.util.List;

/** The latencies of one series (route and status) since its start, in seconds. */
interface LatencyHistogram {

  void record(double seconds);

  long count();

  /** Adds this histogram as a data point of {@code metric}, whose data it has already set. */
  void addPoint(
      Metric.Builder metric,
      List<KeyValue> attributes,
      long startNanos,
      long timeNanos,
      List<Exemplar> exemplars);

  /** Forgets every value (after a delta export). */
  void reset();
}
