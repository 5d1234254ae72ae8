package dev.vitals.sinks.series;

import static java.util.Objects.requireNonNull;

import dev.vitals.schemas.signals.ServiceWindow;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One sample of one series, as every store sink writes it: a metric name, labels sorted by name
 * (remote write requires the order), a value and a timestamp in epoch milliseconds, and whether the
 * series is a gauge or a counter (with the time it started counting from zero). Every series
 * carries a {@code tenant} label; {@link #tenant()} reads it for sinks that route by tenant.
 *
 * @param value the value; for a histogram, its count
 * @param startMs for a counter, when it started from zero (epoch ms); 0 for a gauge
 * @param histogram for a histogram, its buckets; else null
 */
public record SeriesSample(
    String name,
    SortedMap<String, String> labels,
    double value,
    long timestampMs,
    Type type,
    long startMs,
    ServiceWindow.Histogram histogram) {

  /** What the series is, for stores that record it (OTLP). */
  public enum Type {
    /** A value at an instant. */
    GAUGE,
    /** A cumulative monotonic total since {@link #startMs()}; a drop is a reset. */
    COUNTER,
    /**
     * A cumulative base-2 exponential histogram since {@link #startMs()}, counting only up: a
     * Prometheus native histogram (counter kind), an OTLP exponential histogram.
     */
    HISTOGRAM
  }

  public SeriesSample {
    requireNonNull(name, "name");
    requireNonNull(type, "type");
    if ((type == Type.HISTOGRAM) != (histogram != null)) {
      throw new IllegalArgumentException(
          "histogram: " + histogram + " (expected: with type HISTOGRAM only)");
    }
    labels = Collections.unmodifiableSortedMap(new TreeMap<>(labels));
  }

  public static SeriesSample of(
      String name, Map<String, String> labels, double value, long timestampMs) {
    return new SeriesSample(name, new TreeMap<>(labels), value, timestampMs, Type.GAUGE, 0, null);
  }

  /** A counter sample: {@code value} counted since {@code startMs}. */
  public static SeriesSample counter(
      String name, Map<String, String> labels, double value, long timestampMs, long startMs) {
    return new SeriesSample(
        name, new TreeMap<>(labels), value, timestampMs, Type.COUNTER, startMs, null);
  }

  /** A cumulative histogram sample counted since {@code startMs}. */
  public static SeriesSample histogram(
      String name,
      Map<String, String> labels,
      ServiceWindow.Histogram histogram,
      long timestampMs,
      long startMs) {
    return new SeriesSample(
        name,
        new TreeMap<>(labels),
        histogram.count(),
        timestampMs,
        Type.HISTOGRAM,
        startMs,
        histogram);
  }

  /** The series identity: name and labels. Samples of one series keep their order. */
  public String seriesKey() {
    StringBuilder b = new StringBuilder(name);
    labels.forEach((k, v) -> b.append('\u0000').append(k).append('=').append(v));
    return b.toString();
  }

  public String tenant() {
    return labels.getOrDefault("tenant", "");
  }
}
