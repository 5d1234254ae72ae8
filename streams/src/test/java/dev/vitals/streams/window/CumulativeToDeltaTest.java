package dev.vitals.streams.window;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.streams.window.CumulativeToDelta.Outcome;
import dev.vitals.streams.window.CumulativeToDelta.Result;
import dev.vitals.streams.window.HistogramBuckets.Explicit;
import dev.vitals.streams.window.HistogramBuckets.Exponential;
import org.junit.jupiter.api.Test;

class CumulativeToDeltaTest {

  private static final long S = 1_000_000_000L;
  private static final double[] BOUNDS = {0.1, 1};
  private final CumulativeToDelta c2d = new CumulativeToDelta(600 * S);

  private static Explicit explicit(long... counts) {
    return new Explicit(BOUNDS, counts);
  }

  @Test
  void sameStartTimeYieldsTheDifferenceBucketByBucket() {
    Result first = c2d.convert(null, 100 * S, 101 * S, explicit(1, 2, 3), false);
    Result second = c2d.convert(first.state(), 100 * S, 111 * S, explicit(2, 5, 3), false);

    assertThat(second.outcome()).isEqualTo(Outcome.DELTA);
    assertThat(((Explicit) second.delta()).counts()).containsExactly(1, 3, 0);
  }

  @Test
  void firstPointWithARecentKnownStartCountsFromZero() {
    Result r = c2d.convert(null, 100 * S, 160 * S, explicit(1, 2, 3), false);

    assertThat(r.outcome()).isEqualTo(Outcome.DELTA);
    assertThat(r.delta().count()).isEqualTo(6);
  }

  @Test
  void firstPointOfALongRunningProcessIsOnlyABaseline() {
    Result r = c2d.convert(null, 100 * S, 100_000 * S, explicit(1, 2, 3), false);

    assertThat(r.outcome()).isEqualTo(Outcome.BASELINE);
  }

  @Test
  void firstPointOfANewSeriesInAProcessAlreadySeenCountsFromZero() {
    Result r = c2d.convert(null, 100 * S, 100_000 * S, explicit(0, 0, 1), true);

    assertThat(r.outcome()).isEqualTo(Outcome.DELTA);
    assertThat(r.delta().count()).isEqualTo(1);
  }

  @Test
  void unknownStartTimeIsOnlyABaseline() {
    assertThat(c2d.convert(null, 0, 100 * S, explicit(1, 0, 0), true).outcome())
        .isEqualTo(Outcome.BASELINE);
    assertThat(c2d.convert(null, 100 * S, 100 * S, explicit(1, 0, 0), true).outcome())
        .isEqualTo(Outcome.BASELINE);
  }

  @Test
  void aCounterResetWithANewerStartCountsTheNewValueFromZero() {
    Result first = c2d.convert(null, 100 * S, 101 * S, explicit(5, 5, 5), false);
    Result reset = c2d.convert(first.state(), 105 * S, 110 * S, explicit(1, 1, 0), false);

    assertThat(reset.outcome()).isEqualTo(Outcome.DELTA);
    assertThat(reset.delta().count()).isEqualTo(2);
    Result after = c2d.convert(reset.state(), 105 * S, 120 * S, explicit(2, 1, 0), false);
    assertThat(after.delta().count()).isEqualTo(1);
  }

  @Test
  void aCountThatDropsUnderTheSameStartIsAResetWithoutADelta() {
    Result first = c2d.convert(null, 100 * S, 101 * S, explicit(5, 5, 5), false);
    Result dropped = c2d.convert(first.state(), 100 * S, 110 * S, explicit(1, 1, 0), false);

    assertThat(dropped.outcome()).isEqualTo(Outcome.BASELINE);
    Result after = c2d.convert(dropped.state(), 100 * S, 120 * S, explicit(3, 1, 0), false);
    assertThat(after.delta().count()).isEqualTo(2);
  }

  @Test
  void aPointAtOrBeforeThePreviousOneIsADuplicate() {
    Result first = c2d.convert(null, 100 * S, 110 * S, explicit(5, 5, 5), false);

    assertThat(c2d.convert(first.state(), 100 * S, 110 * S, explicit(6, 5, 5), false).outcome())
        .isEqualTo(Outcome.DUPLICATE);
    assertThat(c2d.convert(first.state(), 100 * S, 105 * S, explicit(4, 5, 5), false).outcome())
        .isEqualTo(Outcome.DUPLICATE);
  }

  @Test
  void changedBoundsAreAReset() {
    Result first = c2d.convert(null, 100 * S, 101 * S, explicit(1, 1, 1), false);
    Explicit other = new Explicit(new double[] {0.5, 1}, new long[] {2, 2, 2});

    assertThat(c2d.convert(first.state(), 100 * S, 111 * S, other, false).outcome())
        .isEqualTo(Outcome.BASELINE);
  }

  @Test
  void exponentialPointsWithTheSameBucketsAreSubtractedBucketByBucket() {
    Exponential before = new Exponential(3, 0.001, 1, -4, new long[] {1, 0, 5});
    Result first = c2d.convert(null, 100 * S, 101 * S, before, false);

    Result r =
        c2d.convert(
            first.state(),
            100 * S,
            111 * S,
            new Exponential(3, 0.001, 4, -4, new long[] {1, 2, 9}),
            false);
    Result zeroDown =
        c2d.convert(
            first.state(),
            100 * S,
            111 * S,
            new Exponential(3, 0.001, 0, -4, new long[] {1, 2, 9}),
            false);
    Result bucketDown =
        c2d.convert(
            first.state(),
            100 * S,
            111 * S,
            new Exponential(3, 0.001, 1, -4, new long[] {0, 2, 9}),
            false);

    Exponential d = (Exponential) r.delta();
    assertThat(d.scale()).isEqualTo(3);
    assertThat(d.zeroCount()).isEqualTo(3);
    assertThat(d.offset()).isEqualTo(-4);
    assertThat(d.counts()).containsExactly(0, 2, 4);
    assertThat(zeroDown.outcome()).isEqualTo(Outcome.BASELINE);
    assertThat(bucketDown.outcome()).isEqualTo(Outcome.BASELINE);
  }

  @Test
  void exponentialPointsAtDifferentScalesAreSubtractedAtTheSmallerScale() {
    Exponential before = new Exponential(3, 0, 1, 8, new long[] {1, 1, 0, 0});
    Exponential after = new Exponential(2, 0, 3, 4, new long[] {3, 4});
    Result first = c2d.convert(null, 100 * S, 101 * S, before, false);

    Result r = c2d.convert(first.state(), 100 * S, 111 * S, after, false);

    Exponential d = (Exponential) r.delta();
    assertThat(d.scale()).isEqualTo(2);
    assertThat(d.zeroCount()).isEqualTo(2);
    assertThat(d.offset()).isEqualTo(4);
    assertThat(d.counts()).containsExactly(1, 4);
  }

  @Test
  void aStateInTheOneStreamEntryOfEarlierVersionsIsRead() {
    Exponential value = new Exponential(5, 0.001, 2, -3, new long[] {1, 0, 7});
    Result r = c2d.convert(null, 100 * S, 101 * S, value, false);
    byte[] legacy = r.state().encode();

    CumulativeToDelta.State state = CumulativeToDelta.State.decode(legacy);

    assertThat(state.startNanos()).isEqualTo(100 * S);
    assertThat(state.timeNanos()).isEqualTo(101 * S);
    assertThat(CumulativeToDelta.timeOf(legacy)).isEqualTo(101 * S);
    assertThat(state.buckets()).usingRecursiveComparison().isEqualTo(value);
  }
}
