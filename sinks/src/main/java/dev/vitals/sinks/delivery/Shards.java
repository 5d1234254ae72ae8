package dev.vitals.sinks.delivery;

import dev.vitals.sinks.series.SeriesSample;
import java.util.ArrayList;
import java.util.List;

/** Splits samples into shards by series, so that one series is always in one shard, in order. */
final class Shards {

  private Shards() {}

  /** Stable across processes: String and Map hash codes are specified. */
  static int shardOf(SeriesSample sample, int shards) {
    int hash = sample.name().hashCode() * 31 + sample.labels().hashCode();
    return Math.floorMod(hash * 0x9E3779B9, shards);
  }

  /** The non-empty shards of {@code samples}, each in the order the samples came. */
  static List<List<SeriesSample>> split(List<SeriesSample> samples, int shards) {
    if (shards == 1) {
      return samples.isEmpty() ? List.of() : List.of(samples);
    }
    List<List<SeriesSample>> out = new ArrayList<>(shards);
    for (int i = 0; i < shards; i++) {
      out.add(new ArrayList<>());
    }
    for (SeriesSample s : samples) {
      out.get(shardOf(s, shards)).add(s);
    }
    out.removeIf(List::isEmpty);
    return out;
  }

  /** Cuts one shard into requests of at most {@code max} samples, keeping the order. */
  static List<List<SeriesSample>> chunks(List<SeriesSample> samples, int max) {
    List<List<SeriesSample>> out = new ArrayList<>();
    for (int i = 0; i < samples.size(); i += max) {
      out.add(samples.subList(i, Math.min(samples.size(), i + max)));
    }
    return out;
  }
}
