package dev.vitals.streams.window;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.vitals.schemas.ServiceKey;
import dev.vitals.schemas.signals.ServiceWindow;
import dev.vitals.streams.sketch.LatencySketch;
import org.junit.jupiter.api.Test;

class WindowAccumulatorTest {

  private static final double[] BOUNDS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};
  private static final ServiceKey KEY = new ServiceKey("t", "ns", "checkout");

  @Test
  void explicitCountsKeptUntilEmittedGiveQuantilesWithinTheBucketOfInterpolatingEachPoint() {
    WindowAccumulator kept = new WindowAccumulator();
    LatencySketch eachPoint = new LatencySketch();
    for (int p = 0; p < 30; p++) {
      long[] counts = new long[BOUNDS.length + 1];
      for (int i = 0; i < counts.length; i++) {
        counts[i] = (p * 7L + i * 3L) % 11;
      }
      kept.hasMetrics = true;
      kept.metricRequests += sum(counts);
      kept.addMetricExplicit(BOUNDS.clone(), counts);
      eachPoint.mergeExplicit(BOUNDS, counts, Double.NaN, Double.NaN);
    }

    WindowAccumulator stored = WindowAccumulator.decode(kept.encode());
    ServiceWindow.Latency latency = window(stored).latency();

    assertThat(LatencySketch.fromBase64(latency.sketch()).count()).isEqualTo(eachPoint.count());
    double p50 = eachPoint.quantile(0.5);
    assertThat(latency.p50()).isCloseTo(p50, within(widthOfBucketAround(p50)));
    double p90 = eachPoint.quantile(0.9);
    assertThat(latency.p90()).isCloseTo(p90, within(widthOfBucketAround(p90)));
    double p99 = eachPoint.quantile(0.99);
    assertThat(latency.p99()).isCloseTo(p99, within(widthOfBucketAround(p99)));
  }

  @Test
  void moreBoundSetsThanKeptAreInterpolatedAtOnceAndStillCounted() {
    WindowAccumulator acc = new WindowAccumulator();
    acc.hasMetrics = true;
    for (int s = 0; s <= ExplicitCounts.MAX_BOUND_SETS; s++) {
      acc.addMetricExplicit(new double[] {0.1 * (s + 1), 1}, new long[] {1, 2, 0});
      acc.metricRequests += 3;
    }

    ServiceWindow w = window(WindowAccumulator.decode(acc.encode()));

    assertThat(w.requests()).isEqualTo(3L * (ExplicitCounts.MAX_BOUND_SETS + 1));
    assertThat(LatencySketch.fromBase64(w.latency().sketch()).count()).isEqualTo(w.requests());
  }

  @Test
  void stateWrittenInTheFirstFormatStillDecodes() {
    LatencySketch sketch = new LatencySketch();
    sketch.record(0.2, 5);
    BinaryWriter v1 = new BinaryWriter(64).putByte(1).putInt(0).putByte(2);
    v1.putVarLong(5).putVarLong(1).putBytes(sketch.toBytes());
    v1.putVarLong(0).putVarLong(0).putVarLong(0).putVarLong(0).putVarLong(0);
    for (int i = 0; i < Semconv.SEVERITIES.length; i++) {
      v1.putVarLong(0);
    }
    v1.putVarLong(0).putVarLong(0).putVarLong(0);

    WindowAccumulator acc = WindowAccumulator.decode(v1.toBytes());
    ServiceWindow w = window(acc);

    assertThat(acc.emittedRevision).isZero();
    assertThat(w.requests()).isEqualTo(5);
    assertThat(w.errors()).isEqualTo(1);
    assertThat(w.latency().p50()).isCloseTo(0.2, within(0.2 * LatencySketch.RELATIVE_ERROR));
  }

  private static ServiceWindow window(WindowAccumulator acc) {
    return acc.toServiceWindow(KEY, null, 0, 60_000, 0, acc, 5);
  }

  /** The documented error of an interpolated quantile: the width of its explicit bucket. */
  private static double widthOfBucketAround(double value) {
    double lower = 0;
    for (double b : BOUNDS) {
      if (value <= b) {
        return b - lower;
      }
      lower = b;
    }
    return 0;
  }

  private static long sum(long[] counts) {
    long n = 0;
    for (long c : counts) {
      n += c;
    }
    return n;
  }
}
