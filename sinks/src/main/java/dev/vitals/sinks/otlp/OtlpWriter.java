package dev.vitals.sinks.otlp;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.vitals.common.retry.Backoff;
import dev.vitals.schemas.signals.ServiceWindow;
import dev.vitals.sinks.delivery.StoreWriter;
import dev.vitals.sinks.delivery.WriteResult;
import dev.vitals.sinks.http.DestinationClient;
import dev.vitals.sinks.series.SeriesSample;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogram;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.resource.v1.Resource;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OTLP/HTTP metrics in protobuf: one resource per (tenant, namespace, service) with {@code
 * service.name}, {@code service.namespace} and {@code vitals.tenant}, one metric per series name,
 * the other labels as data point attributes. Gauges are gauges; counters are cumulative monotonic
 * sums with their start time, named without the {@code _total} suffix that Prometheus adds back to
 * such sums (so {@code vitals_requests_total} leaves as {@code vitals_requests}). Retries follow
 * the OTLP rule: 429, 502, 503 and 504 are retried, every other failure is refused; a partial
 * success is logged and counted.
 */
public final class OtlpWriter implements StoreWriter {

  private static final Logger log = LoggerFactory.getLogger(OtlpWriter.class);
  private static final Set<Integer> RETRYABLE = Set.of(429, 502, 503, 504);
  private static final Set<String> RESOURCE_LABELS = Set.of("tenant", "namespace", "service");
  static final String SCOPE = "dev.vitals.sinks";

  private final DestinationClient client;

  public OtlpWriter(DestinationClient client) {
    this.client = client;
  }

  @Override
  public CompletableFuture<WriteResult> write(List<SeriesSample> samples, String tenant) {
    HttpRequest request =
        client
            .request(client.destination().url(), tenant)
            .setHeader("Content-Type", "application/x-protobuf")
            .POST(HttpRequest.BodyPublishers.ofByteArray(request(samples).toByteArray()))
            .build();
    return client.sendForBytes(request).thenApply(OtlpWriter::result);
  }

  static ExportMetricsServiceRequest request(List<SeriesSample> samples) {
    Map<List<String>, Map<String, Metric.Builder>> byResource = new LinkedHashMap<>();
    for (SeriesSample s : samples) {
      List<String> resource =
          List.of(s.tenant(), s.labels().getOrDefault("namespace", ""), service(s));
      Metric.Builder metric =
          byResource
              .computeIfAbsent(resource, r -> new LinkedHashMap<>())
              .computeIfAbsent(s.name(), n -> metric(s));
      if (s.type() == SeriesSample.Type.HISTOGRAM) {
        metric.getExponentialHistogramBuilder().addDataPoints(exponential(s));
      } else if (s.type() == SeriesSample.Type.COUNTER) {
        metric.getSumBuilder().addDataPoints(point(s));
      } else {
        metric.getGaugeBuilder().addDataPoints(point(s));
      }
    }
    ExportMetricsServiceRequest.Builder out = ExportMetricsServiceRequest.newBuilder();
    byResource.forEach(
        (resource, gauges) -> out.addResourceMetrics(resourceMetrics(resource, gauges)));
    return out.build();
  }

