package dev.vitals.streams.window;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Exemplar;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import java.util.List;

/**
 * RED from the server duration histograms of the semantic conventions ({@code
 * http.server.request.duration}, {@code rpc.server.call.duration}, and the older millisecond {@code
 * http.server.duration} and {@code rpc.server.duration}), explicit or exponential, cumulative
 * (through {@link CumulativeToDelta}) or delta. Other metrics are not read.
 */
final class MetricsReader {

  private static final int NO_RECORDED_VALUE = 1;

  private final RecordBatch batch;
  private final CumulativeToDelta converter;
  private final int maxExemplars;
  private long resourceHash;

  private MetricsReader(RecordBatch batch, CumulativeToDelta converter) {
    this.batch = batch;
    this.converter = converter;
    this.maxExemplars = batch.settings().maxExemplars();
  }

  static void read(ExportMetricsServiceRequest request, RecordBatch batch, CumulativeToDelta c2d) {
    MetricsReader reader = new MetricsReader(batch, c2d);
    for (ResourceMetrics rm : request.getResourceMetricsList()) {
      StreamIdentity resource =
          new StreamIdentity().attributes(rm.getResource().getAttributesList());
      reader.resourceHash = resource.resourceHash();
      for (ScopeMetrics sm : rm.getScopeMetricsList()) {
        StreamIdentity scope =
            new StreamIdentity(resource)
                .text(sm.getScope().getName())
                .text(sm.getScope().getVersion());
        for (Metric metric : sm.getMetricsList()) {
          reader.read(metric, scope);
        }
      }
    }
  }

  private void read(Metric metric, StreamIdentity scope) {
    double factor = Semconv.secondsPerUnit(metric.getName(), metric.getUnit());
    if (factor == 0) {
      return;
    }
    StreamIdentity id = new StreamIdentity(scope).text(metric.getName()).text(metric.getUnit());
    switch (metric.getDataCase()) {
      case HISTOGRAM:
        boolean cumulative =
            metric.getHistogram().getAggregationTemporality()
                == AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE;
        id.number(1);
        SeriesGroup group = cumulative ? batch.seriesGroup(id.toBytes()) : null;
        for (HistogramDataPoint p : metric.getHistogram().getDataPointsList()) {
          explicit(p, group, factor, id);
        }
        break;
      case EXPONENTIAL_HISTOGRAM:
        boolean cumulativeExp =
            metric.getExponentialHistogram().getAggregationTemporality()
                == AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE;
        id.number(2);
        SeriesGroup groupExp = cumulativeExp ? batch.seriesGroup(id.toBytes()) : null;
        for (ExponentialHistogramDataPoint p :
            metric.getExponentialHistogram().getDataPointsList()) {
          exponential(p, groupExp, factor, id);
        }
        break;
      default:
        break;
    }
  }

  /** A point of an explicit histogram; {@code group} holds the states when it is cumulative. */
  private void explicit(HistogramDataPoint p, SeriesGroup group, double factor, StreamIdentity id) {
    boolean cumulative = group != null;
    if ((p.getFlags() & NO_RECORDED_VALUE) != 0) {
      return;
    }
    HistogramBuckets.Explicit buckets;
    if (p.getBucketCountsCount() == 0) {
      buckets = new HistogramBuckets.Explicit(new double[0], new long[] {p.getCount()});
    } else if (p.getBucketCountsCount() != p.getExplicitBoundsCount() + 1) {
      batch.drop(WindowMetrics.DropReason.MALFORMED);
      return;
    } else {
      double[] bounds = new double[p.getExplicitBoundsCount()];
      for (int i = 0; i < bounds.length; i++) {
        bounds[i] = p.getExplicitBounds(i);
      }
      long[] counts = new long[p.getBucketCountsCount()];
      for (int i = 0; i < counts.length; i++) {
        counts[i] = p.getBucketCounts(i);
      }
      buckets = new HistogramBuckets.Explicit(bounds, counts);
    }
    double min = !cumulative && p.hasMin() ? p.getMin() * factor : Double.NaN;
    double max = !cumulative && p.hasMax() ? p.getMax() * factor : Double.NaN;
    point(
        p.getStartTimeUnixNano(),
        p.getTimeUnixNano(),
        p.getAttributesList(),
        p.getExemplarsList(),
        buckets,
        group,
        factor,
        min,
        max,
        id);
  }

