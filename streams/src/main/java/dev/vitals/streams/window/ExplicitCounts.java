package dev.vitals.streams.window;

import dev.vitals.streams.sketch.LatencySketch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Explicit-bucket counts of one window, summed per bound set and interpolated into the window's
 * {@link LatencySketch} only when it is emitted: per data point the cost is an array add instead of
 * spreading every bucket over the sketch's buckets. Only points without min and max are kept here
 * (cumulative points, whose min/max are dropped): spreading the sum of their counts over a bucket
 * gives the same counts as spreading each point's, up to rounding within the bucket.
 */
final class ExplicitCounts {

  /** Bound sets kept at most; the counts of a further set go to the sketch at once. */
  static final int MAX_BOUND_SETS = 4;

  private final List<double[]> bounds = new ArrayList<>(1);
  private final List<long[]> counts = new ArrayList<>(1);

  /** Whether nothing is kept. */
  boolean isEmpty() {
    return bounds.isEmpty();
  }

  /**
   * Adds one point's counts ({@code counts.length == bounds.length + 1}, bounds in seconds); false
   * when a new bound set does not fit, and nothing was added.
   */
  boolean add(double[] pointBounds, long[] pointCounts) {
    for (int s = 0; s < bounds.size(); s++) {
      if (Arrays.equals(bounds.get(s), pointBounds)) {
        long[] sum = counts.get(s);
        for (int i = 0; i < sum.length; i++) {
          sum[i] += pointCounts[i];
        }
        return true;
      }
    }
    if (bounds.size() >= MAX_BOUND_SETS) {
      return false;
    }
    bounds.add(pointBounds);
    counts.add(pointCounts.clone());
    return true;
  }

  /** Interpolates everything kept into {@code sketch} and forgets it. */
  void drainInto(LatencySketch sketch) {
    for (int s = 0; s < bounds.size(); s++) {
      sketch.mergeExplicit(bounds.get(s), counts.get(s), Double.NaN, Double.NaN);
    }
    bounds.clear();
    counts.clear();
  }

  void writeTo(BinaryWriter out) {
    out.putVarLong(bounds.size());
    for (int s = 0; s < bounds.size(); s++) {
      double[] b = bounds.get(s);
      out.putVarLong(b.length);
      for (double v : b) {
        out.putDouble(v);
      }
      for (long c : counts.get(s)) {
        out.putVarLong(c);
      }
    }
  }

  void readFrom(BinaryReader in) {
    int sets = (int) in.getVarLong();
    for (int s = 0; s < sets; s++) {
      int n = (int) in.getVarLong();
      double[] b = new double[n];
      for (int i = 0; i < n; i++) {
        b[i] = in.getDouble();
      }
      long[] c = new long[n + 1];
      for (int i = 0; i <= n; i++) {
        c[i] = in.getVarLong();
      }
      bounds.add(b);
      counts.add(c);
    }
  }
}
