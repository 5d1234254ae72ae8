package dev.vitals.bench;

import dev.vitals.schemas.Topics;
import dev.vitals.schemas.otlp.OtlpResources;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogram;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The input of the streams benchmark, shaped as ingest writes it: one {@code
 * ExportMetricsServiceRequest} per record with one resource (one service), keyed by {@code
 * tenant/namespace/name}, header {@code vitals.tenant}. Each service reports {@code
 * http.server.request.duration} as a CUMULATIVE histogram for {@link #ROUTES} routes × {@link
 * #METHODS} methods × {@link #STATUSES} status codes = 100 series; every round is one export per
 * service, {@link #ROUND_SECONDS} s of event time after the previous one.
 */
final class StreamsInput {

  /** Explicit bounds (the HTTP semantic conventions' advice) or exponential buckets. */
  enum Kind {
    EXPLICIT,
    EXPONENTIAL
  }

  static final String TENANT = "default";
  static final String NAMESPACE = "bench";
  static final int ROUND_SECONDS = 10;
  static final List<String> ROUTES =
      List.of(
          "/api/v1/items",
          "/api/v1/items/{id}",
          "/api/v1/items/{id}/reviews",
          "/api/v1/cart",
          "/api/v1/cart/{item}",
          "/api/v1/orders",
          "/api/v1/orders/{id}",
          "/api/v1/users/{id}",
          "/api/v1/search",
          "/healthz");
  static final List<String> METHODS = List.of("GET", "POST");

  /** Status codes and the requests each series gets per round (about 10/s per route and method). */
  static final int[] STATUSES = {200, 201, 404, 500, 503};

  private static final int[] REQUESTS_PER_ROUND = {90, 5, 3, 1, 1};

  /** http.server.request.duration's advised bounds (seconds). */
  static final double[] BOUNDS = {
    0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0
  };

  /** Exponential points at scale 3 (8 buckets per power of two), from 2^-10 s (~1 ms) up. */
  private static final int EXP_SCALE = 3;

  private static final int EXP_LOWEST_INDEX = -10 * (1 << EXP_SCALE);
  private static final int EXP_BUCKETS = 14 * (1 << EXP_SCALE);

  static final int SERIES_PER_SERVICE = ROUTES.size() * METHODS.size() * STATUSES.length;

  private final Kind kind;
  private final int services;
  private final int rounds;
  private final long startNanos;

  /** Per service, per series: cumulative bucket counts (and sum at the end of the array). */
  private final long[][][] counts;

  private final double[][] sums;
  private final SplittableRandom random = new SplittableRandom(42);

  /**
   * @param endMs event time of the last round; the first is {@code rounds} rounds earlier
   */
  StreamsInput(Kind kind, int services, int rounds, long endMs) {
    this.kind = kind;
    this.services = services;
    this.rounds = rounds;
    this.startNanos = (endMs - (long) (rounds + 1) * ROUND_SECONDS * 1000) * 1_000_000;
    int buckets = kind == Kind.EXPLICIT ? BOUNDS.length + 1 : EXP_BUCKETS;
    this.counts = new long[services][SERIES_PER_SERVICE][buckets];
    this.sums = new double[services][SERIES_PER_SERVICE];
  }

  long points() {
    return (long) rounds * services * SERIES_PER_SERVICE;
  }

  long records() {
    return (long) rounds * services;
  }

  /** Produces every round, in order, to {@code topic}; returns the bytes of the record values. */
  long produce(String bootstrap, String topic) {
    long bytes = 0;
    Map<String, Object> props =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.LINGER_MS_CONFIG,
            5,
            ProducerConfig.COMPRESSION_TYPE_CONFIG,
            "lz4",
            ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
            16 << 20);
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int round = 0; round < rounds; round++) {
        long timeNanos = startNanos + (long) (round + 1) * ROUND_SECONDS * 1_000_000_000L;
        for (int s = 0; s < services; s++) {
          Resource resource = resource(s);
          byte[] value = request(resource, s, timeNanos).toByteArray();
          bytes += value.length;
          byte[] key = OtlpResources.serviceKey(TENANT, resource).toBytes();
          ProducerRecord<byte[], byte[]> record =
              new ProducerRecord<>(topic, null, timeNanos / 1_000_000, key, value);
          record.headers().add(Topics.HEADER_TENANT, TENANT.getBytes(StandardCharsets.UTF_8));
          record
              .headers()
              .add(
                  Topics.HEADER_CONTENT_TYPE,
                  "application/x-protobuf".getBytes(StandardCharsets.UTF_8));
          var unused = producer.send(record);
        }
      }
      producer.flush();
    }
    return bytes;
  }

  /**
   * The next export of one service, at {@code timeNanos}: its cumulative counts go on from its last
   * export (the caller keeps each service's times increasing).
   */
  ExportMetricsServiceRequest next(int service, long timeNanos) {
    return request(resource(service), service, timeNanos);
  }

  private static Resource resource(int service) {
    return Resource.newBuilder()
        .addAttributes(OtlpResources.stringKeyValue("service.name", "service-" + service))
        .addAttributes(OtlpResources.stringKeyValue("service.namespace", NAMESPACE))
        .addAttributes(
            OtlpResources.stringKeyValue("service.instance.id", "instance-" + service + "-0"))
        .addAttributes(OtlpResources.stringKeyValue("host.name", "node-" + (service % 7)))
        .addAttributes(OtlpResources.stringKeyValue("telemetry.sdk.language", "java"))
        .addAttributes(OtlpResources.stringKeyValue("telemetry.sdk.name", "opentelemetry"))
        .addAttributes(OtlpResources.stringKeyValue("telemetry.sdk.version", "1.44.1"))
        .build();
  }

  private ExportMetricsServiceRequest request(Resource resource, int service, long timeNanos) {
    Metric.Builder metric =
        Metric.newBuilder()
            .setName("http.server.request.duration")
            .setUnit("s")
            .setDescription("Duration of HTTP server requests.");
    Histogram.Builder explicit =
        Histogram.newBuilder()
            .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE);
    ExponentialHistogram.Builder exponential =
        ExponentialHistogram.newBuilder()
            .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE);
    int series = 0;
    for (int r = 0; r < ROUTES.size(); r++) {
      for (String method : METHODS) {
        for (int st = 0; st < STATUSES.length; st++) {
          double median = 0.02 * (1 + r) * (STATUSES[st] >= 500 ? 3 : 1);
          record(service, series, median, REQUESTS_PER_ROUND[st]);
          List<KeyValue> attributes = attributes(ROUTES.get(r), method, STATUSES[st]);
          if (kind == Kind.EXPLICIT) {
            explicit.addDataPoints(explicitPoint(service, series, attributes, timeNanos));
          } else {
            exponential.addDataPoints(exponentialPoint(service, series, attributes, timeNanos));
          }
          series++;
        }
      }
    }
    if (kind == Kind.EXPLICIT) {
      metric.setHistogram(explicit);
    } else {
      metric.setExponentialHistogram(exponential);
    }
    return ExportMetricsServiceRequest.newBuilder()
        .addResourceMetrics(
            ResourceMetrics.newBuilder()
                .setResource(resource)
                .addScopeMetrics(
                    ScopeMetrics.newBuilder()
                        .setScope(
                            InstrumentationScope.newBuilder()
                                .setName("io.opentelemetry.netty-4.1")
                                .setVersion("2.10.0-alpha"))
                        .addMetrics(metric)))
        .build();
  }

  /** Adds about {@code perRound} log-normal latencies around {@code median} to a series. */
  private void record(int service, int series, double median, int perRound) {
    long[] c = counts[service][series];
    int n = perRound <= 1 ? random.nextInt(3) : perRound - 2 + random.nextInt(5);
    for (int i = 0; i < n; i++) {
      double seconds = median * Math.exp(0.6 * random.nextGaussian());
      sums[service][series] += seconds;
      c[bucket(seconds)]++;
    }
  }

  private int bucket(double seconds) {
    if (kind == Kind.EXPLICIT) {
      int i = 0;
      while (i < BOUNDS.length && seconds > BOUNDS[i]) {
        i++;
      }
      return i;
    }
    int index = (int) Math.ceil(Math.log(seconds) / Math.log(2) * (1 << EXP_SCALE)) - 1;
    return Math.max(0, Math.min(EXP_BUCKETS - 1, index - EXP_LOWEST_INDEX));
  }

  private HistogramDataPoint explicitPoint(
      int service, int series, List<KeyValue> attributes, long timeNanos) {
    long[] c = counts[service][series];
    HistogramDataPoint.Builder p =
        HistogramDataPoint.newBuilder()
            .addAllAttributes(attributes)
            .setStartTimeUnixNano(startNanos)
            .setTimeUnixNano(timeNanos)
            .setSum(sums[service][series]);
    long total = 0;
    for (double b : BOUNDS) {
      p.addExplicitBounds(b);
    }
    for (long n : c) {
      p.addBucketCounts(n);
      total += n;
    }
    return p.setCount(total).build();
  }

  /** Positive buckets from the first to the last non-empty one, as the SDKs send them. */
  private ExponentialHistogramDataPoint exponentialPoint(
      int service, int series, List<KeyValue> attributes, long timeNanos) {
    long[] c = counts[service][series];
    int first = 0;
    while (first < c.length && c[first] == 0) {
      first++;
    }
    int last = c.length - 1;
    while (last >= first && c[last] == 0) {
      last--;
    }
    ExponentialHistogramDataPoint.Buckets.Builder positive =
        ExponentialHistogramDataPoint.Buckets.newBuilder()
            .setOffset(first >= c.length ? 0 : EXP_LOWEST_INDEX + first);
    long total = 0;
    for (int i = first; i <= last; i++) {
      positive.addBucketCounts(c[i]);
      total += c[i];
    }
    return ExponentialHistogramDataPoint.newBuilder()
        .addAllAttributes(attributes)
        .setStartTimeUnixNano(startNanos)
        .setTimeUnixNano(timeNanos)
        .setScale(EXP_SCALE)
        .setCount(total)
        .setSum(sums[service][series])
        .setPositive(positive)
        .build();
  }

  private static List<KeyValue> attributes(String route, String method, int status) {
    List<KeyValue> out = new ArrayList<>(4);
    out.add(OtlpResources.stringKeyValue("http.route", route));
    out.add(OtlpResources.stringKeyValue("http.request.method", method));
    out.add(
        KeyValue.newBuilder()
            .setKey("http.response.status_code")
            .setValue(AnyValue.newBuilder().setIntValue(status))
            .build());
    out.add(OtlpResources.stringKeyValue("url.scheme", "https"));
    return out;
  }
}
