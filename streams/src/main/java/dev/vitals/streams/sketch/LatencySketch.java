package dev.vitals.streams.sketch;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;

/**
 * A mergeable latency distribution: a base-2 exponential histogram, the same bucket layout as
 * OpenTelemetry's exponential histogram, so OTLP exponential histograms merge into it without
 * interpolation.
 *
 * <p>Bucket {@code i} at scale {@code s} covers {@code (2^(i/2^s), 2^((i+1)/2^s)]}. The scale is at
 * most {@link #MAX_SCALE} (64 buckets per power of two); a quantile is reported as the geometric
 * middle of its bucket, so its relative error is at most {@code 2^(1/128) - 1}, about 0.54 %, as
 * long as the sketch stays at scale 6. Merging a coarser input (a lower scale) lowers the sketch's
 * scale to the input's, and a range wider than {@link #MAX_BUCKETS} buckets halves the scale until
 * it fits, like OpenTelemetry Java's downscaling; the relative error at scale {@code s} is {@code
 * 2^(2^-s / 2) - 1}.
 *
 * <p>Explicit-bucket histograms carry less: their counts are spread linearly over each bucket's
 * bounds (as Prometheus' {@code histogram_quantile} does), so a quantile from them can be off by up
 * to the width of the bucket it falls in.
 *
 * <p>Values at or below zero count in the zero bucket and are reported as 0. Not thread-safe.
 */
public final class LatencySketch {

  /** The finest scale kept: 64 buckets per power of two. */
  public static final int MAX_SCALE = 6;

  /** The most buckets kept at once (32 powers of two at scale 6). */
  public static final int MAX_BUCKETS = 2048;

  /** The relative error bound of a quantile at {@link #MAX_SCALE}. */
  public static final double RELATIVE_ERROR = Math.pow(2, Math.pow(2, -MAX_SCALE) / 2) - 1;

  private static final byte FORMAT = 1;
  private static final long[] NO_COUNTS = new long[0];

  private int scale = MAX_SCALE;
  private long zeroCount;
  private long count;
  private double min = Double.NaN;
  private double max = Double.NaN;
  private double sum;
  private boolean exactMax = true;
  private int offset;
  private long[] counts = NO_COUNTS;

  /** Counts one value, in seconds. */
  public void record(double seconds) {
    record(seconds, 1);
  }

  /** Counts {@code n} values equal to {@code seconds}; non-finite values and n ≤ 0 are ignored. */
  public void record(double seconds, long n) {
    if (n <= 0 || !Double.isFinite(seconds)) {
      return;
    }
    count += n;
    sum += seconds * n;
    if (Double.isNaN(max) || seconds >= max) {
      exactMax = true;
    }
    observeRange(seconds, seconds);
    if (seconds <= 0) {
      zeroCount += n;
      return;
    }
    add(indexOf(seconds, scale), n);
  }

  /**
   * Merges the positive range and zero bucket of an OpenTelemetry exponential histogram data point
   * (negative values are not latencies and are ignored).
   *
   * @param positiveCounts element k counts bucket {@code positiveOffset + k} at {@code scale}
   */
  public void mergeExponential(
      int scale, double zeroThreshold, long zeroCount, int positiveOffset, long[] positiveCounts) {
    if (scale < this.scale) {
      downscale(this.scale - scale);
    }
    int shift = scale - this.scale;
    double base = Math.pow(2, Math.pow(2, -scale));
    double lower = Math.pow(base, positiveOffset);
    double middleFactor = (1 + base) / 2;
    long total = Math.max(0, zeroCount);
    this.zeroCount += Math.max(0, zeroCount);
    int lowest = Integer.MAX_VALUE;
    int highest = Integer.MIN_VALUE;
    for (int k = 0; k < positiveCounts.length; k++, lower *= base) {
      long n = positiveCounts[k];
      if (n <= 0) {
        continue;
      }
      sum += n * lower * middleFactor;
      int index = (positiveOffset + k) >> shift;
      add(index, n);
      total += n;
      lowest = Math.min(lowest, positiveOffset + k);
      highest = Math.max(highest, positiveOffset + k);
    }
    count += total;
    if (lowest <= highest) {
      observeBucketRange(lowerBound(lowest, scale), upperBound(highest, scale));
    } else if (zeroCount > 0) {
      observeRange(0, Math.max(0, zeroThreshold));
    }
  }

