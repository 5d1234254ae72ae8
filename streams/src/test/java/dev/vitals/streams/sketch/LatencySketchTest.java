package dev.vitals.streams.sketch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.Test;

class LatencySketchTest {

  private static final double[] QUANTILES = {0.5, 0.9, 0.99};

  @Test
  void whatASketchGainedSinceAnEarlierStateIsExactlyTheValuesAddedEvenAfterADownscale() {
    LatencySketch earlier = new LatencySketch();
    for (int i = 1; i <= 200; i++) {
      earlier.record(i / 1000.0);
    }
    LatencySketch now = LatencySketch.fromBytes(earlier.toBytes());
    LatencySketch added = new LatencySketch();
    // 1e9 s is so far out that both sketches halve their scale to keep the range
    for (double v : new double[] {0.05, 0.07, 1e9}) {
      now.record(v);
      added.record(v);
    }
    assertThat(now.scale()).isLessThan(earlier.scale()).isEqualTo(added.scale());

    LatencySketch gained = now.minus(earlier);

    assertThat(gained.count()).isEqualTo(3);
    assertThat(gained.scale()).isEqualTo(added.scale());
    assertThat(gained.firstBucket()).isEqualTo(added.firstBucket());
    assertThat(gained.bucketCounts()).containsExactly(added.bucketCounts());
    assertThat(gained.sum()).isCloseTo(0.05 + 0.07 + 1e9, within(1e-3));
  }

  @Test
  void quantilesOfKnownSamplesAreWithinOnePercentOfTheExactOnes() {
    double[] samples = lognormal(100_000, 0.05, 1.2, 7);
    LatencySketch sketch = new LatencySketch();
    for (double s : samples) {
      sketch.record(s);
    }

    assertThat(sketch.count()).isEqualTo(samples.length);
    for (double q : QUANTILES) {
      assertThat(sketch.quantile(q)).isCloseTo(exact(samples, q), Percentage.withPercentage(1));
    }
    assertThat(sketch.max()).isEqualTo(Arrays.stream(samples).max().orElseThrow());
  }

  @Test
  void mergedSketchesAnswerLikeOneSketchOfAllValues() {
    double[] samples = lognormal(30_000, 0.2, 0.8, 11);
    LatencySketch whole = new LatencySketch();
    LatencySketch left = new LatencySketch();
    LatencySketch right = new LatencySketch();
    for (int i = 0; i < samples.length; i++) {
      whole.record(samples[i]);
      (i % 3 == 0 ? left : right).record(samples[i]);
    }

    left.merge(right);

    assertThat(left.count()).isEqualTo(whole.count());
    for (double q : QUANTILES) {
      assertThat(left.quantile(q)).isEqualTo(whole.quantile(q));
      assertThat(left.quantile(q)).isCloseTo(exact(samples, q), Percentage.withPercentage(1));
    }
  }

  @Test
  void exponentialHistogramsAtFinerScalesMergeByDownscalingWithinOnePercent() {
    double[] samples = lognormal(50_000, 0.08, 1.0, 3);
    int scale = 20;
    int lowest = Integer.MAX_VALUE;
    int highest = Integer.MIN_VALUE;
    for (double s : samples) {
      int index = LatencySketch.indexOf(s, scale);
      lowest = Math.min(lowest, index);
      highest = Math.max(highest, index);
    }
    long[] counts = new long[highest - lowest + 1];
    for (double s : samples) {
      counts[LatencySketch.indexOf(s, scale) - lowest]++;
    }

    LatencySketch sketch = new LatencySketch();
    sketch.mergeExponential(scale, 0, 0, lowest, counts);

    assertThat(sketch.count()).isEqualTo(samples.length);
    assertThat(sketch.scale()).isEqualTo(LatencySketch.MAX_SCALE);
    for (double q : QUANTILES) {
      assertThat(sketch.quantile(q)).isCloseTo(exact(samples, q), Percentage.withPercentage(1));
    }
  }

