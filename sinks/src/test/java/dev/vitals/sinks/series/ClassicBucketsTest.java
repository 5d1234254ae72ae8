package dev.vitals.sinks.series;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.schemas.signals.ServiceWindow;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClassicBucketsTest {

  private static final Map<String, String> LABELS = Map.of("tenant", "a", "service", "s");

  private static List<SeriesSample> classic(ServiceWindow.Histogram h) {
    List<SeriesSample> out = new ArrayList<>();
    ClassicBuckets.add("d", LABELS, h, 1_000, 500, out);
    return out;
  }

  private static double bucket(List<SeriesSample> samples, String le) {
    return samples.stream()
        .filter(s -> s.name().equals("d_bucket") && le.equals(s.labels().get("le")))
        .findFirst()
        .orElseThrow()
        .value();
  }

  @Test
  void everyBoundIsASeriesFromTheFirstSampleOnWithCumulativeExactCounts() {
    // scale 6: 64 buckets per power of two; bucket 0 is (1, 2^(1/64)], bucket 15 ends at 2^(1/4)
    ServiceWindow.Histogram h =
        new ServiceWindow.Histogram(
            6,
            10,
            12.5,
            1,
            0,
            List.of(2L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 3L, 4L));

    List<SeriesSample> samples = classic(h);

    assertThat(samples.stream().filter(s -> s.name().equals("d_bucket"))).hasSize(66);
    assertThat(samples).allMatch(s -> s.type() == SeriesSample.Type.COUNTER && s.startMs() == 500);
    assertThat(bucket(samples, "0.7071067811865476")).isEqualTo(1); // the zero bucket only
    assertThat(bucket(samples, "1.0")).isEqualTo(1);
    assertThat(bucket(samples, "1.189207115002721")).isEqualTo(1 + 2 + 3); // 2^(1/4)
    assertThat(bucket(samples, "1.4142135623730951")).isEqualTo(10);
    assertThat(bucket(samples, "+Inf")).isEqualTo(10);
    assertThat(
            samples.stream()
                .filter(s -> s.name().equals("d_count"))
                .findFirst()
                .orElseThrow()
                .value())
        .isEqualTo(10);
    assertThat(
            samples.stream()
                .filter(s -> s.name().equals("d_sum"))
                .findFirst()
                .orElseThrow()
                .value())
        .isEqualTo(12.5);
  }

  @Test
  void valuesBeyondTheBoundsCountInTheFirstBucketOrOnlyInInf() {
    // scale 0: bucket -20 is (2^-20, 2^-19], bucket 10 is (1024, 2048]
    ServiceWindow.Histogram h = new ServiceWindow.Histogram(0, 2, 1500, 0, -20, counts(31, 0, 30));

    List<SeriesSample> samples = classic(h);

    assertThat(bucket(samples, "9.765625E-4")).isEqualTo(1);
    assertThat(bucket(samples, "64.0")).isEqualTo(1);
    assertThat(bucket(samples, "+Inf")).isEqualTo(2);
  }

  private static List<Long> counts(int n, int... ones) {
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(0L);
    }
    for (int k : ones) {
      out.set(k, 1L);
    }
    return out;
  }
}