  /**
   * Merges an explicit-bucket histogram data point: {@code counts} has one more element than {@code
   * bounds}; bucket i covers {@code (bounds[i-1], bounds[i]]}. Each bucket's count is spread
   * linearly over its bounds; the first bucket starts at {@code min} (or 0) and the last ends at
   * {@code max} (or its lower bound).
   *
   * @param min the smallest value, or NaN when unknown
   * @param max the largest value, or NaN when unknown
   */
  public void mergeExplicit(double[] bounds, long[] counts, double min, double max) {
    if (counts.length != bounds.length + 1) {
      throw new IllegalArgumentException(
          "counts: " + counts.length + " (expected: bounds + 1 = " + (bounds.length + 1) + ")");
    }
    long total = 0;
    for (int i = 0; i < counts.length; i++) {
      long n = counts[i];
      if (n <= 0) {
        continue;
      }
      double lo = i == 0 ? (Double.isNaN(min) ? 0 : Math.min(min, bounds[0])) : bounds[i - 1];
      double hi = i == bounds.length ? (Double.isNaN(max) ? lo : Math.max(max, lo)) : bounds[i];
      spread(lo, hi, n);
      sum += n * (lo + hi) / 2;
      total += n;
      observeBucketRange(i == 0 && !Double.isNaN(min) ? min : lo, hi);
    }
    count += total;
    if (total > 0 && !Double.isNaN(min)) {
      this.min = Double.isNaN(this.min) ? min : Math.min(this.min, min);
    }
    if (total > 0 && !Double.isNaN(max) && !(max < this.max)) {
      this.max = max;
      exactMax = true;
    }
  }

  /** Adds another sketch's counts to this one. */
  public void merge(LatencySketch other) {
    if (other.count == 0) {
      return;
    }
    if (other.scale < scale) {
      downscale(scale - other.scale);
    }
    int shift = other.scale - scale;
    for (int k = 0; k < other.counts.length; k++) {
      if (other.counts[k] > 0) {
        add((other.offset + k) >> shift, other.counts[k]);
      }
    }
    zeroCount += other.zeroCount;
    count += other.count;
    sum += other.sum;
    if (!Double.isNaN(other.min)) {
      if (Double.isNaN(max) || other.max >= max) {
        exactMax = other.exactMax;
      }
      observeRange(other.min, other.max);
    }
  }

  /**
   * What this sketch holds beyond {@code earlier}, a sketch of some of the same values (an earlier
   * state of this one): bucket by bucket, at the coarser of the two scales (downscaling is exact),
   * a difference below zero (possible only when {@code earlier} is not a subset) taken as zero. The
   * minimum and maximum are this sketch's.
   */
  public LatencySketch minus(LatencySketch earlier) {
    LatencySketch out = copy();
    if (earlier == null || earlier.count == 0) {
      return out;
    }
    if (earlier.scale < out.scale) {
      out.downscale(out.scale - earlier.scale);
    }
    int shift = earlier.scale - out.scale;
    for (int k = 0; k < earlier.counts.length; k++) {
      if (earlier.counts[k] > 0) {
        int index = (earlier.offset + k) >> shift;
        if (index >= out.offset && index < out.offset + out.counts.length) {
          out.counts[index - out.offset] =
              Math.max(0, out.counts[index - out.offset] - earlier.counts[k]);
        }
      }
    }
    out.zeroCount = Math.max(0, out.zeroCount - earlier.zeroCount);
    out.sum = Math.max(0, out.sum - earlier.sum);
    long n = out.zeroCount;
    for (long c : out.counts) {
      n += c;
    }
    out.count = n;
    return out;
  }

  /** The same sketch, sharing nothing with this one. */
  private LatencySketch copy() {
    LatencySketch out = new LatencySketch();
    out.scale = scale;
    out.zeroCount = zeroCount;
    out.count = count;
    out.min = min;
    out.max = max;
    out.sum = sum;
    out.exactMax = exactMax;
    out.offset = offset;
    out.counts = counts.length == 0 ? NO_COUNTS : counts.clone();
    return out;
  }

  /** Values at or below zero. */
  public long zeroCount() {
    return zeroCount;
  }

  /**
   * The index of the first non-empty bucket at {@link #scale()}; 0 when there is none. Bucket
   * {@code i} covers {@code (2^(i/2^scale), 2^((i+1)/2^scale)]}, as in OpenTelemetry.
   */
  public int firstBucket() {
    for (int k = 0; k < counts.length; k++) {
      if (counts[k] > 0) {
        return offset + k;
      }
    }
    return 0;
  }

