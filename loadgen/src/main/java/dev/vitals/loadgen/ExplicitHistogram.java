package dev.vitals.loadgen;

import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Exemplar;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import java.util.Arrays;
import java.util.List;

/** An explicit-bucket histogram, buckets upper-inclusive as OTLP defines them. */
final class ExplicitHistogram implements LatencyHistogram {

  /** The HTTP semantic conventions' advised bounds for {@code http.server.request.duration}. */
  static final List<Double> ADVISED_BOUNDS =
      List.of(0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0);

  private final double[] bounds;
  private final long[] counts;
  private long count;
  private double sum;
  private double min = Double.POSITIVE_INFINITY;
  private double max = Double.NEGATIVE_INFINITY;

  ExplicitHistogram(List<Double> bounds) {
    this.bounds = bounds.stream().mapToDouble(Double::doubleValue).toArray();
    this.counts = new long[this.bounds.length + 1];
  }

  @Override
  public void record(double seconds) {
    int i = Arrays.binarySearch(bounds, seconds);
    counts[i >= 0 ? i : -i - 1]++;
    count++;
    sum += seconds;
    min = Math.min(min, seconds);
    max = Math.max(max, seconds);
  }

  @Override
  public long count() {
    return count;
  }

  @Override
  public void addPoint(
      Metric.Builder metric,
      List<KeyValue> attributes,
      long startNanos,
      long timeNanos,
      List<Exemplar> exemplars) {
    HistogramDataPoint.Builder point =
        HistogramDataPoint.newBuilder()
            .addAllAttributes(attributes)
            .setStartTimeUnixNano(startNanos)
            .setTimeUnixNano(timeNanos)
            .setCount(count)
            .setSum(sum)
            .addAllExemplars(exemplars);
    for (double b : bounds) {
      point.addExplicitBounds(b);
    }
    for (long c : counts) {
      point.addBucketCounts(c);
    }
    if (count > 0) {
      point.setMin(min).setMax(max);
    }
    metric.getHistogramBuilder().addDataPoints(point);
  }

  @Override
  public void reset() {
    Arrays.fill(counts, 0);
    count = 0;
    sum = 0;
    min = Double.POSITIVE_INFINITY;
    max = Double.NEGATIVE_INFINITY;
  }
}
