package dev.vitals.loadgen;

import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Exemplar;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import java.util.Arrays;
import java.util.List;

/**
 * A base-2 exponential histogram of positive values, as the OpenTelemetry SDK keeps it: it starts
 * at a scale and halves its resolution (scale − 1) whenever its buckets would span more than {@link
 * #MAX_BUCKETS}.
 */
final class ExponentialHistogram implements LatencyHistogram {

  static final int MAX_BUCKETS = 160;

  private final int initialScale;
  private int scale;
  private int offset;
  private long[] counts = new long[0];
  private long count;
  private double sum;
  private double min = Double.POSITIVE_INFINITY;
  private double max = Double.NEGATIVE_INFINITY;

  ExponentialHistogram(int scale) {
    this.initialScale = scale;
    this.scale = scale;
  }

  @Override
  public void record(double seconds) {
    int index = index(seconds, scale);
    while (!fits(index)) {
      downscale();
      index = index(seconds, scale);
    }
    if (counts.length == 0) {
      offset = index;
      counts = new long[1];
    } else if (index < offset) {
      long[] grown = new long[counts.length + offset - index];
      System.arraycopy(counts, 0, grown, offset - index, counts.length);
      counts = grown;
      offset = index;
    } else if (index >= offset + counts.length) {
      counts = Arrays.copyOf(counts, index - offset + 1);
    }
    counts[index - offset]++;
    count++;
    sum += seconds;
    min = Math.min(min, seconds);
    max = Math.max(max, seconds);
  }

  /** The bucket of a value: index i holds (base^i, base^(i+1)], base = 2^(2^-scale). */
  static int index(double value, int scale) {
    double scaled = Math.log(value) / Math.log(2) * Math.scalb(1.0, scale);
    return (int) Math.ceil(scaled) - 1;
  }

  private boolean fits(int index) {
    if (counts.length == 0) {
      return true;
    }
    int low = Math.min(offset, index);
    int high = Math.max(offset + counts.length - 1, index);
    return high - low + 1 <= MAX_BUCKETS;
  }

  private void downscale() {
    scale--;
    if (counts.length == 0) {
      return;
    }
    int newOffset = offset >> 1;
    int newLast = (offset + counts.length - 1) >> 1;
    long[] merged = new long[newLast - newOffset + 1];
    for (int i = 0; i < counts.length; i++) {
      merged[((offset + i) >> 1) - newOffset] += counts[i];
    }
    counts = merged;
    offset = newOffset;
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
    ExponentialHistogramDataPoint.Buckets.Builder positive =
        ExponentialHistogramDataPoint.Buckets.newBuilder().setOffset(offset);
    for (long c : counts) {
      positive.addBucketCounts(c);
    }
    ExponentialHistogramDataPoint.Builder point =
        ExponentialHistogramDataPoint.newBuilder()
            .addAllAttributes(attributes)
            .setStartTimeUnixNano(startNanos)
            .setTimeUnixNano(timeNanos)
            .setCount(count)
            .setSum(sum)
            .setScale(scale)
            .setZeroCount(0)
            .setPositive(positive)
            .addAllExemplars(exemplars);
    if (count > 0) {
      point.setMin(min).setMax(max);
    }
    metric.getExponentialHistogramBuilder().addDataPoints(point);
  }

  @Override
  public void reset() {
    scale = initialScale;
    offset = 0;
    counts = new long[0];
    count = 0;
    sum = 0;
    min = Double.POSITIVE_INFINITY;
    max = Double.NEGATIVE_INFINITY;
  }
}