  /** The counts of the buckets from {@link #firstBucket()} to the last non-empty one. */
  public long[] bucketCounts() {
    int first = -1;
    int last = -1;
    for (int k = 0; k < counts.length; k++) {
      if (counts[k] > 0) {
        first = first < 0 ? k : first;
        last = k;
      }
    }
    return first < 0 ? NO_COUNTS : Arrays.copyOfRange(counts, first, last + 1);
  }

  /** The number of values counted. */
  public long count() {
    return count;
  }

  /**
   * The sum of the values counted here and in the sketches merged into this one: exact for values
   * {@link #record recorded} one by one; a histogram point ({@link #mergeExplicit}, {@link
   * #mergeExponential}) adds each bucket's count times the bucket's middle, the values the sketch
   * spreads its counts over (a point's own sum is not used: the deltas the windows count are
   * buckets only).
   */
  public double sum() {
    return sum;
  }

  /** The current scale: {@link #MAX_SCALE} unless a coarser input or a wide range lowered it. */
  public int scale() {
    return scale;
  }

  /**
   * The largest value seen, or its bucket's upper bound when only buckets were merged; NaN if
   * empty.
   */
  public double max() {
    return count == 0 ? Double.NaN : max;
  }

  /**
   * The value at quantile {@code q} (0..1) by nearest rank, as the geometric middle of its bucket,
   * clamped to the known range; NaN when empty.
   */
  public double quantile(double q) {
    if (!(q >= 0 && q <= 1)) {
      throw new IllegalArgumentException("q: " + q + " (expected: 0..1)");
    }
    if (count == 0) {
      return Double.NaN;
    }
    long rank = Math.max(1, (long) Math.ceil(q * count));
    if (rank <= zeroCount) {
      return 0;
    }
    if (rank == count && exactMax && !Double.isNaN(max)) {
      return max;
    }
    long seen = zeroCount;
    for (int k = 0; k < counts.length; k++) {
      seen += counts[k];
      if (seen >= rank) {
        return clamp(middle(offset + k));
      }
    }
    return clamp(max);
  }

  /**
   * An estimate of how many values were at most {@code seconds}: whole buckets below it plus a
   * log-linear share of the bucket it falls in.
   */
  public long countAtOrBelow(double seconds) {
    if (count == 0 || seconds < 0 || Double.isNaN(seconds)) {
      return 0;
    }
    if (!Double.isNaN(max) && seconds >= max) {
      return count;
    }
    long below = zeroCount;
    if (seconds == 0) {
      return below;
    }
    int at = indexOf(seconds, scale);
    for (int k = 0; k < counts.length && offset + k <= at; k++) {
      int index = offset + k;
      if (index < at) {
        below += counts[k];
      } else {
        double lo = lowerBound(index, scale);
        double hi = upperBound(index, scale);
        double share = Math.log(seconds / lo) / Math.log(hi / lo);
        below += (long) Math.floor(counts[k] * Math.min(1, Math.max(0, share)));
      }
    }
    return Math.min(below, count);
  }

  /**
   * A compact binary form: only the non-empty buckets, with variable-length integers. Format 1, in
   * order: the format byte (1), the scale (one signed byte), count and zero count (unsigned
   * varints), sum, min and max (big-endian IEEE 754 doubles), exact max (one byte, 0 or 1), the
   * number of non-empty buckets (varint), then per non-empty bucket in index order its index
   * (zig-zag varint for the first, the step from the previous one after that) and its count
   * (varint).
   */
  public byte[] toBytes() {
    int nonEmpty = 0;
    for (long n : counts) {
      nonEmpty += n > 0 ? 1 : 0;
    }
    // 2 bytes, 3 varints of at most 10, 3 doubles, 1 byte; per bucket at most 5 + 10
    byte[] out = new byte[2 + 30 + 24 + 1 + 15 * nonEmpty];
    int pos = 0;
    out[pos++] = FORMAT;
    out[pos++] = (byte) scale;
    pos = writeVarLong(out, pos, count);
    pos = writeVarLong(out, pos, zeroCount);
    pos = writeDouble(out, pos, sum);
    pos = writeDouble(out, pos, min);
    pos = writeDouble(out, pos, max);
    out[pos++] = (byte) (exactMax ? 1 : 0);
    pos = writeVarLong(out, pos, nonEmpty);
    int previous = 0;
    boolean first = true;
    for (int k = 0; k < counts.length; k++) {
      if (counts[k] > 0) {
        int index = offset + k;
        pos = writeVarLong(out, pos, first ? zigZag(index) : index - previous);
        pos = writeVarLong(out, pos, counts[k]);
        previous = index;
        first = false;
      }
    }
    return Arrays.copyOf(out, pos);
  }

