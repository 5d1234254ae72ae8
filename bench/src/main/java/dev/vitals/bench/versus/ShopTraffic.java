package dev.vitals.bench.versus;

import dev.vitals.schemas.remotewrite.Label;
import dev.vitals.schemas.remotewrite.Sample;
import dev.vitals.schemas.remotewrite.TimeSeries;
import dev.vitals.schemas.remotewrite.WriteRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The request-duration histograms of a shop of {@code services} services, each serving {@code
 * requestsPerSecond} with a baseline error ratio, as a scrape would see them every interval: the
 * same cumulative counts written as Prometheus classic-histogram series (remote write) and as OTLP
 * cumulative explicit-bucket histogram points. Services can be switched, one by one, to an
 * incident's error ratio.
 *
 * <p>Counts grow by fractions and are published rounded down, so every counter is monotonic and
 * {@code _count} equals the {@code +Inf} bucket. Bounds are the OpenTelemetry advice for {@code
 * http.server.request.duration}.
 */
final class ShopTraffic {

  static final String NAMESPACE = "shop";
  static final double[] BOUNDS = {
    0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10
  };

  /** Share of requests per bucket (BOUNDS.length + 1 of them), the same for errors and others. */
  private static final double[] SHARE = {
    0.05, 0.15, 0.30, 0.25, 0.10, 0.06, 0.05, 0.02, 0.01, 0.005, 0.003, 0.001, 0.0005, 0.0003,
    0.0002
  };

  private static final String[] STATUS = {"200", "500"};
  private static final String METRIC = "http_server_request_duration_seconds";

  private final int services;
  private final double requestsPerSecond;
  private final double baselineErrorRatio;
  private final long startMs;

  /** [service][status][bucket] cumulative (fractional) counts. */
  private final double[][][] counts;

  private final double[][] sums;
  private final java.util.Map<Integer, Double> failing = new java.util.HashMap<>();

  ShopTraffic(int services, double requestsPerSecond, double baselineErrorRatio, long startMs) {
    this.services = services;
    this.requestsPerSecond = requestsPerSecond;
    this.baselineErrorRatio = baselineErrorRatio;
    this.startMs = startMs;
    this.counts = new double[services][STATUS.length][SHARE.length];
    this.sums = new double[services][STATUS.length];
  }

  static String name(int service) {
    return String.format(Locale.ROOT, "svc-%04d", service);
  }

  /** From now on, {@code service} fails {@code errorRatio} of its requests. */
  synchronized void incident(int service, double errorRatio) {
    failing.put(service, errorRatio);
  }

  /** Serves {@code seconds} of requests. */
  synchronized void advance(double seconds) {
    for (int s = 0; s < services; s++) {
      double n = requestsPerSecond * seconds;
      double ratio = failing.getOrDefault(s, baselineErrorRatio);
      double[] perStatus = {n * (1 - ratio), n * ratio};
      for (int st = 0; st < STATUS.length; st++) {
        for (int b = 0; b < SHARE.length; b++) {
          double c = perStatus[st] * SHARE[b];
          counts[s][st][b] += c;
          sums[s][st] += c * middle(b);
        }
      }
    }
  }

  /** Samples per scrape as Prometheus counts them: buckets with +Inf, _sum, _count. */
  int samplesPerScrape() {
    return services * STATUS.length * (SHARE.length + 2);
  }

  /** OTLP histogram points per scrape. */
  int pointsPerScrape() {
    return services * STATUS.length;
  }

