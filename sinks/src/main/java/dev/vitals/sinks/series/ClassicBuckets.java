package dev.vitals.sinks.series;

import dev.vitals.schemas.signals.ServiceWindow;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A base-2 exponential histogram as a classic one, for stores without native histograms: counters
 * {@code <name>_bucket{le}}, {@code <name>_count} and {@code <name>_sum}, with fixed bounds {@code
 * le = 2^(j/4)} for j = -40 .. 24 (1/1024 s to 64 s, 4 per power of two) and {@code +Inf}, so every
 * series exists from the first sample on (a bucket series appearing later would lose, to {@code
 * rate()}, what it held when it appeared).
 *
 * <p>The bounds are bounds of the sketch's own buckets at its scale (2 or finer), so every count is
 * exact; only {@code histogram_quantile}'s linear interpolation inside a bucket 19 % wide adds
 * error (see the README). A sketch bucket coarser than the bounds is counted at the first bound at
 * or above its upper end. Values below 1/1024 s count in the first bucket, above 64 s only in
 * {@code +Inf}.
 */
final class ClassicBuckets {

  static final int SCALE = 2;
  static final int FIRST = -40;
  static final int LAST = 24;
  private static final String[] BOUNDS = bounds();

  private ClassicBuckets() {}

  private static String[] bounds() {
    String[] out = new String[LAST - FIRST + 1];
    for (int j = FIRST; j <= LAST; j++) {
      out[j - FIRST] = Double.toString(Math.pow(2, j / (double) (1 << SCALE)));
    }
    return out;
  }

  /** Adds the bucket, count and sum counters of {@code h} to {@code out}. */
  static void add(
      String name,
      Map<String, String> labels,
      ServiceWindow.Histogram h,
      long timestampMs,
      long startMs,
      List<SeriesSample> out) {
    long[] perBound = new long[LAST - FIRST + 2]; // the last one is +Inf
    perBound[0] += h.zeroCount();
    List<Long> counts = h.bucketCounts();
    for (int k = 0; k < counts.size(); k++) {
      perBound[slot(h.offset() + k, h.scale())] += counts.get(k);
    }
    long cumulative = 0;
    for (int i = 0; i < perBound.length; i++) {
      cumulative += perBound[i];
      String le = i < BOUNDS.length ? BOUNDS[i] : "+Inf";
      out.add(
          SeriesSample.counter(
              name + "_bucket", with(labels, le), (double) cumulative, timestampMs, startMs));
    }
    out.add(
        SeriesSample.counter(name + "_count", labels, (double) h.count(), timestampMs, startMs));
    out.add(SeriesSample.counter(name + "_sum", labels, h.sum(), timestampMs, startMs));
  }

  /** The slot of the first bound at or above the upper end of bucket {@code index}. */
  static int slot(int index, int scale) {
    long upper = index + 1L; // upper end 2^(upper / 2^scale)
    long j =
        scale >= SCALE
            ? Math.floorDiv(upper + (1L << (scale - SCALE)) - 1, 1L << (scale - SCALE))
            : upper << (SCALE - scale);
    if (j < FIRST) {
      return 0;
    }
    return (int) Math.min(j, LAST + 1) - FIRST;
  }

  private static Map<String, String> with(Map<String, String> labels, String le) {
    Map<String, String> copy = new LinkedHashMap<>(labels);
    copy.put("le", le);
    return copy;
  }
}
