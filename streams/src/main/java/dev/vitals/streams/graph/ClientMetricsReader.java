package dev.vitals.streams.graph;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import dev.vitals.schemas.ServiceKey;
import dev.vitals.schemas.Signal;
import dev.vitals.schemas.Topics;
import dev.vitals.schemas.otlp.OtlpResources;
import dev.vitals.schemas.signals.EdgeWindow;
import dev.vitals.streams.sketch.LatencySketch;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Edges from metrics, for callers that send no traces: the client duration histograms of the
 * semantic conventions ({@code http.client.request.duration} and {@code rpc.client.call.duration}
 * in seconds, the older {@code rpc.client.duration} in milliseconds; explicit buckets) with a
 * {@code server.address} are calls from the resource's service to the node that address names. A
 * point with {@code error.type}, or an HTTP status of 500 or more, counts failed calls. Delta
 * points count as they are; cumulative ones by their difference from the previous point of their
 * series (kept in {@code graph-client-series}); a series' first cumulative point, and a point after
 * a reset, only set the baseline. The aggregator uses these calls for an edge's window only when no
 * span counted a call on it.
 */
final class ClientMetricsReader implements Processor<byte[], byte[], byte[], Call> {

  /** The metric names read for edges; {@link #secondsPerUnit} is 0 for every other. */
  static final Set<String> CLIENT_DURATIONS =
      Set.of("http.client.request.duration", "rpc.client.call.duration", "rpc.client.duration");

  /**
   * Field numbers from a request down to a metric's name: {@code resource_metrics} (1), {@code
   * scope_metrics} (2), {@code metrics} (2), {@code name} (1).
   */
  private static final int[] NAME_PATH = {1, 2, 2, 1};

  private final String metricsTopic;
  private ProcessorContext<byte[], Call> context;
  private KeyValueStore<String, byte[]> series;

  ClientMetricsReader(Topics topics) {
    this.metricsTopic = topics.raw(Signal.METRICS);
  }

  @Override
  public void init(ProcessorContext<byte[], Call> context) {
    this.context = context;
    this.series = context.getStateStore(GraphTopology.CLIENT_SERIES);
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    String topic = context.recordMetadata().map(RecordMetadata::topic).orElse("");
    if (!topic.equals(metricsTopic)
        || record.value() == null
        || !mayNameAClientDuration(record.value())) {
      return;
    }
    ExportMetricsServiceRequest request;
    try {
      request = ExportMetricsServiceRequest.parseFrom(record.value());
    } catch (Exception e) {
      return;
    }
    String tenant = SpanSplitter.tenant(record);
    for (ResourceMetrics rm : request.getResourceMetricsList()) {
      ServiceKey service = OtlpResources.serviceKey(tenant, rm.getResource());
      for (ScopeMetrics sm : rm.getScopeMetricsList()) {
        for (Metric m : sm.getMetricsList()) {
          double unit = secondsPerUnit(m);
          if (unit > 0 && m.hasHistogram()) {
            boolean cumulative =
                m.getHistogram().getAggregationTemporality()
                    == AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE;
            for (HistogramDataPoint p : m.getHistogram().getDataPointsList()) {
              read(service, m.getName(), unit, cumulative, p, record);
            }
          }
        }
      }
    }
  }

  /**
   * Whether a metrics request may hold a client duration histogram: reads only its metrics' names,
   * skipping every other field by its length, so that the records of services that send none (most
   * of them, and most of the stream thread's records) are not parsed whole for nothing; parsing
   * them was a quarter of the thread's time (bench/RESULTS.md). Bytes it cannot read answer true:
   * the full parse decides about them, as before.
   */
  static boolean mayNameAClientDuration(byte[] request) {
    try {
      return names(CodedInputStream.newInstance(request), 0);
    } catch (IOException | RuntimeException e) {
      return true;
    }
  }

