package dev.vitals.streams.window;

import dev.vitals.schemas.signals.Counts;
import dev.vitals.schemas.signals.ServiceWindow;
import dev.vitals.streams.sketch.LatencySketch;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The running totals of one service or one of its operations (requests, errors, spans, error spans,
 * log records by severity, and the latency sketch of all requests), kept in the {@link
 * WindowStores#TOTALS} store and so exactly once across restarts and failovers. Every emitted
 * window raises them by what it reports beyond what its earlier revisions reported: a late
 * correction raises them when it is processed, and a window is never counted twice. A count that a
 * correction lowers (late metrics replacing spans as the source of requests) does not lower the
 * totals: they only grow.
 *
 * <p>The totals of a service (and of its operations) are deleted when the service, or the
 * operation, is forgotten; when it comes back they start again from zero with a new {@code since}:
 * a counter reset.
 */
final class RunningTotals {

  /** Requests, errors, spans, error spans, then log records per severity class. */
  static final int FIELDS = 4 + Semconv.SEVERITIES.length;

  private static final int VERSION = 1;

  private final long sinceMs;
  private long sampledAtMs;
  private final long[] values;
  private LatencySketch latency;

  private RunningTotals(long sinceMs, long sampledAtMs, long[] values, LatencySketch latency) {
    this.sinceMs = sinceMs;
    this.sampledAtMs = sampledAtMs;
    this.values = values;
    this.latency = latency;
  }

  /**
   * Raises the totals under {@code key} by what {@code window} reports beyond what {@code acc}
   * counted before, notes the new counts in {@code acc}, and returns the totals as published.
   *
   * @param reported the sketch {@code w} reports its latency from ({@link
   *     WindowAccumulator#reportedLatency}), null when it reports none; taken as {@code acc}'s
   *     counted sketch, not copied: the accumulator is encoded and dropped after emission
   */
  static ServiceWindow.Totals raise(
      KeyValueStore<byte[], byte[]> store,
      byte[] key,
      WindowAccumulator acc,
      ServiceWindow w,
      LatencySketch reported) {
    long startMs = w.windowStart().toEpochMilli();
    long endMs = w.windowEnd().toEpochMilli();
    RunningTotals totals = read(store.get(key));
    if (totals == null) {
      totals = new RunningTotals(startMs, endMs - 1, new long[FIELDS], null);
    }
    long[] now = countsOf(w);
    for (int i = 0; i < FIELDS; i++) {
      if (!acc.countedUnknown) {
        totals.values[i] += Math.max(0, now[i] - acc.counted[i]);
      }
      acc.counted[i] = Math.max(acc.counted[i], now[i]);
    }
    totals.raiseLatency(acc, reported);
    acc.countedUnknown = false;
    totals.sampledAtMs = Math.max(endMs, totals.sampledAtMs + 1);
    store.put(key, totals.encode());
    return totals.toRecord();
  }

  /** Adds what the window's sketch holds beyond the one counted before, and notes it as counted. */
  private void raiseLatency(WindowAccumulator acc, LatencySketch now) {
    if (now == null) {
      return;
    }
    if (!acc.countedUnknown) {
      if (latency == null) {
        latency = new LatencySketch();
      }
      latency.merge(now.minus(acc.countedLatency));
    }
    acc.countedLatency = now;
  }

  /** The key of a service's totals ({@code operation} null) or of one of its operations'. */
  static byte[] key(byte[] service, String operation) {
    if (operation == null) {
      return StoreKeys.underService(service, new byte[0]);
    }
    byte[] name = operation.getBytes(StandardCharsets.UTF_8);
    byte[] suffix = new byte[1 + name.length];
    suffix[0] = 1;
    System.arraycopy(name, 0, suffix, 1, name.length);
    return StoreKeys.underService(service, suffix);
  }

  /** Forgets the totals of a service and of all its operations. */
  static void forgetService(KeyValueStore<byte[], byte[]> store, byte[] service) {
    byte[] from = StoreKeys.underService(service, new byte[0]);
    byte[] to = from.clone();
    to[to.length - 1] = 1;
    List<byte[]> keys = new ArrayList<>();
    try (KeyValueIterator<byte[], byte[]> it = store.range(from, to)) {
      while (it.hasNext()) {
        keys.add(it.next().key);
      }
    }
    keys.forEach(store::delete);
  }

  private static long[] countsOf(ServiceWindow w) {
    long[] out = new long[FIELDS];
    out[0] = w.requests();
    out[1] = w.errors();
    out[2] = w.spans();
    out[3] = w.errorSpans();
    for (int i = 0; i < Semconv.SEVERITIES.length; i++) {
      out[4 + i] = w.logs().getOrDefault(Semconv.SEVERITIES[i], 0L);
    }
    return out;
  }

  private ServiceWindow.Totals toRecord() {
    Map<String, Long> logs = new LinkedHashMap<>();
    for (int i = 0; i < Semconv.SEVERITIES.length; i++) {
      logs.put(Semconv.SEVERITIES[i], values[4 + i]);
    }
    return new ServiceWindow.Totals(
        Instant.ofEpochMilli(sinceMs),
        Instant.ofEpochMilli(sampledAtMs),
        values[0],
        values[1],
        values[2],
        values[3],
        logs,
        histogram(latency));
  }

  private static ServiceWindow.Histogram histogram(LatencySketch sketch) {
    if (sketch == null || sketch.count() == 0) {
      return null;
    }
    // the count as its buckets add up (stores check that the buckets hold every observation)
    long count = sketch.zeroCount();
    long[] counts = sketch.bucketCounts(); // a copy of the sketch's
    for (long n : counts) {
      count += n;
    }
    return new ServiceWindow.Histogram(
        sketch.scale(),
        count,
        sketch.sum(),
        sketch.zeroCount(),
        sketch.firstBucket(),
        Counts.of(counts));
  }

  private byte[] encode() {
    BinaryWriter out = new BinaryWriter(16 + 3 * FIELDS);
    out.putByte(VERSION).putLong(sinceMs).putLong(sampledAtMs).putVarLong(FIELDS);
    for (long v : values) {
      out.putVarLong(v);
    }
    out.putBytes(latency == null ? new byte[0] : latency.toBytes());
    return out.toBytes();
  }

  /** The stored totals; null when there are none, or none this version can read (a reset). */
  private static RunningTotals read(byte[] stored) {
    if (stored == null) {
      return null;
    }
    try {
      return decode(stored);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static RunningTotals decode(byte[] bytes) {
    BinaryReader in = new BinaryReader(bytes);
    int version = in.getByte();
    if (version != VERSION) {
      throw new IllegalStateException(
          "totals version: " + version + " (expected: " + VERSION + ")");
    }
    long since = in.getLong();
    long sampledAt = in.getLong();
    int n = (int) in.getVarLong();
    long[] values = new long[FIELDS];
    for (int i = 0; i < n; i++) {
      long v = in.getVarLong();
      if (i < FIELDS) {
        values[i] = v;
      }
    }
    byte[] sketch = in.hasMore() ? in.getBytes() : new byte[0];
    return new RunningTotals(
        since, sampledAt, values, sketch.length == 0 ? null : LatencySketch.fromBytes(sketch));
  }
}
