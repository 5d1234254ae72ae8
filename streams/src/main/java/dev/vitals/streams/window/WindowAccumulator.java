package dev.vitals.streams.window;

import dev.vitals.schemas.ServiceKey;
import dev.vitals.schemas.signals.ServiceWindow;
import dev.vitals.streams.sketch.LatencySketch;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The running totals of one window of one service (or one of its operations). Requests, errors and
 * latency are kept twice, from metrics and from server spans; which one is reported is decided when
 * the window is emitted (metrics win when the service window had any).
 */
final class WindowAccumulator {

  /**
   * Version 2 added the explicit-bucket counts not yet interpolated, version 3 the counts already
   * added to the running totals; versions 1 and 2 still decode. It must stay below {@link
   * WindowBundle#FORMAT}, the first byte that tells a bundle from a bare accumulator.
   */
  private static final int VERSION = 3;

  /** The revision last emitted, -1 when never. */
  int emittedRevision = -1;

  boolean silent;
  boolean hasMetrics;

  /**
   * Whether the service level was last emitted from metrics; a correction that turns it from spans
   * to metrics must re-emit the service's operation windows too (flag bit 4, unknown to and ignored
   * by earlier versions).
   */
  boolean emittedFromMetrics;

  /** What the emitted revisions added to the {@link RunningTotals}, by its fields. */
  final long[] counted = new long[RunningTotals.FIELDS];

  /**
   * True for a window emitted by a version that kept no totals: its next revision only notes its
   * counts, as the totals never had its earlier revisions.
   */
  boolean countedUnknown;

  /** The latency sketch the emitted revisions added to the {@link RunningTotals}; null if none. */
  LatencySketch countedLatency;

  long metricRequests;
  long metricErrors;
  LatencySketch metricLatency;
  final ExplicitCounts metricExplicit = new ExplicitCounts();
  long spanRequests;
  long spanErrors;
  LatencySketch spanLatency;
  long spans;
  long errorSpans;
  final long[] logs = new long[Semconv.SEVERITIES.length];
  final List<String> sampleErrors = new ArrayList<>(0);
  final List<String> errorTraceIds = new ArrayList<>(0);
  final List<String> exemplarTraceIds = new ArrayList<>(0);

  LatencySketch metricLatency() {
    if (metricLatency == null) {
      metricLatency = new LatencySketch();
    }
    return metricLatency;
  }

  /**
   * Counts an explicit-bucket point without min and max: kept as counts per bound set and
   * interpolated into {@link #metricLatency} when the window is emitted.
   */
  void addMetricExplicit(double[] bounds, long[] counts) {
    if (!metricExplicit.add(bounds, counts)) {
      metricLatency().mergeExplicit(bounds, counts, Double.NaN, Double.NaN);
    }
  }

  /** Interpolates the explicit-bucket counts kept into the metric latency sketch. */
  void settleLatency() {
    if (!metricExplicit.isEmpty()) {
      metricExplicit.drainInto(metricLatency());
    }
  }

  LatencySketch spanLatency() {
    if (spanLatency == null) {
      spanLatency = new LatencySketch();
    }
    return spanLatency;
  }

  static void addBounded(List<String> list, String value, int max) {
    if (list.size() < max && !list.contains(value)) {
      list.add(value);
    }
  }

  /**
   * The window as published.
   *
   * @param service the service-level accumulator of the same window, which decides between metrics
   *     and spans (this one when it is the service level)
   */
  ServiceWindow toServiceWindow(
      ServiceKey key,
      String operation,
      long startMs,
      long endMs,
      int revision,
      WindowAccumulator service,
      int maxExemplars) {
    settleLatency();
    boolean fromMetrics = service != null && service.hasMetrics;
    long requests = fromMetrics ? metricRequests : spanRequests;
    long errors = fromMetrics ? metricErrors : spanErrors;
    return new ServiceWindow(
        key.tenant(),
        key.namespace(),
        key.name(),
        operation,
        Instant.ofEpochMilli(startMs),
        Instant.ofEpochMilli(endMs),
        revision,
        requests,
        errors,
        latency(reportedLatency(service)),
        logCounts(),
        spans,
        errorSpans,
        sampleErrors,
        exemplars(maxExemplars),
        silent);
  }

  /**
   * The sketch {@link #toServiceWindow} reports latency from (with the same {@code service}), or
   * null when it reports none. Read after {@link #settleLatency}.
   */
  LatencySketch reportedLatency(WindowAccumulator service) {
    boolean fromMetrics = service != null && service.hasMetrics;
    long requests = fromMetrics ? metricRequests : spanRequests;
    LatencySketch sketch = fromMetrics ? metricLatency : spanLatency;
    return requests == 0 || sketch == null || sketch.count() == 0 ? null : sketch;
  }

