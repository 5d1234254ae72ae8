package dev.vitals.streams.window;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The cumulative-to-delta state of every stream of one metric of one resource (same resource,
 * scope, name, unit and type; the streams differ in their point attributes), kept as one state
 * entry. An exporter sends all streams of a metric in one request, so a record costs one read and
 * one write of the store, not one per stream; explicit bounds, the same for nearly every stream of
 * a metric, are stored once.
 *
 * <p>Layout: a version byte, the oldest stream's time (8 bytes, so that expiry reads no more), the
 * bound sets, then per stream its 128-bit identity, start and time, and its buckets.
 */
final class SeriesGroup {

  private static final int VERSION = 1;
  private static final int EXPLICIT = 1;
  private static final int EXPONENTIAL = 2;

  /** A stream's identity: {@link StreamIdentity}'s 128 bits. */
  record Id(long a, long b) {}

  private final Map<Id, CumulativeToDelta.State> streams;
  private boolean changed;

  SeriesGroup() {
    this(new HashMap<>());
  }

  private SeriesGroup(Map<Id, CumulativeToDelta.State> streams) {
    this.streams = streams;
  }

  CumulativeToDelta.State get(Id id) {
    return streams.get(id);
  }

  void put(Id id, CumulativeToDelta.State state) {
    streams.put(id, state);
    changed = true;
  }

  /** Whether {@link #put} or {@link #expire} changed it since it was made or decoded. */
  boolean changed() {
    return changed;
  }

  java.util.Set<Id> ids() {
    return streams.keySet();
  }

  int size() {
    return streams.size();
  }

  /** Forgets the streams whose last point is older than {@code cutoffNanos}; how many it forgot. */
  int expire(long cutoffNanos) {
    int removed = 0;
    for (Iterator<CumulativeToDelta.State> it = streams.values().iterator(); it.hasNext(); ) {
      if (it.next().timeNanos() < cutoffNanos) {
        it.remove();
        removed++;
        changed = true;
      }
    }
    return removed;
  }

  /** The time (nanoseconds) of the oldest stream of an encoded group. */
  static long oldestTimeOf(byte[] encoded) {
    BinaryReader in = new BinaryReader(encoded);
    in.getByte();
    return in.getLong();
  }

  byte[] encode() {
    List<double[]> boundSets = new ArrayList<>(1);
    long oldest = Long.MAX_VALUE;
    int capacity = 32;
    for (CumulativeToDelta.State s : streams.values()) {
      oldest = Math.min(oldest, s.timeNanos());
      if (s.buckets() instanceof HistogramBuckets.Explicit) {
        double[] bounds = ((HistogramBuckets.Explicit) s.buckets()).bounds();
        int known = boundSets.size();
        boundSetIndex(boundSets, bounds);
        if (boundSets.size() > known) {
          capacity += 10 + bounds.length * 8;
        }
        capacity += 48 + (bounds.length + 1) * 3;
      } else {
        capacity += 64 + ((HistogramBuckets.Exponential) s.buckets()).counts().length * 3;
      }
    }
    BinaryWriter out = new BinaryWriter(capacity);
    out.putByte(VERSION).putLong(streams.isEmpty() ? 0 : oldest);
    out.putVarLong(boundSets.size());
    for (double[] bounds : boundSets) {
      out.putVarLong(bounds.length);
      for (double b : bounds) {
        out.putDouble(b);
      }
    }
    out.putVarLong(streams.size());
    for (Map.Entry<Id, CumulativeToDelta.State> e : streams.entrySet()) {
      CumulativeToDelta.State s = e.getValue();
      out.putLong(e.getKey().a()).putLong(e.getKey().b());
      out.putLong(s.startNanos()).putLong(s.timeNanos());
      if (s.buckets() instanceof HistogramBuckets.Explicit) {
        HistogramBuckets.Explicit x = (HistogramBuckets.Explicit) s.buckets();
        out.putByte(EXPLICIT).putVarLong(boundSetIndex(boundSets, x.bounds()));
        for (long c : x.counts()) {
          out.putVarLong(c);
        }
      } else {
        HistogramBuckets.Exponential x = (HistogramBuckets.Exponential) s.buckets();
        out.putByte(EXPONENTIAL).putInt(x.scale()).putDouble(x.zeroThreshold());
        out.putVarLong(x.zeroCount()).putInt(x.offset()).putVarLong(x.counts().length);
        for (long c : x.counts()) {
          out.putVarLong(c);
        }
      }
    }
    return out.toBytes();
  }

  static SeriesGroup decode(byte[] bytes) {
    BinaryReader in = new BinaryReader(bytes);
    int version = in.getByte();
    if (version != VERSION) {
      throw new IllegalArgumentException("series group version " + version);
    }
    in.getLong();
    double[][] boundSets = new double[(int) in.getVarLong()][];
    for (int i = 0; i < boundSets.length; i++) {
      double[] bounds = new double[(int) in.getVarLong()];
      for (int k = 0; k < bounds.length; k++) {
        bounds[k] = in.getDouble();
      }
      boundSets[i] = bounds;
    }
    int n = (int) in.getVarLong();
    Map<Id, CumulativeToDelta.State> streams = new HashMap<>(n * 2);
    for (int i = 0; i < n; i++) {
      Id id = new Id(in.getLong(), in.getLong());
      long start = in.getLong();
      long time = in.getLong();
      HistogramBuckets buckets;
      int tag = in.getByte();
      if (tag == EXPLICIT) {
        double[] bounds = boundSets[(int) in.getVarLong()];
        long[] counts = new long[bounds.length + 1];
        for (int k = 0; k < counts.length; k++) {
          counts[k] = in.getVarLong();
        }
        buckets = new HistogramBuckets.Explicit(bounds, counts);
      } else if (tag == EXPONENTIAL) {
        int scale = in.getInt();
        double zeroThreshold = in.getDouble();
        long zeroCount = in.getVarLong();
        int offset = in.getInt();
        long[] counts = new long[(int) in.getVarLong()];
        for (int k = 0; k < counts.length; k++) {
          counts[k] = in.getVarLong();
        }
        buckets = new HistogramBuckets.Exponential(scale, zeroThreshold, zeroCount, offset, counts);
      } else {
        throw new IllegalArgumentException("series group bucket tag " + tag);
      }
      streams.put(id, new CumulativeToDelta.State(start, time, buckets));
    }
    return new SeriesGroup(streams);
  }

  private static int boundSetIndex(List<double[]> boundSets, double[] bounds) {
    for (int i = 0; i < boundSets.size(); i++) {
      double[] known = boundSets.get(i);
      if (known == bounds || Arrays.equals(known, bounds)) {
        return i;
      }
    }
    boundSets.add(bounds);
    return boundSets.size() - 1;
  }
}
