package dev.vitals.ingest.remotewrite;

import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.Sum;

/** The two OTLP shapes a flat Prometheus series can take. */
enum MetricKind {
  GAUGE {
    @Override
    Metric.Builder newMetric(String name) {
      return Metric.newBuilder().setName(name).setGauge(Gauge.getDefaultInstance());
    }

    @Override
    void add(Metric.Builder metric, NumberDataPoint point) {
      metric.getGaugeBuilder().addDataPoints(point);
    }
  },

  /** A Prometheus counter: a monotonic sum since an unknown start. */
  CUMULATIVE_SUM {
    @Override
    Metric.Builder newMetric(String name) {
      Sum sum =
          Sum.newBuilder()
              .setIsMonotonic(true)
              .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
              .build();
      return Metric.newBuilder().setName(name).setSum(sum);
    }

    @Override
    void add(Metric.Builder metric, NumberDataPoint point) {
      metric.getSumBuilder().addDataPoints(point);
    }
  };

  abstract Metric.Builder newMetric(String name);

  abstract void add(Metric.Builder metric, NumberDataPoint point);
}
