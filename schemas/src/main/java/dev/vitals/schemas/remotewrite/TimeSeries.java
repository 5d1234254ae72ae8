package dev.vitals.schemas.remotewrite;

import java.util.List;

/**
 * A remote-write series: {@code TimeSeries{repeated Label labels = 1; repeated Sample samples =
 * 2;}}. Exemplars (3) and native histograms (4) are not carried.
 */
public record TimeSeries(List<Label> labels, List<Sample> samples) {

  public TimeSeries {
    labels = List.copyOf(labels);
    samples = List.copyOf(samples);
  }

  /** The value of the label with this name, or null when the series has no such label. */
  public String label(String name) {
    for (Label label : labels) {
      if (label.name().equals(name)) {
        return label.value();
      }
    }
    return null;
  }
}
