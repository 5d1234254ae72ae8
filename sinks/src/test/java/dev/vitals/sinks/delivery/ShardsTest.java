package dev.vitals.sinks.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.sinks.series.SeriesSample;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ShardsTest {

  @Test
  void everySeriesLandsInExactlyOneShardWithItsSamplesInOrder() {
    List<SeriesSample> samples = new ArrayList<>();
    for (int t = 0; t < 20; t++) {
      for (int s = 0; s < 50; s++) {
        samples.add(SeriesSample.of("vitals_window_requests", Map.of("service", "svc-" + s), t, t));
      }
    }
    List<List<SeriesSample>> shards = Shards.split(samples, 8);

    Map<String, Integer> shardOfSeries = new HashMap<>();
    int total = 0;
    for (int i = 0; i < shards.size(); i++) {
      Map<String, Long> lastTime = new HashMap<>();
      for (SeriesSample s : shards.get(i)) {
        Integer previous = shardOfSeries.putIfAbsent(s.seriesKey(), i);
        assertThat(previous == null ? i : previous).as(s.seriesKey()).isEqualTo(i);
        Long before = lastTime.put(s.seriesKey(), s.timestampMs());
        assertThat(before == null ? -1 : before).isLessThan(s.timestampMs());
        total++;
      }
    }
    assertThat(total).isEqualTo(samples.size());
    assertThat(shardOfSeries).hasSize(50);
    assertThat(shards).hasSizeGreaterThan(4);
  }

  @Test
  void oneShardKeepsTheSamplesAsTheyCame() {
    List<SeriesSample> samples =
        List.of(SeriesSample.of("a", Map.of(), 1, 1), SeriesSample.of("b", Map.of(), 2, 1));
    assertThat(Shards.split(samples, 1)).containsExactly(samples);
    assertThat(Shards.split(List.of(), 4)).isEmpty();
  }

  @Test
  void chunksCutAShardInOrderWithoutLosingSamples() {
    List<SeriesSample> samples = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      samples.add(SeriesSample.of("a", Map.of(), i, i));
    }
    List<List<SeriesSample>> chunks = Shards.chunks(samples, 3);
    assertThat(chunks).hasSize(3);
    assertThat(chunks.get(2)).containsExactly(samples.get(6));
    assertThat(chunks.stream().flatMap(List::stream)).containsExactlyElementsOf(samples);
  }
}
