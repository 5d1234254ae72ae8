package dev.vitals.streams.window;

import com.google.protobuf.ByteString;
import dev.vitals.schemas.otlp.OtlpResources;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogram;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.util.List;

/** Builds OTLP requests for tests, the way SDKs write them. */
final class OtlpFixtures {

  static final long MS = 1_000_000L;

  private OtlpFixtures() {}

  static Resource resource(String service) {
    return Resource.newBuilder()
        .addAttributes(OtlpResources.stringKeyValue(OtlpResources.SERVICE_NAME, service))
        .addAttributes(OtlpResources.stringKeyValue("service.instance.id", "i-1"))
        .build();
  }

  static KeyValue str(String k, String v) {
    return OtlpResources.stringKeyValue(k, v);
  }

  static KeyValue num(String k, long v) {
    return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setIntValue(v)).build();
  }

  static ByteString traceId(int n) {
    byte[] id = new byte[16];
    id[15] = (byte) n;
    id[0] = 1;
    return ByteString.copyFrom(id);
  }

  static String traceHex(int n) {
    return String.format("01%028d%02x", 0, n);
  }

  /** A server span ending at {@code endMs} that took {@code seconds}. */
  static Span serverSpan(String route, long endMs, double seconds, boolean error) {
    long end = endMs * MS;
    Span.Builder s =
        Span.newBuilder()
            .setName("GET " + route)
            .setKind(Span.SpanKind.SPAN_KIND_SERVER)
            .setTraceId(traceId(error ? 7 : 3))
            .setStartTimeUnixNano(end - Math.round(seconds * 1e9))
            .setEndTimeUnixNano(end)
            .addAttributes(str("http.route", route));
    if (error) {
      s.setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR));
    }
    return s.build();
  }

  static ExportTraceServiceRequest spans(String service, List<Span> spans) {
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(
            ResourceSpans.newBuilder()
                .setResource(resource(service))
                .addScopeSpans(ScopeSpans.newBuilder().addAllSpans(spans)))
        .build();
  }

  static ExportLogsServiceRequest logs(String service, List<LogRecord> logs) {
    return ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(
            ResourceLogs.newBuilder()
                .setResource(resource(service))
                .addScopeLogs(ScopeLogs.newBuilder().addAllLogRecords(logs)))
        .build();
  }

  static LogRecord log(long timeMs, SeverityNumber severity, String body) {
    return LogRecord.newBuilder()
        .setTimeUnixNano(timeMs * MS)
        .setSeverityNumber(severity)
        .setBody(AnyValue.newBuilder().setStringValue(body))
        .build();
  }

  static ExportMetricsServiceRequest metrics(String service, Metric... metrics) {
    return ExportMetricsServiceRequest.newBuilder()
        .addResourceMetrics(
            ResourceMetrics.newBuilder()
                .setResource(resource(service))
                .addScopeMetrics(
                    ScopeMetrics.newBuilder()
                        .setScope(
                            io.opentelemetry.proto.common.v1.InstrumentationScope.newBuilder()
                                .setName("io.opentelemetry.http"))
                        .addAllMetrics(List.of(metrics))))
        .build();
  }

  /** http.server.request.duration as an exponential histogram point of the given values. */
  static Metric exponential(
      boolean cumulative,
      long startMs,
      long timeMs,
      int scale,
      double[] seconds,
      KeyValue... attrs) {
    int lowest = Integer.MAX_VALUE;
    int highest = Integer.MIN_VALUE;
    int[] indexes = new int[seconds.length];
    for (int i = 0; i < seconds.length; i++) {
      indexes[i] = index(seconds[i], scale);
      lowest = Math.min(lowest, indexes[i]);
      highest = Math.max(highest, indexes[i]);
    }
    long[] counts = new long[seconds.length == 0 ? 0 : highest - lowest + 1];
    for (int index : indexes) {
      counts[index - lowest]++;
    }
    ExponentialHistogramDataPoint.Buckets.Builder positive =
        ExponentialHistogramDataPoint.Buckets.newBuilder()
            .setOffset(seconds.length == 0 ? 0 : lowest);
    for (long c : counts) {
      positive.addBucketCounts(c);
    }
    ExponentialHistogramDataPoint point =
        ExponentialHistogramDataPoint.newBuilder()
            .setStartTimeUnixNano(startMs * MS)
            .setTimeUnixNano(timeMs * MS)
            .setCount(seconds.length)
            .setScale(scale)
            .setPositive(positive)
            .addAllAttributes(List.of(attrs))
            .build();
    return Metric.newBuilder()
        .setName("http.server.request.duration")
        .setUnit("s")
        .setExponentialHistogram(
            ExponentialHistogram.newBuilder()
                .setAggregationTemporality(
                    cumulative
                        ? AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE
                        : AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA)
                .addDataPoints(point))
        .build();
  }

  /** The index of the exponential bucket (base^i, base^(i+1)] that holds {@code v}. */
  static int index(double v, int scale) {
    return (int) Math.ceil(Math.log(v) / Math.log(2) * Math.pow(2, scale)) - 1;
  }

  /** An explicit-bucket http.server.request.duration point with the given bucket counts. */
  static Metric explicit(
      boolean cumulative,
      long startMs,
      long timeMs,
      double[] bounds,
      long[] counts,
      KeyValue... attrs) {
    HistogramDataPoint.Builder p =
        HistogramDataPoint.newBuilder()
            .setStartTimeUnixNano(startMs * MS)
            .setTimeUnixNano(timeMs * MS)
            .addAllAttributes(List.of(attrs));
    long total = 0;
    for (double b : bounds) {
      p.addExplicitBounds(b);
    }
    for (long c : counts) {
      p.addBucketCounts(c);
      total += c;
    }
    p.setCount(total);
    return Metric.newBuilder()
        .setName("http.server.request.duration")
        .setUnit("s")
        .setHistogram(
            Histogram.newBuilder()
                .setAggregationTemporality(
                    cumulative
                        ? AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE
                        : AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA)
                .addDataPoints(p))
        .build();
  }
}