  /** The scrape at {@code atMs} as remote-write requests of at most {@code maxSeries} series. */
  synchronized List<WriteRequest> remoteWrite(long atMs, int maxSeries) {
    List<WriteRequest> out = new ArrayList<>();
    List<TimeSeries> batch = new ArrayList<>();
    for (int s = 0; s < services; s++) {
      for (int st = 0; st < STATUS.length; st++) {
        long cumulative = 0;
        for (int b = 0; b < SHARE.length; b++) {
          cumulative += (long) Math.floor(counts[s][st][b]);
          String le = b < BOUNDS.length ? Double.toString(BOUNDS[b]) : "+Inf";
          batch.add(series(METRIC + "_bucket", s, st, le, (double) cumulative, atMs));
        }
        batch.add(series(METRIC + "_count", s, st, null, (double) cumulative, atMs));
        batch.add(series(METRIC + "_sum", s, st, null, sums[s][st], atMs));
        if (batch.size() >= maxSeries) {
          out.add(new WriteRequest(batch));
          batch = new ArrayList<>();
        }
      }
    }
    if (!batch.isEmpty()) {
      out.add(new WriteRequest(batch));
    }
    return out;
  }

  private static TimeSeries series(
      String name, int service, int status, String le, double value, long atMs) {
    List<Label> labels = new ArrayList<>(5);
    labels.add(new Label("__name__", name));
    labels.add(new Label("http_response_status_code", STATUS[status]));
    labels.add(new Label("instance", "i-1"));
    labels.add(new Label("job", NAMESPACE + "/" + name(service)));
    if (le != null) {
      labels.add(new Label("le", le));
    }
    return new TimeSeries(labels, List.of(new Sample(value, atMs)));
  }

  /** The scrape at {@code atMs} as OTLP requests of at most {@code maxServices} resources. */
  synchronized List<ExportMetricsServiceRequest> otlp(long atMs, int maxServices) {
    List<ExportMetricsServiceRequest> out = new ArrayList<>();
    ExportMetricsServiceRequest.Builder request = ExportMetricsServiceRequest.newBuilder();
    for (int s = 0; s < services; s++) {
      Histogram.Builder histogram =
          Histogram.newBuilder()
              .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE);
      for (int st = 0; st < STATUS.length; st++) {
        HistogramDataPoint.Builder p =
            HistogramDataPoint.newBuilder()
                .setStartTimeUnixNano(startMs * 1_000_000L)
                .setTimeUnixNano(atMs * 1_000_000L)
                .addAttributes(intAttribute("http.response.status_code", STATUS[st]))
                .setSum(sums[s][st]);
        long count = 0;
        for (int b = 0; b < SHARE.length; b++) {
          long c = (long) Math.floor(counts[s][st][b]);
          p.addBucketCounts(c);
          count += c;
        }
        for (double bound : BOUNDS) {
          p.addExplicitBounds(bound);
        }
        histogram.addDataPoints(p.setCount(count));
      }
      request.addResourceMetrics(
          ResourceMetrics.newBuilder()
              .setResource(
                  Resource.newBuilder()
                      .addAttributes(stringAttribute("service.name", name(s)))
                      .addAttributes(stringAttribute("service.namespace", NAMESPACE))
                      .addAttributes(stringAttribute("service.instance.id", "i-1")))
              .addScopeMetrics(
                  ScopeMetrics.newBuilder()
                      .addMetrics(
                          Metric.newBuilder()
                              .setName("http.server.request.duration")
                              .setUnit("s")
                              .setHistogram(histogram))));
      if (request.getResourceMetricsCount() >= maxServices) {
        out.add(request.build());
        request = ExportMetricsServiceRequest.newBuilder();
      }
    }
    if (request.getResourceMetricsCount() > 0) {
      out.add(request.build());
    }
    return out;
  }

  /** Where in its bucket a request's duration lies, for the sum: the middle (last: 12.5 s). */
  private static double middle(int bucket) {
    double lower = bucket == 0 ? 0 : BOUNDS[bucket - 1];
    double upper = bucket < BOUNDS.length ? BOUNDS[bucket] : 15;
    return (lower + upper) / 2;
  }

  private static KeyValue stringAttribute(String key, String value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value))
        .build();
  }

  private static KeyValue intAttribute(String key, String value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setIntValue(Long.parseLong(value)))
        .build();
  }
}
