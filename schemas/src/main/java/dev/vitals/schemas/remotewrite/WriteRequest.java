package dev.vitals.schemas.remotewrite;

import java.util.List;

/**
 * A Prometheus remote-write 1.0 request: {@code WriteRequest{repeated TimeSeries timeseries = 1;
 * repeated MetricMetadata metadata = 3;}}. The metadata list is empty when the sender sent none.
 */
public record WriteRequest(List<TimeSeries> timeseries, List<MetricMetadata> metadata) {

  public WriteRequest {
    timeseries = List.copyOf(timeseries);
    metadata = List.copyOf(metadata);
  }

  public WriteRequest(List<TimeSeries> timeseries) {
    this(timeseries, List.of());
  }
}
