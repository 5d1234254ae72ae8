package dev.vitals.ingest.remotewrite;

import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import java.util.LinkedHashMap;
import java.util.Map;

/** The metrics of one resource, one per name, in the order their names first appeared. */
final class ResourceBatch {

  static final InstrumentationScope SCOPE =
      InstrumentationScope.newBuilder().setName("dev.vitals.ingest.remotewrite").build();

  private final ResourceKey key;
  private final Map<String, Metric.Builder> metrics = new LinkedHashMap<>();

  ResourceBatch(ResourceKey key) {
    this.key = key;
  }

  /** The metric of this name, created with the given kind when it is new. */
  Metric.Builder metric(String name, MetricKind kind) {
    return metrics.computeIfAbsent(name, kind::newMetric);
  }

  ResourceMetrics build() {
    ScopeMetrics.Builder scope = ScopeMetrics.newBuilder().setScope(SCOPE);
    metrics.values().forEach(scope::addMetrics);
    return ResourceMetrics.newBuilder()
        .setResource(key.toResource())
        .addScopeMetrics(scope)
        .build();
  }
}