  private static boolean names(CodedInputStream in, int depth) throws IOException {
    int wanted = NAME_PATH[depth] << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (tag != wanted) {
        in.skipField(tag);
      } else if (depth == NAME_PATH.length - 1) {
        if (CLIENT_DURATIONS.contains(in.readStringRequireUtf8())) {
          return true;
        }
      } else {
        int outer = in.pushLimit(in.readRawVarint32());
        if (names(in, depth + 1)) {
          return true;
        }
        in.popLimit(outer);
      }
    }
    return false;
  }

  /** Seconds per unit of a client duration histogram, 0 for any other metric. */
  static double secondsPerUnit(Metric m) {
    if (!CLIENT_DURATIONS.contains(m.getName())) {
      return 0;
    }
    if (m.getName().equals("rpc.client.duration")) { // the older convention: milliseconds
      return m.getUnit().equals("s") ? 1 : 0.001;
    }
    return m.getUnit().equals("ms") ? 0.001 : 1;
  }

  private void read(
      ServiceKey service,
      String metric,
      double unit,
      boolean cumulative,
      HistogramDataPoint p,
      Record<byte[], byte[]> record) {
    String address = attribute(p.getAttributesList(), PeerNames.SERVER_ADDRESS);
    if (address == null || p.getExplicitBoundsCount() + 1 != p.getBucketCountsCount()) {
      return;
    }
    long[] counts = p.getBucketCountsList().stream().mapToLong(Long::longValue).toArray();
    if (cumulative) {
      counts = delta(service, metric, p, counts);
      if (counts == null) {
        return;
      }
    }
    long total = 0;
    for (long c : counts) {
      total += c;
    }
    if (total == 0) {
      return;
    }
    double[] bounds = p.getExplicitBoundsList().stream().mapToDouble(b -> b * unit).toArray();
    LatencySketch sketch = new LatencySketch();
    sketch.mergeExplicit(bounds, counts, Double.NaN, Double.NaN);
    long eventMs = p.getTimeUnixNano() > 0 ? p.getTimeUnixNano() / 1_000_000 : record.timestamp();
    Call call =
        new Call(
            service.tenant(),
            EdgeWindow.Node.service(service.namespace(), service.name()),
            EdgeWindow.Node.virtual(address),
            EdgeWindow.VIRTUAL_NODE,
            eventMs,
            -1,
            -1,
            false,
            total,
            failed(p.getAttributesList()) ? total : 0,
            sketch.toBytes());
    context.forward(new Record<>(call.edgeKey(), call, eventMs));
  }

  /** The counts since the series' previous cumulative point, or null for a baseline. */
  private long[] delta(ServiceKey service, String metric, HistogramDataPoint p, long[] counts) {
    String key =
        service
            + "|"
            + metric
            + "|"
            + p.getAttributesList().stream()
                .sorted(Comparator.comparing(KeyValue::getKey))
                .map(kv -> kv.getKey() + "=" + kv.getValue().toString().strip())
                .collect(Collectors.joining(","));
    byte[] previous = series.get(key);
    ByteBuffer out = ByteBuffer.allocate(8 + 8 * counts.length).putLong(p.getStartTimeUnixNano());
    for (long c : counts) {
      out.putLong(c);
    }
    series.put(key, out.array());
    if (previous == null || previous.length != out.capacity()) {
      return null;
    }
    ByteBuffer in = ByteBuffer.wrap(previous);
    if (in.getLong() != p.getStartTimeUnixNano()) {
      return null;
    }
    long[] delta = new long[counts.length];
    for (int i = 0; i < counts.length; i++) {
      delta[i] = counts[i] - in.getLong();
      if (delta[i] < 0) {
        return null;
      }
    }
    return delta;
  }

  private static boolean failed(List<KeyValue> attributes) {
    if (attribute(attributes, "error.type") != null) {
      return true;
    }
    String status = attribute(attributes, "http.response.status_code");
    try {
      return status != null && Long.parseLong(status) >= 500;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static String attribute(List<KeyValue> attributes, String key) {
    for (KeyValue kv : attributes) {
      if (kv.getKey().equals(key)) {
        return switch (kv.getValue().getValueCase()) {
          case STRING_VALUE -> kv.getValue().getStringValue();
          case INT_VALUE -> Long.toString(kv.getValue().getIntValue());
          default -> null;
        };
      }
    }
    return null;
  }
}
