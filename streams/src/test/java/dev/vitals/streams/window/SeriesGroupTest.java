package dev.vitals.streams.window;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vitals.streams.window.CumulativeToDelta.State;
import dev.vitals.streams.window.HistogramBuckets.Explicit;
import dev.vitals.streams.window.HistogramBuckets.Exponential;
import org.junit.jupiter.api.Test;

class SeriesGroupTest {

  private static final long S = 1_000_000_000L;
  private static final double[] BOUNDS = {0.005, 0.01, 0.1, 1};

  @Test
  void everyStreamSurvivesTheEncodingWithItsBucketsAndTimes() {
    SeriesGroup group = new SeriesGroup();
    State a = new State(100 * S, 110 * S, new Explicit(BOUNDS, new long[] {1, 2, 3, 4, 5}));
    State b = new State(100 * S, 120 * S, new Explicit(BOUNDS.clone(), new long[] {0, 0, 9, 0, 1}));
    State c = new State(0, 130 * S, new Explicit(new double[] {0.5}, new long[] {7, 8}));
    State d = new State(90 * S, 105 * S, new Exponential(3, 0.001, 2, -17, new long[] {1, 0, 7}));
    group.put(new SeriesGroup.Id(1, 2), a);
    group.put(new SeriesGroup.Id(1, 3), b);
    group.put(new SeriesGroup.Id(-5, Long.MIN_VALUE), c);
    group.put(new SeriesGroup.Id(7, 7), d);

    byte[] encoded = group.encode();
    SeriesGroup back = SeriesGroup.decode(encoded);

    assertThat(back.size()).isEqualTo(4);
    assertThat(back.get(new SeriesGroup.Id(1, 2))).usingRecursiveComparison().isEqualTo(a);
    assertThat(back.get(new SeriesGroup.Id(1, 3))).usingRecursiveComparison().isEqualTo(b);
    assertThat(back.get(new SeriesGroup.Id(-5, Long.MIN_VALUE)))
        .usingRecursiveComparison()
        .isEqualTo(c);
    assertThat(back.get(new SeriesGroup.Id(7, 7))).usingRecursiveComparison().isEqualTo(d);
    assertThat(back.get(new SeriesGroup.Id(2, 1))).isNull();
    assertThat(SeriesGroup.oldestTimeOf(encoded)).isEqualTo(105 * S);
    assertThat(back.changed()).isFalse();
  }

  @Test
  void boundsSharedByStreamsAreStoredOnce() {
    SeriesGroup one = new SeriesGroup();
    SeriesGroup hundred = new SeriesGroup();
    double[] bounds = new double[14];
    for (int i = 0; i < bounds.length; i++) {
      bounds[i] = 0.005 * (i + 1);
    }
    one.put(new SeriesGroup.Id(0, 0), new State(S, 2 * S, new Explicit(bounds, new long[15])));
    for (int i = 0; i < 100; i++) {
      hundred.put(
          new SeriesGroup.Id(i, i), new State(S, 2 * S, new Explicit(bounds, new long[15])));
    }

    int perStream = (hundred.encode().length - one.encode().length) / 99;

    // 16 bytes of identity, start and time 8 each, a tag, a bound-set index, 15 one-byte counts.
    assertThat(perStream).isEqualTo(16 + 8 + 8 + 1 + 1 + 15);
  }

  @Test
  void expiryForgetsOnlyStreamsOlderThanTheCutoff() {
    SeriesGroup group = new SeriesGroup();
    group.put(new SeriesGroup.Id(1, 1), new State(S, 10 * S, new Explicit(BOUNDS, new long[5])));
    group.put(new SeriesGroup.Id(2, 2), new State(S, 50 * S, new Explicit(BOUNDS, new long[5])));
    SeriesGroup decoded = SeriesGroup.decode(group.encode());

    assertThat(decoded.expire(20 * S)).isEqualTo(1);

    assertThat(decoded.changed()).isTrue();
    assertThat(decoded.get(new SeriesGroup.Id(1, 1))).isNull();
    assertThat(decoded.get(new SeriesGroup.Id(2, 2))).isNotNull();
    assertThat(SeriesGroup.oldestTimeOf(decoded.encode())).isEqualTo(50 * S);
  }

  @Test
  void thousandsOfStreamsAreFoundAfterGrowingEncodingAndExpiry() {
    SeriesGroup group = new SeriesGroup();
    java.util.SplittableRandom random = new java.util.SplittableRandom(3);
    java.util.Map<SeriesGroup.Id, State> expected = new java.util.HashMap<>();
    for (int i = 0; i < 3000; i++) {
      // Some ids collide in one half, so probing has to tell them apart by the other.
      SeriesGroup.Id id = new SeriesGroup.Id(i % 7, random.nextLong());
      State state = new State(S, (i % 2 == 0 ? 10 : 50) * S, new Explicit(BOUNDS, new long[5]));
      group.put(id, state);
      expected.put(id, state);
    }
    State replaced = new State(S, 60 * S, new Explicit(BOUNDS, new long[] {1, 1, 1, 1, 1}));
    SeriesGroup.Id first = expected.keySet().iterator().next();
    group.put(first, replaced);
    expected.put(first, replaced);

    SeriesGroup back = SeriesGroup.decode(group.encode());
    assertThat(back.size()).isEqualTo(expected.size());
    expected.forEach(
        (id, state) -> assertThat(back.get(id)).usingRecursiveComparison().isEqualTo(state));

    int removed = back.expire(20 * S);
    expected.forEach(
        (id, state) -> {
          if (state.timeNanos() < 20 * S) {
            assertThat(back.get(id)).isNull();
          } else {
            assertThat(back.get(id)).usingRecursiveComparison().isEqualTo(state);
          }
        });
    assertThat(removed + back.size()).isEqualTo(expected.size());
    assertThat(removed).isBetween(1400, 1600);
  }

  @Test
  void anotherVersionsLayoutIsRefusedNotMisread() {
    byte[] encoded = new SeriesGroup().encode();
    encoded[0] = 9;

    assertThatThrownBy(() -> SeriesGroup.decode(encoded))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("version 9");
  }
}
