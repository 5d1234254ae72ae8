package dev.vitals.sinks.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.schemas.signals.ServiceWindow;
import dev.vitals.sinks.series.SeriesSample;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OtlpWriterTest {

  private static final Map<String, String> LABELS =
      Map.of("tenant", "acme", "namespace", "shop", "service", "cart", "operation", "GET /cart");

  @Test
  void aCounterIsACumulativeMonotonicSumWithItsStartTimeNamedWithoutTotal() {
    ExportMetricsServiceRequest request =
        OtlpWriter.request(
            List.of(
                SeriesSample.counter(
                    "vitals_requests_total", LABELS, 912, 1_800_000_060_000L, 1_800_000_000_000L),
                SeriesSample.of("vitals_window_requests", LABELS, 12, 1_800_000_060_000L)));

    List<Metric> metrics = request.getResourceMetrics(0).getScopeMetrics(0).getMetricsList();
    assertThat(metrics)
        .extracting(Metric::getName)
        .containsExactly("vitals_requests", "vitals_window_requests");
    Metric counter = metrics.get(0);
    assertThat(counter.hasSum()).isTrue();
    assertThat(counter.getSum().getIsMonotonic()).isTrue();
    assertThat(counter.getSum().getAggregationTemporality())
        .isEqualTo(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE);
    NumberDataPoint p = counter.getSum().getDataPoints(0);
    assertThat(p.getAsDouble()).isEqualTo(912);
    assertThat(p.getStartTimeUnixNano()).isEqualTo(1_800_000_000_000L * 1_000_000);
    assertThat(p.getTimeUnixNano()).isEqualTo(1_800_000_060_000L * 1_000_000);
    assertThat(p.getAttributesList()).extracting(kv -> kv.getKey()).containsExactly("operation");
    assertThat(metrics.get(1).hasGauge()).isTrue();
  }

  @Test
  void aHistogramIsACumulativeExponentialHistogramWithTheSketchsOwnScaleAndBuckets() {
    ServiceWindow.Histogram h =
        new ServiceWindow.Histogram(6, 9, 2.5, 1, -200, List.of(3L, 0L, 5L));
    ExportMetricsServiceRequest request =
        OtlpWriter.request(
            List.of(
                SeriesSample.histogram(
                    "vitals_request_duration_seconds",
                    LABELS,
                    h,
                    1_800_000_060_000L,
                    1_800_000_000_000L)));

    Metric metric = request.getResourceMetrics(0).getScopeMetrics(0).getMetrics(0);
    assertThat(metric.getName()).isEqualTo("vitals_request_duration_seconds");
    assertThat(metric.getUnit()).isEqualTo("s");
    assertThat(metric.getExponentialHistogram().getAggregationTemporality())
        .isEqualTo(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE);
    ExponentialHistogramDataPoint p = metric.getExponentialHistogram().getDataPoints(0);
    assertThat(p.getScale()).isEqualTo(6);
    assertThat(p.getCount()).isEqualTo(9);
    assertThat(p.getSum()).isEqualTo(2.5);
    assertThat(p.getZeroCount()).isEqualTo(1);
    assertThat(p.getPositive().getOffset()).isEqualTo(-200);
    assertThat(p.getPositive().getBucketCountsList()).containsExactly(3L, 0L, 5L);
    assertThat(p.getStartTimeUnixNano()).isEqualTo(1_800_000_000_000L * 1_000_000);
  }
}
