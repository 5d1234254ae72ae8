package dev.vitals.ingest.remotewrite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.schemas.otlp.OtlpResources;
import dev.vitals.schemas.remotewrite.Label;
import dev.vitals.schemas.remotewrite.MetricMetadata;
import dev.vitals.schemas.remotewrite.MetricType;
import dev.vitals.schemas.remotewrite.RemoteWriteCodec;
import dev.vitals.schemas.remotewrite.Sample;
import dev.vitals.schemas.remotewrite.TimeSeries;
import dev.vitals.schemas.remotewrite.WriteRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xerial.snappy.Snappy;

class RemoteWriteToOtlpTest {

  private static final long T0 = 1_700_000_000_000L;
  private static final double STALE = Double.longBitsToDouble(Sample.STALE_NAN_BITS);

  /** One sample as the OTLP side sees it. */
  record Point(
      String namespace,
      String service,
      String instance,
      String metric,
      Map<String, String> attributes,
      long timeUnixNano,
      double value,
      int flags) {}

  @Test
  void everySampleArrivesOnceWithItsValueTimeAttributesAndResource() throws Exception {
    WriteRequest request =
        new WriteRequest(
            List.of(
                series(
                    labels(
                        "__name__",
                        "http_requests_total",
                        "code",
                        "200",
                        "instance",
                        "a:1",
                        "job",
                        "shop/checkout"),
                    new Sample(10, T0),
                    new Sample(12, T0 + 15_000)),
                series(
                    labels(
                        "__name__",
                        "http_requests_total",
                        "code",
                        "500",
                        "instance",
                        "a:1",
                        "job",
                        "shop/checkout"),
                    new Sample(1, T0)),
                series(
                    labels("__name__", "up", "instance", "b:1", "job", "api"), new Sample(1, T0)),
                series(labels("__name__", "temperature", "room", "hall"), new Sample(-3.5, T0))));

    Conversion conversion = decodeAndConvert(request);

    assertThat(conversion.acceptedSamples()).isEqualTo(5);
    assertThat(conversion.rejectedSamples()).isZero();
    assertThat(conversion.firstError()).isNull();
    assertThat(points(conversion.request()))
        .containsExactlyInAnyOrder(
            point("shop", "checkout", "a:1", "http_requests_total", Map.of("code", "200"), T0, 10),
            point(
                "shop",
                "checkout",
                "a:1",
                "http_requests_total",
                Map.of("code", "200"),
                T0 + 15_000,
                12),
            point("shop", "checkout", "a:1", "http_requests_total", Map.of("code", "500"), T0, 1),
            point(null, "api", "b:1", "up", Map.of(), T0, 1),
            point(null, "unknown_service", null, "temperature", Map.of("room", "hall"), T0, -3.5));
  }

  @Test
  void oneResourcePerJobAndInstanceWithOneMetricPerName() {
    WriteRequest request =
        new WriteRequest(
            List.of(
                series(labels("__name__", "up", "instance", "a", "job", "api"), new Sample(1, T0)),
                series(labels("__name__", "up", "instance", "b", "job", "api"), new Sample(1, T0)),
                series(
                    labels("__name__", "up", "instance", "a", "job", "api", "x", "1"),
                    new Sample(0, T0))));

    ExportMetricsServiceRequest otlp = RemoteWriteToOtlp.convert(request).request();

    assertThat(otlp.getResourceMetricsList()).hasSize(2);
    ResourceMetrics first = otlp.getResourceMetrics(0);
    assertThat(first.getScopeMetricsList()).hasSize(1);
    assertThat(first.getScopeMetrics(0).getScope().getName())
        .isEqualTo("dev.vitals.ingest.remotewrite");
    assertThat(first.getScopeMetrics(0).getMetricsList()).hasSize(1);
    assertThat(first.getScopeMetrics(0).getMetrics(0).getGauge().getDataPointsList()).hasSize(2);
  }

  @Test
  void staleMarkerBecomesAPointWithNoRecordedValue() {
    WriteRequest request =
        new WriteRequest(
            List.of(series(labels("__name__", "up", "job", "api"), new Sample(STALE, T0))));

    NumberDataPoint point =
        onlyMetric(RemoteWriteToOtlp.convert(request)).getGauge().getDataPoints(0);

    assertThat(point.getFlags()).isEqualTo(1);
    assertThat(point.getAsDouble()).isZero();
    assertThat(point.getTimeUnixNano()).isEqualTo(T0 * 1_000_000L);
    assertThat(point.getStartTimeUnixNano()).isZero();
  }

  @Test
  void ordinaryNanStaysAMeasuredNan() {
    WriteRequest request =
        new WriteRequest(List.of(series(labels("__name__", "ratio"), new Sample(Double.NaN, T0))));

    NumberDataPoint point =
        onlyMetric(RemoteWriteToOtlp.convert(request)).getGauge().getDataPoints(0);

    assertThat(point.getFlags()).isZero();
    assertThat(point.getAsDouble()).isNaN();
  }

  @Test
  void withoutMetadataCounterSuffixesMakeCumulativeMonotonicSums() {
    for (String name : List.of("a_total", "b_count", "c_sum", "d_bucket")) {
      Metric metric = onlyMetric(convertOne(name, List.of()));
      assertThat(metric.hasSum()).as(name).isTrue();
      assertThat(metric.getSum().getIsMonotonic()).as(name).isTrue();
      assertThat(metric.getSum().getAggregationTemporality())
          .as(name)
          .isEqualTo(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE);
    }
    assertThat(onlyMetric(convertOne("memory_bytes", List.of())).hasGauge()).isTrue();
  }