  /**
   * Reads what {@link #toBytes()} wrote.
   *
   * @throws IllegalArgumentException when the bytes are not a sketch
   */
  public static LatencySketch fromBytes(byte[] bytes) {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    try {
      byte format = in.get();
      if (format != FORMAT) {
        throw new IllegalArgumentException(
            "sketch format: " + format + " (expected: " + FORMAT + ")");
      }
      LatencySketch sketch = new LatencySketch();
      sketch.scale = in.get();
      if (sketch.scale > MAX_SCALE || sketch.scale < -10) {
        throw new IllegalArgumentException(
            "sketch scale: " + sketch.scale + " (expected: -10.." + MAX_SCALE + ")");
      }
      long total = readVarLong(in);
      sketch.zeroCount = readVarLong(in);
      sketch.sum = in.getDouble();
      sketch.min = in.getDouble();
      sketch.max = in.getDouble();
      sketch.exactMax = in.get() != 0;
      long nonEmpty = readVarLong(in);
      int index = 0;
      for (long i = 0; i < nonEmpty; i++) {
        long step = readVarLong(in);
        index = i == 0 ? unZigZag(step) : Math.addExact(index, Math.toIntExact(step));
        sketch.add(index, readVarLong(in));
      }
      sketch.count = total;
      return sketch;
    } catch (java.nio.BufferUnderflowException | ArithmeticException e) {
      throw new IllegalArgumentException("sketch: truncated or corrupt (" + e + ")", e);
    }
  }

  public String toBase64() {
    return Base64.getEncoder().encodeToString(toBytes());
  }

  public static LatencySketch fromBase64(String text) {
    return fromBytes(Base64.getDecoder().decode(text));
  }

  /**
   * Adds {@code n} values spread linearly over {@code (lo, hi]}: bucket {@code i} gets {@code
   * upTo(i) - upTo(i - 1)}, where {@code upTo(i)} is the rounded share of {@code n} at or below its
   * upper bound (all of {@code n} at the last bucket). With fewer values than buckets in the range
   * (up to 1,280 at scale 6 for a first bucket starting at 0) only the buckets where that share
   * steps up are visited, found from a guess of where the next value falls and corrected with
   * {@code upTo} itself: the same counts as visiting every bucket, at the cost of about {@code n}.
   */
  private void spread(double lo, double hi, long n) {
    if (!(hi > lo) || hi <= 0) {
      record0(hi > 0 ? hi : 0, n);
      return;
    }
    double from = Math.max(lo, hi / (1L << 20));
    int first = indexOf(Math.max(from, Double.MIN_NORMAL), scale);
    int last = indexOf(hi, scale);
    if (n > last - first) {
      // about as many values as buckets or more: most buckets get a share, visit each
      spreadEach(first, last, lo, hi, n, 0);
      return;
    }
    int startScale = scale;
    long assigned = 0;
    int index = first;
    while (assigned < n) {
      double next = lo + (assigned + 0.5) * (hi - lo) / n;
      int j = Math.max(index, Math.min(last, indexOf(Math.max(next, Double.MIN_NORMAL), scale)));
      while (j > index && upTo(j - 1, last, lo, hi, n) > assigned) {
        j--;
      }
      long upTo;
      while ((upTo = upTo(j, last, lo, hi, n)) <= assigned) {
        j++;
      }
      add(j, upTo - assigned);
      assigned = upTo;
      index = j + 1;
      if (scale != startScale) {
        // add() had to downscale: go on bucket by bucket as the range was computed.
        spreadEach(index, last, lo, hi, n, assigned);
        return;
      }
    }
  }

  /** The rest of {@link #spread} from {@code index}, visiting every bucket. */
  private void spreadEach(int index, int last, double lo, double hi, long n, long assigned) {
    for (; index <= last; index++) {
      long upTo = upTo(index, last, lo, hi, n);
      long share = upTo - assigned;
      if (share > 0) {
        add(index, share);
        assigned = upTo;
      }
    }
  }

