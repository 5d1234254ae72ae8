package dev.vitals.ingest.remotewrite;

import dev.vitals.schemas.remotewrite.MetricMetadata;
import dev.vitals.schemas.remotewrite.MetricType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Decides each metric name's kind from the request's metadata, else from its suffix. */
final class MetricKinds {

  private static final List<String> CUMULATIVE_SUFFIXES =
      List.of("_total", "_count", "_sum", "_bucket");

  private final Map<String, MetricType> typeByFamily = new HashMap<>();

  MetricKinds(List<MetricMetadata> metadata) {
    for (MetricMetadata m : metadata) {
      typeByFamily.put(m.metricFamilyName(), m.type());
    }
  }

  MetricKind of(String name) {
    MetricType type = typeByFamily.get(name);
    if (type == null) {
      type = typeByFamily.get(family(name));
    }
    return type == null ? bySuffix(name) : byType(type, name);
  }

  private static MetricKind byType(MetricType type, String name) {
    return switch (type) {
      case COUNTER -> MetricKind.CUMULATIVE_SUM;
      case HISTOGRAM, SUMMARY -> bySuffix(name);
      default -> MetricKind.GAUGE;
    };
  }

  private static MetricKind bySuffix(String name) {
    return family(name).equals(name) ? MetricKind.GAUGE : MetricKind.CUMULATIVE_SUM;
  }

  /** The name without a counter or histogram suffix; the name itself when it has none. */
  private static String family(String name) {
    for (String suffix : CUMULATIVE_SUFFIXES) {
      if (name.endsWith(suffix) && name.length() > suffix.length()) {
        return name.substring(0, name.length() - suffix.length());
      }
    }
    return name;
  }
}