  private static ServiceWindow.Latency latency(LatencySketch sketch) {
    if (sketch == null) {
      return null;
    }
    return new ServiceWindow.Latency(
        nonNegative(sketch.quantile(0.5)),
        nonNegative(sketch.quantile(0.9)),
        nonNegative(sketch.quantile(0.99)),
        nonNegative(sketch.max()),
        sketch.toBase64());
  }

  private static double nonNegative(double v) {
    return Double.isFinite(v) && v > 0 ? v : 0;
  }

  private Map<String, Long> logCounts() {
    Map<String, Long> out = new LinkedHashMap<>();
    for (int i = 0; i < logs.length; i++) {
      if (logs[i] > 0) {
        out.put(Semconv.SEVERITIES[i], logs[i]);
      }
    }
    return out;
  }

  private List<String> exemplars(int max) {
    List<String> out = new ArrayList<>(errorTraceIds);
    for (String id : exemplarTraceIds) {
      addBounded(out, id, max);
    }
    return out.size() > max ? out.subList(0, max) : out;
  }

  byte[] encode() {
    byte[] metricSketch = sketchBytes(metricLatency);
    byte[] spanSketch = sketchBytes(spanLatency);
    // Once emitted, the counted sketch is the reported one (see RunningTotals): encoded once.
    byte[] countedSketch =
        countedLatency == metricLatency
            ? metricSketch
            : countedLatency == spanLatency ? spanSketch : sketchBytes(countedLatency);
    BinaryWriter out =
        new BinaryWriter(128 + metricSketch.length + spanSketch.length + countedSketch.length);
    out.putByte(VERSION).putInt(emittedRevision);
    out.putByte((silent ? 1 : 0) | (hasMetrics ? 2 : 0) | (emittedFromMetrics ? 4 : 0));
    out.putVarLong(metricRequests).putVarLong(metricErrors);
    out.putBytes(metricSketch);
    metricExplicit.writeTo(out);
    out.putVarLong(spanRequests).putVarLong(spanErrors);
    out.putBytes(spanSketch);
    out.putVarLong(spans).putVarLong(errorSpans);
    for (long n : logs) {
      out.putVarLong(n);
    }
    putStrings(out, sampleErrors);
    putStrings(out, errorTraceIds);
    putStrings(out, exemplarTraceIds);
    out.putVarLong(counted.length);
    for (long n : counted) {
      out.putVarLong(n);
    }
    out.putBytes(countedSketch);
    return out.toBytes();
  }

  static WindowAccumulator decode(byte[] bytes) {
    BinaryReader in = new BinaryReader(bytes);
    int version = in.getByte();
    if (version < 1 || version > VERSION) {
      throw new IllegalStateException(
          "accumulator version: " + version + " (expected: 1.." + VERSION + ")");
    }
    WindowAccumulator a = new WindowAccumulator();
    a.emittedRevision = in.getInt();
    int flags = in.getByte();
    a.silent = (flags & 1) != 0;
    a.hasMetrics = (flags & 2) != 0;
    a.emittedFromMetrics = (flags & 4) != 0;
    a.metricRequests = in.getVarLong();
    a.metricErrors = in.getVarLong();
    a.metricLatency = getSketch(in);
    if (version >= 2) {
      a.metricExplicit.readFrom(in);
    }
    a.spanRequests = in.getVarLong();
    a.spanErrors = in.getVarLong();
    a.spanLatency = getSketch(in);
    a.spans = in.getVarLong();
    a.errorSpans = in.getVarLong();
    for (int i = 0; i < a.logs.length; i++) {
      a.logs[i] = in.getVarLong();
    }
    getStrings(in, a.sampleErrors);
    getStrings(in, a.errorTraceIds);
    getStrings(in, a.exemplarTraceIds);
    if (version >= 3) {
      int n = (int) in.getVarLong();
      for (int i = 0; i < n; i++) {
        long v = in.getVarLong();
        if (i < a.counted.length) {
          a.counted[i] = v;
        }
      }
      a.countedLatency = getSketch(in);
    } else {
      a.countedUnknown = a.emittedRevision >= 0;
    }
    return a;
  }

  private static final byte[] NO_SKETCH = new byte[0];

  private static byte[] sketchBytes(LatencySketch sketch) {
    return sketch == null || sketch.count() == 0 ? NO_SKETCH : sketch.toBytes();
  }

  private static LatencySketch getSketch(BinaryReader in) {
    byte[] bytes = in.getBytes();
    return bytes.length == 0 ? null : LatencySketch.fromBytes(bytes);
  }

  private static void putStrings(BinaryWriter out, List<String> values) {
    out.putVarLong(values.size());
    for (String v : values) {
      out.putString(v);
    }
  }

  private static void getStrings(BinaryReader in, List<String> into) {
    int n = (int) in.getVarLong();
    for (int i = 0; i < n; i++) {
      into.add(in.getString());
    }
  }
}