  private void exponential(
      ExponentialHistogramDataPoint p, SeriesGroup group, double factor, StreamIdentity id) {
    if ((p.getFlags() & NO_RECORDED_VALUE) != 0) {
      return;
    }
    ExponentialHistogramDataPoint.Buckets positive = p.getPositive();
    long[] counts = new long[positive.getBucketCountsCount()];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = positive.getBucketCounts(i);
    }
    HistogramBuckets.Exponential buckets =
        new HistogramBuckets.Exponential(
            p.getScale(), p.getZeroThreshold(), p.getZeroCount(), positive.getOffset(), counts);
    point(
        p.getStartTimeUnixNano(),
        p.getTimeUnixNano(),
        p.getAttributesList(),
        p.getExemplarsList(),
        buckets,
        group,
        factor,
        Double.NaN,
        Double.NaN,
        id);
  }

  private void point(
      long start,
      long time,
      List<KeyValue> attributes,
      List<Exemplar> exemplars,
      HistogramBuckets buckets,
      SeriesGroup group,
      double factor,
      double min,
      double max,
      StreamIdentity metricId) {
    long eventMs = batch.eventMs(time);
    String operation = Semconv.operation(attributes);
    boolean failed = Semconv.failed(attributes);
    HistogramBuckets delta = buckets;
    if (group != null) {
      delta = convert(group, start, time, attributes, buckets, metricId, eventMs);
      if (delta == NOT_COUNTED) {
        return;
      }
    }
    HistogramBuckets counted = delta;
    List<String> traceIds = delta == null ? List.of() : traceIds(exemplars);
    batch.add(
        eventMs,
        operation,
        acc -> {
          acc.hasMetrics = true;
          if (counted != null) {
            count(acc, counted, failed, factor, min, max);
            for (String id : traceIds) {
              WindowAccumulator.addBounded(acc.exemplarTraceIds, id, maxExemplars);
            }
          }
        });
  }

  /** Marks a point that must not even mark its window as having metrics (dropped). */
  private static final HistogramBuckets NOT_COUNTED =
      new HistogramBuckets.Explicit(new double[0], new long[1]);

  /** The delta of a cumulative point; null for a baseline; NOT_COUNTED when dropped. */
  private HistogramBuckets convert(
      SeriesGroup group,
      long start,
      long time,
      List<KeyValue> attributes,
      HistogramBuckets buckets,
      StreamIdentity metricId,
      long eventMs) {
    long resource = resourceHash;
    StreamIdentity identity = new StreamIdentity(metricId).attributes(attributes);
    SeriesGroup.Id id = identity.id();
    CumulativeToDelta.State previous = group.get(id);
    if (previous == null) {
      previous = batch.legacySeriesState(identity.toBytes());
      if (previous != null) {
        group.put(id, previous);
      }
    }
    if (previous == null && !batch.admitSeries(eventMs)) {
      return NOT_COUNTED;
    }
    boolean seen = previous == null && start != 0 && batch.processSeen(resource, start);
    CumulativeToDelta.Result r = converter.convert(previous, start, time, buckets, seen);
    if (start != 0) {
      batch.noteProcess(resource, start, eventMs);
    }
    if (r.outcome() == CumulativeToDelta.Outcome.DUPLICATE) {
      batch.drop(WindowMetrics.DropReason.DUPLICATE);
      return NOT_COUNTED;
    }
    group.put(id, r.state());
    return r.outcome() == CumulativeToDelta.Outcome.DELTA ? r.delta() : null;
  }

  private static void count(
      WindowAccumulator acc,
      HistogramBuckets delta,
      boolean failed,
      double factor,
      double min,
      double max) {
    long n = delta.count();
    if (n == 0) {
      return;
    }
    acc.metricRequests += n;
    if (failed) {
      acc.metricErrors += n;
    }
    if (delta instanceof HistogramBuckets.Explicit) {
      HistogramBuckets.Explicit e = (HistogramBuckets.Explicit) delta;
      if (e.bounds().length > 0) {
        double[] bounds = e.bounds();
        if (factor != 1) {
          bounds = bounds.clone();
          for (int i = 0; i < bounds.length; i++) {
            bounds[i] *= factor;
          }
        }
        if (Double.isNaN(min) && Double.isNaN(max)) {
          acc.addMetricExplicit(bounds, e.counts());
        } else {
          acc.metricLatency().mergeExplicit(bounds, e.counts(), min, max);
        }
      }
      return;
    }
    HistogramBuckets.Exponential x = (HistogramBuckets.Exponential) delta;
    if (factor == 1) {
      acc.metricLatency()
          .mergeExponential(x.scale(), x.zeroThreshold(), x.zeroCount(), x.offset(), x.counts());
      return;
    }
    // Another unit than seconds: the bucket bounds do not map; count each bucket at its
    // geometric middle (error at most half a bucket: 2^(2^-scale / 2) - 1 relative).
    double base = Math.pow(2, Math.pow(2, -x.scale()));
    acc.metricLatency().record(0, x.zeroCount());
    for (int k = 0; k < x.counts().length; k++) {
      double lower = Math.pow(base, x.offset() + k);
      acc.metricLatency().record(lower * Math.sqrt(base) * factor, x.counts()[k]);
    }
  }

  private static List<String> traceIds(List<Exemplar> exemplars) {
    if (exemplars.isEmpty()) {
      return List.of();
    }
    java.util.ArrayList<String> out = new java.util.ArrayList<>(exemplars.size());
    for (Exemplar e : exemplars) {
      String id = RecordBatch.hex(e.getTraceId());
      if (id != null) {
        out.add(id);
      }
    }
    return out;
  }
}
