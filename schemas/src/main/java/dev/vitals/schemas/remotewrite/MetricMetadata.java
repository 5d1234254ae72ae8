package dev.vitals.schemas.remotewrite;

import static java.util.Objects.requireNonNull;

/**
 * What a sender knows of a metric family: {@code MetricMetadata{MetricType type = 1; string
 * metric_family_name = 2; string help = 4; string unit = 5;}} ({@code WriteRequest.metadata = 3}).
 */
public record MetricMetadata(MetricType type, String metricFamilyName, String help, String unit) {

  public MetricMetadata {
    requireNonNull(type, "type");
    requireNonNull(metricFamilyName, "metricFamilyName");
    requireNonNull(help, "help");
    requireNonNull(unit, "unit");
  }
}
