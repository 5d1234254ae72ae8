package dev.vitals.streams.window;

import java.util.Arrays;

/**
 * The bucket counts of one histogram data point, explicit or exponential (positive range only:
 * latencies are never negative). Cumulative points are turned into deltas by {@link #minus}.
 */
interface HistogramBuckets {

  /**
   * Buckets a point may have at most (explicit: bounds + 1; exponential: positive buckets). A point
   * with more is dropped: its counts, kept per series and per window, would make a state entry pass
   * the producer's record size and fail the stream thread on every retry. Classic histograms have
   * tens of buckets, the OpenTelemetry SDK's exponential histograms at most 160.
   */
  int MAX_BUCKETS = 4096;

  long count();

  /** The number of bucket counts. */
  int buckets();

  /**
   * This point minus an earlier point of the same cumulative stream, or null when that is not a
   * difference (other bounds, or a count that went down: a reset).
   */
  HistogramBuckets minus(HistogramBuckets earlier);

  void writeTo(BinaryWriter out);

  static HistogramBuckets readFrom(BinaryReader in) {
    return in.getByte() == Explicit.TAG ? Explicit.read(in) : Exponential.read(in);
  }

  /** Explicit bounds: {@code counts.length == bounds.length + 1}. */
  // The bucket arrays of one data point, read in place; never compared or hashed.
  @SuppressWarnings("ArrayRecordComponent")
  record Explicit(double[] bounds, long[] counts) implements HistogramBuckets {
    static final int TAG = 1;

    public Explicit {
      if (counts.length != bounds.length + 1) {
        throw new IllegalArgumentException(
            "bucket counts: "
                + counts.length
                + " (expected: bounds + 1 = "
                + (bounds.length + 1)
                + ")");
      }
    }

    @Override
    public long count() {
      long n = 0;
      for (long c : counts) {
        n += c;
      }
      return n;
    }

    @Override
    public int buckets() {
      return counts.length;
    }

    @Override
    public HistogramBuckets minus(HistogramBuckets earlier) {
      if (!(earlier instanceof Explicit) || !Arrays.equals(bounds, ((Explicit) earlier).bounds)) {
        return null;
      }
      long[] prev = ((Explicit) earlier).counts;
      long[] diff = new long[counts.length];
      for (int i = 0; i < counts.length; i++) {
        diff[i] = counts[i] - prev[i];
        if (diff[i] < 0) {
          return null;
        }
      }
      return new Explicit(bounds, diff);
    }

    @Override
    public void writeTo(BinaryWriter out) {
      out.putByte(TAG).putVarLong(bounds.length);
      for (double b : bounds) {
        out.putDouble(b);
      }
      for (long c : counts) {
        out.putVarLong(c);
      }
    }

    static Explicit read(BinaryReader in) {
      int n = (int) in.getVarLong();
      double[] bounds = new double[n];
      for (int i = 0; i < n; i++) {
        bounds[i] = in.getDouble();
      }
      long[] counts = new long[n + 1];
      for (int i = 0; i <= n; i++) {
        counts[i] = in.getVarLong();
      }
      return new Explicit(bounds, counts);
    }
  }

  /**
   * Exponential buckets: element k of {@code counts} is index {@code offset + k} at {@code scale}.
   */
  // The bucket arrays of one data point, read in place; never compared or hashed.
  @SuppressWarnings("ArrayRecordComponent")
  record Exponential(int scale, double zeroThreshold, long zeroCount, int offset, long[] counts)
      implements HistogramBuckets {
    static final int TAG = 2;

    @Override
    public long count() {
      long n = zeroCount;
      for (long c : counts) {
        n += c;
      }
      return n;
    }

    @Override
    public int buckets() {
      return counts.length;
    }

    /** The same counts at a scale at most this one: index i becomes i >> (scale - target). */
    Exponential downscaleTo(int target) {
      int shift = scale - target;
      if (shift <= 0 || counts.length == 0) {
        return shift <= 0
            ? this
            : new Exponential(target, zeroThreshold, zeroCount, offset >> shift, counts);
      }
      int first = offset >> shift;
      int last = (offset + counts.length - 1) >> shift;
      long[] out = new long[last - first + 1];
      for (int k = 0; k < counts.length; k++) {
        out[((offset + k) >> shift) - first] += counts[k];
      }
      return new Exponential(target, zeroThreshold, zeroCount, first, out);
    }

    @Override
    public HistogramBuckets minus(HistogramBuckets earlier) {
      if (!(earlier instanceof Exponential)) {
        return null;
      }
      Exponential prev = (Exponential) earlier;
      if (prev.scale == scale && prev.offset == offset && prev.counts.length == counts.length) {
        // The common case: the same buckets as the previous point.
        long zero = zeroCount - prev.zeroCount;
        if (zero < 0) {
          return null;
        }
        long[] diff = new long[counts.length];
        for (int i = 0; i < counts.length; i++) {
          diff[i] = counts[i] - prev.counts[i];
          if (diff[i] < 0) {
            return null;
          }
        }
        return new Exponential(scale, zeroThreshold, zero, offset, diff);
      }
      int target = Math.min(scale, prev.scale);
      Exponential a = downscaleTo(target);
      Exponential b = prev.downscaleTo(target);
      long zero = a.zeroCount - b.zeroCount;
      if (zero < 0) {
        return null;
      }
      int first = Integer.MAX_VALUE;
      int last = Integer.MIN_VALUE;
      for (Exponential e : new Exponential[] {a, b}) {
        if (e.counts.length > 0) {
          first = Math.min(first, e.offset);
          last = Math.max(last, e.offset + e.counts.length);
        }
      }
      if (first > last) {
        first = 0;
        last = 0;
      }
      long[] diff = new long[last - first];
      for (int k = 0; k < a.counts.length; k++) {
        diff[a.offset + k - first] += a.counts[k];
      }
      for (int k = 0; k < b.counts.length; k++) {
        int i = b.offset + k - first;
        diff[i] -= b.counts[k];
        if (diff[i] < 0) {
          return null;
        }
      }
      return new Exponential(target, zeroThreshold, zero, first, diff);
    }

    @Override
    public void writeTo(BinaryWriter out) {
      out.putByte(TAG).putInt(scale).putDouble(zeroThreshold).putVarLong(zeroCount).putInt(offset);
      out.putVarLong(counts.length);
      for (long c : counts) {
        out.putVarLong(c);
      }
    }

    static Exponential read(BinaryReader in) {
      int scale = in.getInt();
      double zeroThreshold = in.getDouble();
      long zeroCount = in.getVarLong();
      int offset = in.getInt();
      long[] counts = new long[(int) in.getVarLong()];
      for (int i = 0; i < counts.length; i++) {
        counts[i] = in.getVarLong();
      }
      return new Exponential(scale, zeroThreshold, zeroCount, offset, counts);
    }
  }
}