  @Test
  void aCoarserExponentialInputLowersTheScaleOfWhatIsAlreadyThere() {
    LatencySketch sketch = new LatencySketch();
    sketch.record(0.1, 10);

    sketch.mergeExponential(3, 0, 2, LatencySketch.indexOf(0.2, 3), new long[] {5});

    assertThat(sketch.scale()).isEqualTo(3);
    assertThat(sketch.count()).isEqualTo(17);
    assertThat(sketch.quantile(0.1)).isZero();
    assertThat(sketch.quantile(0.5)).isCloseTo(0.1, Percentage.withPercentage(5));
    assertThat(sketch.quantile(0.99)).isCloseTo(0.2, Percentage.withPercentage(5));
  }

  @Test
  void explicitBucketsAreInterpolatedWithinTheirBounds() {
    double[] bounds = {0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10};
    long[] counts = new long[bounds.length + 1];
    counts[5] = 1000; // (0.075, 0.1]
    counts[6] = 100; // (0.1, 0.25]

    LatencySketch sketch = new LatencySketch();
    sketch.mergeExplicit(bounds, counts, Double.NaN, Double.NaN);

    assertThat(sketch.count()).isEqualTo(1100);
    assertThat(sketch.quantile(0.5)).isBetween(0.075, 0.1);
    // rank 550 of 1000 spread linearly over (0.075, 0.1]: about 0.0874
    assertThat(sketch.quantile(0.5)).isCloseTo(0.075 + 0.025 * 0.55, Percentage.withPercentage(1));
    assertThat(sketch.quantile(0.99)).isBetween(0.1, 0.25);
    // the bucket holding 0.1 straddles both explicit buckets: off by at most its share
    assertThat(sketch.countAtOrBelow(0.1)).isCloseTo(1000, within(15L));
  }

  @Test
  void explicitBucketsLandInTheSameSketchBucketsAsABucketByBucketSpread() {
    SplittableRandom random = new SplittableRandom(11);
    double[] edges = {0, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 10, 1e4};
    for (int c = 0; c < 3_000; c++) {
      double lo;
      double hi;
      if (c % 2 == 0) {
        int i = random.nextInt(edges.length - 1);
        lo = edges[i];
        hi = edges[i + 1 + random.nextInt(Math.min(3, edges.length - 1 - i))];
      } else {
        lo = random.nextDouble() < 0.2 ? 0 : Math.exp(random.nextDouble(-8, 3));
        hi = lo * (1 + Math.exp(random.nextDouble(-6, 4))) + (lo == 0 ? 1e-4 : 0);
      }
      long n = c % 3 == 0 ? 1 + random.nextInt(5) : 1 + (long) Math.exp(random.nextDouble(0, 14));
      LatencySketch sketch = new LatencySketch();
      if (lo == 0) {
        sketch.mergeExplicit(new double[] {hi}, new long[] {n, 0}, Double.NaN, Double.NaN);
      } else {
        sketch.mergeExplicit(new double[] {lo, hi}, new long[] {0, n, 0}, Double.NaN, Double.NaN);
      }

      assertThat(buckets(sketch))
          .as("%d values over (%s, %s]", n, lo, hi)
          .isEqualTo(spreadBucketByBucket(lo, hi, n));
    }
  }

  /** Every sketch bucket of the range in turn gets its rounded linear share (the first design). */
  private static java.util.Map<Integer, Long> spreadBucketByBucket(double lo, double hi, long n) {
    int scale = LatencySketch.MAX_SCALE;
    int first =
        LatencySketch.indexOf(Math.max(Math.max(lo, hi / (1L << 20)), Double.MIN_NORMAL), scale);
    int last = LatencySketch.indexOf(hi, scale);
    java.util.Map<Integer, Long> out = new java.util.TreeMap<>();
    long assigned = 0;
    for (int index = first; index <= last; index++) {
      double upper = index == last ? hi : Math.min(hi, LatencySketch.upperBound(index, scale));
      long upTo = index == last ? n : Math.round(n * (upper - lo) / (hi - lo));
      if (upTo - assigned > 0) {
        out.put(index, upTo - assigned);
        assigned = upTo;
      }
    }
    return out;
  }

