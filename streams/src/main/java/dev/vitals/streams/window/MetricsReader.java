package dev.vitals.streams.window;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.metrics.v1.Exemplar;
import java.util.List;

/**
 * RED from the server duration histograms of the semantic conventions ({@code
 * http.server.request.duration}, {@code rpc.server.call.duration}, and the older millisecond {@code
 * http.server.duration} and {@code rpc.server.duration}), explicit or exponential, cumulative
 * (through {@link CumulativeToDelta}) or delta. Other metrics are not read.
 */
final class MetricsReader {

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
    read(MetricsRecord.of(request), batch, c2d);
  }

  static void read(MetricsRecord record, RecordBatch batch, CumulativeToDelta c2d) {
    MetricsReader reader = new MetricsReader(batch, c2d);
    for (MetricsRecord.Histogram h : record.histograms) {
      reader.read(h);
    }
  }

  private void read(MetricsRecord.Histogram h) {
    resourceHash = h.resource().resourceHash();
    StreamIdentity id = new StreamIdentity(h.metricId()).number(h.exponential() ? 2 : 1);
    SeriesGroup group = h.cumulative() ? batch.seriesGroup(id.toBytes()) : null;
    for (MetricsRecord.Point p : h.points()) {
      if (p.buckets() == null) {
        batch.drop(WindowMetrics.DropReason.MALFORMED);
        continue;
      }
      if (p.buckets().buckets() > HistogramBuckets.MAX_BUCKETS) {
        batch.drop(WindowMetrics.DropReason.TOO_MANY_BUCKETS);
        continue;
      }
      boolean withMinMax = !h.exponential() && !h.cumulative();
      point(
          p,
          group,
          h.factor(),
          withMinMax ? p.min() * h.factor() : Double.NaN,
          withMinMax ? p.max() * h.factor() : Double.NaN,
          id);
    }
  }

  private void point(
      MetricsRecord.Point p,
      SeriesGroup group,
      double factor,
      double min,
      double max,
      StreamIdentity metricId) {
    long eventMs = batch.eventMs(p.timeNanos());
    String operation = Semconv.operation(p.attributes());
    boolean failed = Semconv.failed(p.attributes());
    HistogramBuckets delta = p.buckets();
    if (group != null) {
      delta = convert(group, p, metricId, eventMs);
      if (delta == NOT_COUNTED) {
        return;
      }
    }
    HistogramBuckets counted = delta;
    List<String> traceIds = delta == null ? List.of() : traceIds(p.exemplars());
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
      SeriesGroup group, MetricsRecord.Point p, StreamIdentity metricId, long eventMs) {
    long resource = resourceHash;
    long start = p.startNanos();
    StreamIdentity identity = p.attributes().identity(metricId);
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
    CumulativeToDelta.Result r =
        converter.convert(previous, start, p.timeNanos(), p.buckets(), seen);
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
