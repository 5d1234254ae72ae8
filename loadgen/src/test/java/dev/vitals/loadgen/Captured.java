package dev.vitals.loadgen;

import dev.vitals.schemas.Signal;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.resource.v1.Resource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** A sender that keeps every export in memory, and readers of what it kept. */
final class Captured implements Sender {

  final List<OtlpExport> exports = Collections.synchronizedList(new ArrayList<>());

  @Override
  public boolean send(OtlpExport export) {
    exports.add(export);
    return true;
  }

  static List<OtlpExport> of(List<OtlpExport> exports, String service, Signal signal) {
    return exports.stream()
        .filter(e -> e.service().equals(service) && e.signal() == signal)
        .toList();
  }

  static Metric metric(OtlpExport metrics) {
    return metrics.metrics().getResourceMetrics(0).getScopeMetrics(0).getMetrics(0);
  }

  static List<HistogramDataPoint> points(OtlpExport metrics) {
    return metric(metrics).getHistogram().getDataPointsList();
  }

  static List<ExponentialHistogramDataPoint> exponentialPoints(OtlpExport metrics) {
    return metric(metrics).getExponentialHistogram().getDataPointsList();
  }

  /** Requests counted by the export's points: all, or only those answered 5xx. */
  static long count(OtlpExport metrics, boolean failedOnly) {
    return points(metrics).stream()
        .filter(p -> !failedOnly || status(p.getAttributesList()) >= 500)
        .mapToLong(HistogramDataPoint::getCount)
        .sum();
  }

  static long status(List<KeyValue> attributes) {
    return attributes.stream()
        .filter(a -> a.getKey().equals("http.response.status_code"))
        .mapToLong(a -> a.getValue().getIntValue())
        .findFirst()
        .orElseThrow();
  }

  static String attribute(List<KeyValue> attributes, String key) {
    return attributes.stream()
        .filter(a -> a.getKey().equals(key))
        .map(a -> a.getValue().getStringValue())
        .findFirst()
        .orElseThrow();
  }

  static String resourceAttribute(Resource resource, String key) {
    return attribute(resource.getAttributesList(), key);
  }
}
