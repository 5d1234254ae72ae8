package dev.vitals.streams.window;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

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

  // An open-addressing table of the streams (linear probing): decoding a group of a hundred
  // streams per record is on the hot path, and this is cheaper than a HashMap of records.
  private long[] keysA;
  private long[] keysB;
  private CumulativeToDelta.State[] states;
  private int size;
  private boolean changed;

  SeriesGroup() {
    this(8);
  }

  private SeriesGroup(int expected) {
    int capacity = Integer.highestOneBit(Math.max(8, expected * 2 - 1)) << 1;
    keysA = new long[capacity];
    keysB = new long[capacity];
    states = new CumulativeToDelta.State[capacity];
  }

  CumulativeToDelta.State get(Id id) {
    int mask = states.length - 1;
    for (int i = slot(id.a(), id.b(), mask); states[i] != null; i = (i + 1) & mask) {
      if (keysA[i] == id.a() && keysB[i] == id.b()) {
        return states[i];
      }
    }
    return null;
  }

  void put(Id id, CumulativeToDelta.State state) {
    insert(id.a(), id.b(), state);
    changed = true;
  }

  private void insert(long a, long b, CumulativeToDelta.State state) {
    if ((size + 1) * 2 > states.length) {
      rehash(states.length * 2);
    }
    int mask = states.length - 1;
    int i = slot(a, b, mask);
    while (states[i] != null) {
      if (keysA[i] == a && keysB[i] == b) {
        states[i] = state;
        return;
      }
      i = (i + 1) & mask;
    }
    keysA[i] = a;
    keysB[i] = b;
    states[i] = state;
    size++;
  }

  private void rehash(int capacity) {
    long[] oldA = keysA;
    long[] oldB = keysB;
    CumulativeToDelta.State[] old = states;
    keysA = new long[capacity];
    keysB = new long[capacity];
    states = new CumulativeToDelta.State[capacity];
    size = 0;
    for (int i = 0; i < old.length; i++) {
      if (old[i] != null) {
        insert(oldA[i], oldB[i], old[i]);
      }
    }
  }

  private static int slot(long a, long b, int mask) {
    long h = (a ^ b) * 0x9E3779B97F4A7C15L;
    return (int) (h >>> 40) & mask;
  }

  /** Whether {@link #put} or {@link #expire} changed it since it was made or decoded. */
  boolean changed() {
    return changed;
  }

  List<Id> ids() {
    List<Id> ids = new ArrayList<>(size);
    for (int i = 0; i < states.length; i++) {
      if (states[i] != null) {
        ids.add(new Id(keysA[i], keysB[i]));
      }
    }
    return ids;
  }

  int size() {
    return size;
  }

  /** Forgets the streams whose last point is older than {@code cutoffNanos}; how many it forgot. */
  int expire(long cutoffNanos) {
    int before = size;
    long[] oldA = keysA;
    long[] oldB = keysB;
    CumulativeToDelta.State[] old = states;
    keysA = new long[old.length];
    keysB = new long[old.length];
    states = new CumulativeToDelta.State[old.length];
    size = 0;
    for (int i = 0; i < old.length; i++) {
      if (old[i] != null && old[i].timeNanos() >= cutoffNanos) {
        insert(oldA[i], oldB[i], old[i]);
      }
    }
    changed |= size != before;
    return before - size;
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
    for (CumulativeToDelta.State s : states) {
      if (s == null) {
        continue;
      }
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
    out.putByte(VERSION).putLong(size == 0 ? 0 : oldest);
    out.putVarLong(boundSets.size());
    for (double[] bounds : boundSets) {
      out.putVarLong(bounds.length);
      for (double b : bounds) {
        out.putDouble(b);
      }
    }
    out.putVarLong(size);
    for (int i = 0; i < states.length; i++) {
      CumulativeToDelta.State s = states[i];
      if (s == null) {
        continue;
      }
      out.putLong(keysA[i]).putLong(keysB[i]);
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
    SeriesGroup group = new SeriesGroup(n);
    for (int i = 0; i < n; i++) {
      long a = in.getLong();
      long b = in.getLong();
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
      group.insert(a, b, new CumulativeToDelta.State(start, time, buckets));
    }
    return group;
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
