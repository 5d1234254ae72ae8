package dev.vitals.bench;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.resource.v1.Resource;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A realistic OTLP metrics export, as an SDK's periodic reader sends it: {@value #SERVICES}
 * services, each a resource with a dozen attributes, and per service HTTP server metrics (a
 * duration histogram, a request counter, an active-requests up-down counter and a gauge) with
 * {@code http.route}, {@code http.request.method} and {@code http.response.status_code}, {@value
 * #POINTS} data points in all.
 */
final class MetricsPayload {

  static final int SERVICES = 10;
  static final int POINTS = 1_000;
  private static final int POINTS_PER_METRIC = POINTS / SERVICES / 4;
  private static final List<String> ROUTES =
      List.of("/", "/api/orders", "/api/orders/{id}", "/api/cart", "/api/users/{id}");
  private static final List<String> METHODS = List.of("GET", "POST", "PUT", "DELETE", "PATCH");
  private static final List<Long> STATUSES = List.of(200L, 201L, 404L, 500L, 503L);
  private static final List<Double> BOUNDS =
      List.of(0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0);

  private MetricsPayload() {}

  static ExportMetricsServiceRequest request() {
    SplittableRandom random = new SplittableRandom(42);
    long now = System.currentTimeMillis() * 1_000_000L;
    long start = now - 60_000_000_000L;
    ExportMetricsServiceRequest.Builder request = ExportMetricsServiceRequest.newBuilder();
    for (int s = 0; s < SERVICES; s++) {
      ScopeMetrics scope =
          ScopeMetrics.newBuilder()
              .setScope(
                  InstrumentationScope.newBuilder()
                      .setName("io.opentelemetry.http-server")
                      .setVersion("2.10.0"))
              .addMetrics(histogram(random, start, now))
              .addMetrics(sum("http.server.requests", true, random, start, now))
              .addMetrics(sum("http.server.active_requests", false, random, start, now))
              .addMetrics(gauge(random, now))
              .build();
      request.addResourceMetrics(
          ResourceMetrics.newBuilder()
              .setResource(resource(s))
              .addScopeMetrics(scope)
              .setSchemaUrl("https://opentelemetry.io/schemas/1.26.0"));
    }
    return request.build();
  }

  private static Resource resource(int service) {
    String name = "service-" + service;
    return Resource.newBuilder()
        .addAttributes(kv("service.name", name))
        .addAttributes(kv("service.namespace", "shop"))
        .addAttributes(kv("service.version", "1.4." + service))
        .addAttributes(kv("service.instance.id", name + "-7d9f8b6c5-x2k4q"))
        .addAttributes(kv("deployment.environment.name", "production"))
        .addAttributes(kv("host.name", "node-" + (service % 3) + ".cluster.local"))
        .addAttributes(kv("host.arch", "amd64"))
        .addAttributes(kv("os.type", "linux"))
        .addAttributes(kv("k8s.namespace.name", "shop"))
        .addAttributes(kv("k8s.pod.name", name + "-7d9f8b6c5-x2k4q"))
        .addAttributes(kv("telemetry.sdk.name", "opentelemetry"))
        .addAttributes(kv("telemetry.sdk.language", "java"))
        .build();
  }

  private static Metric histogram(SplittableRandom random, long start, long now) {
    Histogram.Builder h =
        Histogram.newBuilder()
            .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE);
    for (int i = 0; i < POINTS_PER_METRIC; i++) {
      HistogramDataPoint.Builder p =
          HistogramDataPoint.newBuilder()
              .setStartTimeUnixNano(start)
              .setTimeUnixNano(now)
              .addAllAttributes(httpAttributes(i))
              .addAllExplicitBounds(BOUNDS);
      long count = 0;
      for (int b = 0; b <= BOUNDS.size(); b++) {
        long n = random.nextInt(1_000);
        p.addBucketCounts(n);
        count += n;
      }
      h.addDataPoints(p.setCount(count).setSum(count * 0.12).setMin(0.001).setMax(9.5));
    }
    return Metric.newBuilder()
        .setName("http.server.request.duration")
        .setUnit("s")
        .setHistogram(h)
        .build();
  }

  private static Metric sum(
      String name, boolean monotonic, SplittableRandom random, long start, long now) {
    Sum.Builder sum =
        Sum.newBuilder()
            .setIsMonotonic(monotonic)
            .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE);
    for (int i = 0; i < POINTS_PER_METRIC; i++) {
      sum.addDataPoints(
          NumberDataPoint.newBuilder()
              .setStartTimeUnixNano(start)
              .setTimeUnixNano(now)
              .addAllAttributes(httpAttributes(i))
              .setAsInt(random.nextInt(100_000)));
    }
    return Metric.newBuilder().setName(name).setUnit("{request}").setSum(sum).build();
  }

  private static Metric gauge(SplittableRandom random, long now) {
    Gauge.Builder gauge = Gauge.newBuilder();
    for (int i = 0; i < POINTS_PER_METRIC; i++) {
      gauge.addDataPoints(
          NumberDataPoint.newBuilder()
              .setTimeUnixNano(now)
              .addAllAttributes(httpAttributes(i))
              .setAsDouble(random.nextDouble() * 100));
    }
    return Metric.newBuilder()
        .setName("http.server.queue.utilization")
        .setUnit("%")
        .setGauge(gauge)
        .build();
  }

  private static List<KeyValue> httpAttributes(int i) {
    return List.of(
        kv("http.route", ROUTES.get(i % ROUTES.size())),
        kv("http.request.method", METHODS.get(i / ROUTES.size() % METHODS.size())),
        KeyValue.newBuilder()
            .setKey("http.response.status_code")
            .setValue(AnyValue.newBuilder().setIntValue(STATUSES.get(i * 7 % STATUSES.size())))
            .build());
  }

  private static KeyValue kv(String key, String value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value))
        .build();
  }
}
