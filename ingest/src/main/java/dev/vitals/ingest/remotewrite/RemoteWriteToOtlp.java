package dev.vitals.ingest.remotewrite;

import static dev.vitals.schemas.otlp.OtlpResources.stringKeyValue;

import dev.vitals.schemas.remotewrite.Label;
import dev.vitals.schemas.remotewrite.Sample;
import dev.vitals.schemas.remotewrite.TimeSeries;
import dev.vitals.schemas.remotewrite.WriteRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.DataPointFlags;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Turns a remote-write 1.0 request into OTLP metrics.
 *
 * <p><b>Resources.</b> One {@code ResourceMetrics} per distinct ({@code job}, {@code instance}):
 * {@code job} "ns/name" gives {@code service.namespace}=ns and {@code service.name}=name, a job
 * without '/' gives only {@code service.name}, no job gives {@code unknown_service}; {@code
 * instance} gives {@code service.instance.id}. Each has one scope, {@code
 * dev.vitals.ingest.remotewrite}.
 *
 * <p><b>Metrics.</b> {@code __name__} is the metric name; series of one name in one resource share
 * a metric; the other labels become string point attributes. Series without {@code __name__} are
 * rejected and counted, never thrown.
 *
 * <p><b>Types.</b> Remote write 1.0 carries no type per series, so it is guessed:
 *
 * <ul>
 *   <li>when the request's metadata names the family ({@code foo_total} or its family {@code foo}):
 *       COUNTER is a monotonic cumulative Sum; for HISTOGRAM and SUMMARY the {@code _bucket},
 *       {@code _count} and {@code _sum} series are monotonic cumulative Sums and the rest Gauges;
 *       every other type, UNKNOWN included, is a Gauge;
 *   <li>without metadata, names ending {@code _total}, {@code _count}, {@code _sum} or {@code
 *       _bucket} are monotonic cumulative Sums and all others Gauges.
 * </ul>
 *
 * Histograms and summaries stay flat series; they are not reassembled into OTLP histograms.
 *
 * <p><b>Points.</b> {@code time_unix_nano} = timestamp ms × 10⁶; {@code start_time_unix_nano} stays
 * 0 because Prometheus does not send the start; the value is {@code as_double}. The staleness
 * marker (NaN 0x7ff0000000000002) becomes a point with value 0 and the no-recorded-value flag.
 */
public final class RemoteWriteToOtlp {

  static final String METRIC_NAME = "__name__";

  /** Latest timestamp whose nanoseconds fit in a signed 64-bit integer (year 2262). */
  private static final long MAX_TIMESTAMP_MS = Long.MAX_VALUE / 1_000_000L;

  private final MetricKinds kinds;
  private final Map<ResourceKey, ResourceBatch> resources = new LinkedHashMap<>();
  private int accepted;
  private int rejected;
  private String firstError;

  private RemoteWriteToOtlp(MetricKinds kinds) {
    this.kinds = kinds;
  }

  /** Converts a request; never throws for bad series, which are counted in the result. */
  public static Conversion convert(WriteRequest request) {
    RemoteWriteToOtlp conversion = new RemoteWriteToOtlp(new MetricKinds(request.metadata()));
    request.timeseries().forEach(conversion::add);
    return conversion.result();
  }

  private void add(TimeSeries series) {
    String name = series.label(METRIC_NAME);
    if (name == null || name.isEmpty()) {
      reject(series.samples().size(), "series " + text(series.labels()) + " has no __name__ label");
      return;
    }
    MetricKind kind = kinds.of(name);
    List<KeyValue> attributes = attributes(series.labels());
    Metric.Builder metric = null;
    for (Sample sample : series.samples()) {
      if (!hasNanosecondTimestamp(sample)) {
        reject(1, "series " + text(series.labels()) + ": " + timestampError(sample));
        continue;
      }
      if (metric == null) {
        metric = batch(series).metric(name, kind);
      }
      kind.add(metric, point(sample, attributes));
      accepted++;
    }
  }

  /** The batch of the series' resource, created when the resource is new. */
  private ResourceBatch batch(TimeSeries series) {
    return resources.computeIfAbsent(ResourceKey.of(series), ResourceBatch::new);
  }

  private static boolean hasNanosecondTimestamp(Sample sample) {
    return sample.timestampMs() >= 0 && sample.timestampMs() <= MAX_TIMESTAMP_MS;
  }

  private static String timestampError(Sample sample) {
    return "timestamp " + sample.timestampMs() + " ms (expected: 0 to " + MAX_TIMESTAMP_MS + ")";
  }

  private static NumberDataPoint point(Sample sample, List<KeyValue> attributes) {
    NumberDataPoint.Builder point =
        NumberDataPoint.newBuilder()
            .addAllAttributes(attributes)
            .setTimeUnixNano(sample.timestampMs() * 1_000_000L);
    if (sample.isStaleMarker()) {
      return point
          .setAsDouble(0)
          .setFlags(DataPointFlags.DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK_VALUE)
          .build();
    }
    return point.setAsDouble(sample.value()).build();
  }

  private static List<KeyValue> attributes(List<Label> labels) {
    List<KeyValue> attributes = new ArrayList<>(labels.size());
    for (Label label : labels) {
      if (!isResourceOrName(label.name())) {
        attributes.add(stringKeyValue(label.name(), label.value()));
      }
    }
    return attributes;
  }

  private static boolean isResourceOrName(String labelName) {
    return labelName.equals(METRIC_NAME)
        || labelName.equals(ResourceKey.JOB)
        || labelName.equals(ResourceKey.INSTANCE);
  }

  private void reject(int samples, String reason) {
    if (samples == 0) {
      return;
    }
    rejected += samples;
    if (firstError == null) {
      firstError = reason;
    }
  }

  private Conversion result() {
    ExportMetricsServiceRequest.Builder request = ExportMetricsServiceRequest.newBuilder();
    resources.values().forEach(batch -> request.addResourceMetrics(batch.build()));
    return new Conversion(request.build(), accepted, rejected, firstError);
  }

  private static String text(List<Label> labels) {
    return labels.stream()
        .map(l -> l.name() + "=\"" + l.value() + "\"")
        .collect(Collectors.joining(", ", "{", "}"));
  }
}