  @Test
  void metadataDecidesTheTypeOverTheSuffix() {
    List<MetricMetadata> metadata =
        List.of(
            new MetricMetadata(MetricType.COUNTER, "jobs_done", "", ""),
            new MetricMetadata(MetricType.GAUGE, "queue_total", "", ""),
            new MetricMetadata(MetricType.COUNTER, "restarts", "", ""),
            new MetricMetadata(MetricType.SUMMARY, "latency", "", ""));

    assertThat(onlyMetric(convertOne("jobs_done", metadata)).hasSum()).isTrue();
    assertThat(onlyMetric(convertOne("queue_total", metadata)).hasGauge()).isTrue();
    assertThat(onlyMetric(convertOne("restarts_total", metadata)).hasSum()).isTrue();
    assertThat(onlyMetric(convertOne("latency", metadata)).hasGauge()).isTrue();
    assertThat(onlyMetric(convertOne("latency_count", metadata)).hasSum()).isTrue();
  }

  @Test
  void seriesWithoutNameAreRejectedAndCountedWhileOthersPass() {
    WriteRequest request =
        new WriteRequest(
            List.of(
                series(labels("job", "api"), new Sample(1, T0), new Sample(2, T0 + 1)),
                series(labels("__name__", "up", "job", "api"), new Sample(1, T0))));

    Conversion conversion = RemoteWriteToOtlp.convert(request);

    assertThat(conversion.acceptedSamples()).isEqualTo(1);
    assertThat(conversion.rejectedSamples()).isEqualTo(2);
    assertThat(conversion.firstError()).isEqualTo("series {job=\"api\"} has no __name__ label");
    assertThat(conversion.allRejected()).isFalse();
    assertThat(points(conversion.request())).hasSize(1);
  }

  @Test
  void requestOfOnlyNamelessSeriesIsAllRejected() {
    WriteRequest request =
        new WriteRequest(List.of(series(labels("job", "api"), new Sample(1, T0))));

    Conversion conversion = RemoteWriteToOtlp.convert(request);

    assertThat(conversion.allRejected()).isTrue();
    assertThat(conversion.request().getResourceMetricsList()).isEmpty();
  }

  @Test
  void timestampTooLargeForNanosecondsIsRejected() {
    WriteRequest request =
        new WriteRequest(
            List.of(series(labels("__name__", "up"), new Sample(1, Long.MAX_VALUE / 1000))));

    Conversion conversion = RemoteWriteToOtlp.convert(request);

    assertThat(conversion.allRejected()).isTrue();
    assertThat(conversion.firstError()).contains("timestamp 9223372036854775 ms");
  }

  private static Conversion decodeAndConvert(WriteRequest request) throws Exception {
    byte[] body = Snappy.compress(RemoteWriteCodec.encode(request));
    return RemoteWriteToOtlp.convert(RemoteWriteBody.decode(body, 1 << 20));
  }

  private static Conversion convertOne(String name, List<MetricMetadata> metadata) {
    return RemoteWriteToOtlp.convert(
        new WriteRequest(List.of(series(labels("__name__", name), new Sample(1, T0))), metadata));
  }

  private static Metric onlyMetric(Conversion conversion) {
    assertThat(conversion.request().getResourceMetricsList()).hasSize(1);
    List<Metric> metrics =
        conversion.request().getResourceMetrics(0).getScopeMetrics(0).getMetricsList();
    assertThat(metrics).hasSize(1);
    return metrics.get(0);
  }

  private static TimeSeries series(List<Label> labels, Sample... samples) {
    return new TimeSeries(labels, List.of(samples));
  }

  private static List<Label> labels(String... namesAndValues) {
    List<Label> labels = new ArrayList<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      labels.add(new Label(namesAndValues[i], namesAndValues[i + 1]));
    }
    return labels;
  }

  private static Point point(
      String namespace,
      String service,
      String instance,
      String metric,
      Map<String, String> attributes,
      long timeMs,
      double value) {
    return new Point(
        namespace, service, instance, metric, attributes, timeMs * 1_000_000L, value, 0);
  }

  private static List<Point> points(ExportMetricsServiceRequest request) {
    List<Point> points = new ArrayList<>();
    for (ResourceMetrics resource : request.getResourceMetricsList()) {
      List<KeyValue> r = resource.getResource().getAttributesList();
      for (ScopeMetrics scope : resource.getScopeMetricsList()) {
        for (Metric metric : scope.getMetricsList()) {
          List<NumberDataPoint> data =
              metric.hasSum()
                  ? metric.getSum().getDataPointsList()
                  : metric.getGauge().getDataPointsList();
          for (NumberDataPoint p : data) {
            points.add(
                new Point(
                    OtlpResources.stringAttribute(r, OtlpResources.SERVICE_NAMESPACE),
                    OtlpResources.stringAttribute(r, OtlpResources.SERVICE_NAME),
                    OtlpResources.stringAttribute(r, OtlpResources.SERVICE_INSTANCE_ID),
                    metric.getName(),
                    attributes(p.getAttributesList()),
                    p.getTimeUnixNano(),
                    p.getAsDouble(),
                    p.getFlags()));
          }
        }
      }
    }
    return points;
  }

  private static Map<String, String> attributes(List<KeyValue> attributes) {
    Map<String, String> map = new LinkedHashMap<>();
    attributes.forEach(kv -> map.put(kv.getKey(), kv.getValue().getStringValue()));
    return map;
  }
}
