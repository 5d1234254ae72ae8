package dev.vitals.sinks.series;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One sample of one series, as every store sink writes it: a metric name, labels sorted by name
 * (remote write requires the order), a value and a timestamp in epoch milliseconds. Every series
 * carries a {@code tenant} label; {@link #tenant()} reads it for sinks that route by tenant.
 */
public record Sample(
    String name, SortedMap<String, String> labels, double value, long timestampMs) {

  public Sample {
    requireNonNull(name, "name");
    labels = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(labels));
  }

  public static Sample of(String name, Map<String, String> labels, double value, long timestampMs) {
    return new Sample(name, new TreeMap<>(labels), value, timestampMs);
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