  /** The non-empty buckets of a sketch, index to count, read from its documented binary form. */
  private static java.util.Map<Integer, Long> buckets(LatencySketch sketch) {
    java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(sketch.toBytes());
    in.position(2); // format, scale
    varLong(in); // count
    varLong(in); // zero count
    in.position(in.position() + 3 * 8 + 1); // sum, min, max, exact max
    long nonEmpty = varLong(in);
    java.util.Map<Integer, Long> out = new java.util.TreeMap<>();
    int index = 0;
    for (long i = 0; i < nonEmpty; i++) {
      long step = varLong(in);
      index = i == 0 ? (int) ((step >>> 1) ^ -(step & 1)) : index + (int) step;
      out.put(index, varLong(in));
    }
    return out;
  }

  private static long varLong(java.nio.ByteBuffer in) {
    long value = 0;
    for (int shift = 0; ; shift += 7) {
      byte b = in.get();
      value |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return value;
      }
    }
  }

  @Test
  void theOverflowBucketIsPlacedAtTheKnownMaximum() {
    double[] bounds = {0.1, 1};
    LatencySketch sketch = new LatencySketch();

    sketch.mergeExplicit(bounds, new long[] {0, 0, 4}, 0.5, 3.0);

    assertThat(sketch.quantile(0.99)).isBetween(1.0, 3.0);
    assertThat(sketch.max()).isEqualTo(3.0);
  }

  @Test
  void countAtOrBelowSplitsGoodFromSlowRequests() {
    LatencySketch sketch = new LatencySketch();
    sketch.record(0.05, 900);
    sketch.record(0.8, 100);

    assertThat(sketch.countAtOrBelow(0.3)).isEqualTo(900);
    assertThat(sketch.countAtOrBelow(1)).isEqualTo(1000);
    assertThat(sketch.countAtOrBelow(0.01)).isZero();
  }

  @Test
  void aRangeWiderThanTheBucketLimitIsDownscaledNotDropped() {
    LatencySketch sketch = new LatencySketch();
    sketch.record(1e-9);
    sketch.record(1e6);
    sketch.record(1.0, 98);

    assertThat(sketch.count()).isEqualTo(100);
    assertThat(sketch.scale()).isLessThan(LatencySketch.MAX_SCALE);
    assertThat(sketch.quantile(0.5)).isCloseTo(1.0, Percentage.withPercentage(5));
    assertThat(sketch.quantile(1)).isEqualTo(1e6);
  }

  @Test
  void zeroAndNegativeDurationsCountAsZero() {
    LatencySketch sketch = new LatencySketch();
    sketch.record(0, 3);
    sketch.record(-1);
    sketch.record(Double.NaN);

    assertThat(sketch.count()).isEqualTo(4);
    assertThat(sketch.quantile(0.99)).isZero();
  }

  @Test
  void bytesRoundTripKeepEveryAnswer() {
    LatencySketch sketch = new LatencySketch();
    for (double s : lognormal(5_000, 0.1, 1.5, 5)) {
      sketch.record(s);
    }

    LatencySketch copy = LatencySketch.fromBase64(sketch.toBase64());

    assertThat(copy.count()).isEqualTo(sketch.count());
    assertThat(copy.max()).isEqualTo(sketch.max());
    assertThat(copy.sum()).isEqualTo(sketch.sum());
    for (double q : QUANTILES) {
      assertThat(copy.quantile(q)).isEqualTo(sketch.quantile(q));
    }
    assertThat(sketch.toBytes().length).isLessThan(1500);
  }

  @Test
  void theBinaryFormatStaysWhatStoresAndServiceWindowsAlreadyHold() {
    LatencySketch sketch = new LatencySketch();
    sketch.record(0.0123, 3);
    sketch.record(0.2, 1);
    sketch.record(0, 2);
    sketch.mergeExplicit(
        new double[] {0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10},
        new long[] {1, 2, 0, 7, 3, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0},
        Double.NaN,
        Double.NaN);
    sketch.mergeExponential(3, 0.0, 1, -40, new long[] {2, 0, 5});

    // written by the first implementation (format 1) for the same values
    String format1 =
        "01031c033fce52bd3c36113400000000000000003fd000000000000000108b01010b0104010403090101"
            + "01010302060101010101010101010102010a010201";
    java.util.HexFormat hex = java.util.HexFormat.of();
    assertThat(hex.formatHex(LatencySketch.fromBytes(hex.parseHex(format1)).toBytes()))
        .as("what stores hold is read, and written again byte for byte")
        .isEqualTo(format1);
    // Today the same bytes but the sum (hex 8..24), to which histogram points now add their
    // buckets' middles (format 1 counted only the recorded 3 × 0.0123 + 0.2).
    String now = hex.formatHex(sketch.toBytes());
    assertThat(now.substring(0, 8) + now.substring(24))
        .isEqualTo(format1.substring(0, 8) + format1.substring(24));
    assertThat(sketch.sum()).isGreaterThan(3 * 0.0123 + 0.2);
  }

  @Test
  void anEmptySketchHasNoQuantiles() {
    LatencySketch sketch = LatencySketch.fromBytes(new LatencySketch().toBytes());

    assertThat(sketch.count()).isZero();
    assertThat(sketch.quantile(0.5)).isNaN();
    assertThat(sketch.max()).isNaN();
  }

  @Test
  void corruptBytesAreRefusedWithAReason() {
    assertThatThrownBy(() -> LatencySketch.fromBytes(new byte[] {9}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sketch format: 9");
    assertThatThrownBy(() -> LatencySketch.fromBytes(new byte[] {1, 6}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("truncated");
  }

  private static double[] lognormal(int n, double median, double sigma, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    double[] samples = new double[n];
    for (int i = 0; i < n; i++) {
      double gaussian =
          Math.sqrt(-2 * Math.log(1 - random.nextDouble()))
              * Math.cos(2 * Math.PI * random.nextDouble());
      samples[i] = median * Math.exp(sigma * gaussian);
    }
    return samples;
  }

  /** The nearest-rank quantile. */
  private static double exact(double[] samples, double q) {
    double[] sorted = samples.clone();
    Arrays.sort(sorted);
    int rank = Math.max(1, (int) Math.ceil(q * sorted.length));
    return sorted[rank - 1];
  }

  @Test
  void histogramPointsAddTheirBucketsMiddlesToTheSum() {
    LatencySketch explicit = new LatencySketch();
    // 10 in (0, 0.1], 20 in (0.1, 0.5], 4 above 0.5 with no max known (counted at 0.5)
    explicit.mergeExplicit(new double[] {0.1, 0.5}, new long[] {10, 20, 4}, Double.NaN, Double.NaN);
    assertThat(explicit.sum()).isCloseTo(10 * 0.05 + 20 * 0.3 + 4 * 0.5, within(1e-9));

    LatencySketch exponential = new LatencySketch();
    // scale 0: bucket i is (2^i, 2^(i+1)]; offset -3 and three buckets: (1/8, 1/4], (1/4, 1/2],
    // (1/2, 1]; the zero bucket adds nothing
    exponential.mergeExponential(0, 0.001, 5, -3, new long[] {2, 0, 6});
    assertThat(exponential.sum()).isCloseTo(2 * 0.1875 + 6 * 0.75, within(1e-9));
    assertThat(exponential.count()).isEqualTo(13);

    LatencySketch recorded = new LatencySketch();
    for (int i = 1; i <= 1000; i++) {
      recorded.record(i / 1000.0);
    }
    LatencySketch asPoint = new LatencySketch();
    asPoint.mergeExponential(
        recorded.scale(), 0, recorded.zeroCount(), recorded.firstBucket(), recorded.bucketCounts());
    assertThat(asPoint.sum())
        .as("a sketch sent on as an exponential point keeps its sum within the bucket width")
        .isCloseTo(recorded.sum(), withinPercentage(1));
  }
}