  private static Metric.Builder metric(SeriesSample s) {
    if (s.type() == SeriesSample.Type.HISTOGRAM) {
      return Metric.newBuilder()
          .setName(s.name())
          .setUnit(s.name().endsWith("_seconds") ? "s" : "")
          .setExponentialHistogram(
              ExponentialHistogram.newBuilder()
                  .setAggregationTemporality(
                      AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE));
    }
    if (s.type() != SeriesSample.Type.COUNTER) {
      return Metric.newBuilder().setName(s.name()).setGauge(Gauge.newBuilder());
    }
    String name =
        s.name().endsWith("_total") ? s.name().substring(0, s.name().length() - 6) : s.name();
    return Metric.newBuilder()
        .setName(name)
        .setSum(
            Sum.newBuilder()
                .setAggregationTemporality(
                    AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
                .setIsMonotonic(true));
  }

  private static String service(SeriesSample s) {
    return s.labels().getOrDefault("service", "");
  }

  private static ResourceMetrics resourceMetrics(
      List<String> resource, Map<String, Metric.Builder> metrics) {
    Resource.Builder r =
        Resource.newBuilder().addAttributes(attribute("service.name", resource.get(2)));
    if (!resource.get(1).isEmpty()) {
      r.addAttributes(attribute("service.namespace", resource.get(1)));
    }
    r.addAttributes(attribute("vitals.tenant", resource.get(0)));
    ScopeMetrics.Builder scope =
        ScopeMetrics.newBuilder().setScope(InstrumentationScope.newBuilder().setName(SCOPE));
    metrics.values().forEach(scope::addMetrics);
    return ResourceMetrics.newBuilder().setResource(r).addScopeMetrics(scope).build();
  }

  private static NumberDataPoint point(SeriesSample s) {
    NumberDataPoint.Builder p =
        NumberDataPoint.newBuilder()
            .setTimeUnixNano(s.timestampMs() * 1_000_000L)
            .setAsDouble(s.value());
    if (s.type() == SeriesSample.Type.COUNTER) {
      p.setStartTimeUnixNano(s.startMs() * 1_000_000L);
    }
    s.labels()
        .forEach(
            (k, v) -> {
              if (!RESOURCE_LABELS.contains(k)) {
                p.addAttributes(attribute(k, v));
              }
            });
    return p.build();
  }

  /** A cumulative exponential histogram point: the sketch's own scale and buckets. */
  private static ExponentialHistogramDataPoint exponential(SeriesSample s) {
    ServiceWindow.Histogram h = s.histogram();
    ExponentialHistogramDataPoint.Builder p =
        ExponentialHistogramDataPoint.newBuilder()
            .setStartTimeUnixNano(s.startMs() * 1_000_000L)
            .setTimeUnixNano(s.timestampMs() * 1_000_000L)
            .setCount(h.count())
            .setSum(h.sum())
            .setScale(h.scale())
            .setZeroCount(h.zeroCount())
            .setPositive(
                ExponentialHistogramDataPoint.Buckets.newBuilder()
                    .setOffset(h.offset())
                    .addAllBucketCounts(h.bucketCounts()));
    s.labels()
        .forEach(
            (k, v) -> {
              if (!RESOURCE_LABELS.contains(k)) {
                p.addAttributes(attribute(k, v));
              }
            });
    return p.build();
  }

  private static KeyValue attribute(String key, String value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value))
        .build();
  }

  static WriteResult result(HttpResponse<byte[]> response) {
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      return new WriteResult(
          WriteResult.Outcome.ACCEPTED, status, "", null, rejectedPoints(response.body()));
    }
    WriteResult.Outcome outcome =
        RETRYABLE.contains(status) ? WriteResult.Outcome.RETRYABLE : WriteResult.Outcome.REJECTED;
    return new WriteResult(
        outcome,
        status,
        printable(response.body()),
        Backoff.retryAfter(response, Clock.systemUTC()),
        0);
  }

  private static long rejectedPoints(byte[] body) {
    if (body == null || body.length == 0) {
      return 0;
    }
    try {
      ExportMetricsServiceResponse r = ExportMetricsServiceResponse.parseFrom(body);
      long rejected = r.getPartialSuccess().getRejectedDataPoints();
      if (rejected > 0 || !r.getPartialSuccess().getErrorMessage().isEmpty()) {
        log.warn(
            "OTLP partial success: {} data points rejected: {}",
            rejected,
            r.getPartialSuccess().getErrorMessage());
      }
      return rejected;
    } catch (InvalidProtocolBufferException e) {
      return 0;
    }
  }

  /** The body as text, with the bytes of a protobuf {@code Status} that are not text dropped. */
  private static String printable(byte[] body) {
    String s = new String(body == null ? new byte[0] : body, StandardCharsets.UTF_8);
    return s.replaceAll("[\\p{Cc}\\x{FFFD}&&[^\\n\\t]]", "");
  }
}