  /** How many of {@code n} values spread over {@code (lo, hi]} are at most bucket index's top. */
  private long upTo(int index, int last, double lo, double hi, long n) {
    if (index >= last) {
      return n;
    }
    double upper = Math.min(hi, upperBound(index, scale));
    return Math.round(n * (upper - lo) / (hi - lo));
  }

  private void record0(double value, long n) {
    if (value <= 0) {
      zeroCount += n;
    } else {
      add(indexOf(value, scale), n);
    }
  }

  private void observeBucketRange(double low, double high) {
    if (Double.isNaN(max) || high > max) {
      exactMax = false;
    }
    observeRange(low, high);
  }

  private void observeRange(double low, double high) {
    min = Double.isNaN(min) ? low : Math.min(min, low);
    max = Double.isNaN(max) ? high : Math.max(max, high);
  }

  private double clamp(double value) {
    if (!Double.isNaN(min) && value < min) {
      value = min;
    }
    if (!Double.isNaN(max) && value > max) {
      value = max;
    }
    return Math.max(0, value);
  }

  private double middle(int index) {
    return Math.pow(2, (index + 0.5) / (double) (1 << Math.max(0, scale)) * scaleDivisor(scale));
  }

  private void add(int index, long n) {
    if (counts.length == 0) {
      counts = new long[16];
      offset = index - 8;
    }
    while (index < offset || index >= offset + counts.length) {
      int low = Math.min(offset, index);
      int high = Math.max(offset + counts.length - 1, index);
      if ((long) high - low + 1 > MAX_BUCKETS) {
        downscale(1);
        index >>= 1;
        continue;
      }
      grow(low, high);
    }
    counts[index - offset] += n;
  }

  private void grow(int low, int high) {
    int needed = high - low + 1;
    int size = Math.min(MAX_BUCKETS, Math.max(needed + 16, counts.length * 2));
    int newOffset = low < offset ? Math.max(low - (size - needed), high - size + 1) : offset;
    newOffset = Math.min(newOffset, low);
    long[] grown = new long[size];
    System.arraycopy(counts, 0, grown, offset - newOffset, counts.length);
    counts = grown;
    offset = newOffset;
  }

  private void downscale(int by) {
    if (by <= 0) {
      return;
    }
    scale -= by;
    if (counts.length == 0) {
      return;
    }
    long[] old = counts;
    int oldOffset = offset;
    int newOffset = oldOffset >> by;
    int newHigh = (oldOffset + old.length - 1) >> by;
    counts = new long[Math.max(16, newHigh - newOffset + 1)];
    offset = newOffset;
    for (int k = 0; k < old.length; k++) {
      if (old[k] != 0) {
        counts[((oldOffset + k) >> by) - newOffset] += old[k];
      }
    }
  }

  /** The index of the bucket holding {@code value} (> 0) at {@code scale}. */
  static int indexOf(double value, int scale) {
    double log2 = Math.log(value) / Math.log(2);
    double scaled = scale >= 0 ? log2 * (1 << scale) : log2 / (1 << -scale);
    return (int) Math.ceil(scaled) - 1;
  }

  static double lowerBound(int index, int scale) {
    return Math.pow(2, index * scaleDivisor(scale) / (scale >= 0 ? (1 << scale) : 1));
  }

  static double upperBound(int index, int scale) {
    return lowerBound(index + 1, scale);
  }

  private static double scaleDivisor(int scale) {
    return scale >= 0 ? 1 : (1 << -scale);
  }

  private static int writeDouble(byte[] out, int pos, double value) {
    long bits = Double.doubleToLongBits(value);
    for (int shift = 56; shift >= 0; shift -= 8) {
      out[pos++] = (byte) (bits >>> shift);
    }
    return pos;
  }

  private static int writeVarLong(byte[] out, int pos, long value) {
    while ((value & ~0x7FL) != 0) {
      out[pos++] = (byte) ((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    out[pos++] = (byte) value;
    return pos;
  }

  private static long readVarLong(ByteBuffer in) {
    long value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      byte b = in.get();
      value |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return value;
      }
    }
    throw new IllegalArgumentException("sketch: varint longer than 10 bytes");
  }

  private static long zigZag(int value) {
    return ((long) value << 1) ^ (value >> 31);
  }

  private static int unZigZag(long value) {
    return (int) ((value >>> 1) ^ -(value & 1));
  }

  @Override
  public String toString() {
    return "LatencySketch{count="
        + count
        + ", scale="
        + scale
        + ", buckets="
        + Arrays.stream(counts).filter(n -> n > 0).count()
        + "}";
  }
}
