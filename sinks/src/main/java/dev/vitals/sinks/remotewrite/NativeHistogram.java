package dev.vitals.sinks.remotewrite;

import dev.vitals.schemas.signals.ServiceWindow;
import dev.vitals.sinks.series.SeriesSample;
import java.io.ByteArrayOutputStream;
import java.util.List;

/**
 * The protobuf bytes of a Prometheus native histogram ({@code prompb.Histogram}) of a cumulative
 * base-2 exponential histogram: integer counts, the sketch's scale as the schema, one positive
 * span, its buckets as deltas, reset hint UNKNOWN (a counter histogram: Prometheus sees a reset
 * when the count falls). Prometheus takes schemas -4 to 8: a finer scale is merged down to 8
 * exactly (the sketch keeps at most 6); a coarser one than -4 (only from a coarse OTLP input) has
 * each bucket's count put in the schema -4 bucket that shares its upper end.
 */
final class NativeHistogram {

  /** Prometheus' coarsest schema. */
  static final int MIN_SCHEMA = -4;

  /** Its finest. */
  static final int MAX_SCHEMA = 8;

  private NativeHistogram() {}

  static byte[] encode(SeriesSample s) {
    ServiceWindow.Histogram h = s.histogram();
    int schema = h.scale();
    int offset = h.offset();
    List<Long> counts = h.bucketCounts();
    long[] buckets = new long[counts.size()];
    for (int k = 0; k < buckets.length; k++) {
      buckets[k] = counts.get(k);
    }
    if (schema > MAX_SCHEMA) {
      // finer than Prometheus takes: merge 2^by buckets into one, exactly
      int by = schema - MAX_SCHEMA;
      int first = offset >> by;
      long[] coarse =
          new long[buckets.length == 0 ? 0 : ((offset + buckets.length - 1) >> by) - first + 1];
      for (int k = 0; k < buckets.length; k++) {
        coarse[((offset + k) >> by) - first] += buckets[k];
      }
      buckets = coarse;
      offset = first;
      schema = MAX_SCHEMA;
    } else if (schema < MIN_SCHEMA) {
      // coarser than Prometheus takes: each bucket's count goes to the finest bucket that shares
      // its upper end (its values are then read as being in the top part of their range)
      int f = 1 << (MIN_SCHEMA - schema);
      long[] fine = new long[buckets.length == 0 ? 0 : (buckets.length - 1) * f + 1];
      for (int k = 0; k < buckets.length; k++) {
        fine[k * f] = buckets[k];
      }
      buckets = fine;
      offset = (offset + 1) * f - 1;
      schema = MIN_SCHEMA;
    }
    Writer out = new Writer();
    out.tag(1, 0).varint(h.count()); // count_int
    out.tag(3, 1).fixed64(Double.doubleToRawLongBits(h.sum())); // sum
    if (schema != 0) {
      out.tag(4, 0).varint(zigZag(schema)); // schema
    }
    if (h.zeroCount() != 0) {
      out.tag(6, 0).varint(h.zeroCount()); // zero_count_int
    }
    if (buckets.length > 0) {
      Writer span = new Writer();
      if (offset + 1 != 0) {
        span.tag(1, 0).varint(zigZag(offset + 1)); // offset: Prometheus indexes by upper bound
      }
      span.tag(2, 0).varint(buckets.length); // length
      out.tag(11, 2).bytes(span.toByteArray()); // positive_spans
      Writer deltas = new Writer();
      long previous = 0;
      for (long n : buckets) {
        deltas.varint(zigZag(n - previous));
        previous = n;
      }
      out.tag(12, 2).bytes(deltas.toByteArray()); // positive_deltas, packed
    }
    if (s.timestampMs() != 0) {
      out.tag(15, 0).varint(s.timestampMs()); // timestamp
    }
    return out.toByteArray();
  }

  private static long zigZag(long v) {
    return (v << 1) ^ (v >> 63);
  }

  /** Just enough protobuf writing for one small message. */
  private static final class Writer extends ByteArrayOutputStream {

    Writer tag(int field, int wireType) {
      return varint((field << 3) | wireType);
    }

    Writer varint(long v) {
      while ((v & ~0x7FL) != 0) {
        write((int) ((v & 0x7F) | 0x80));
        v >>>= 7;
      }
      write((int) v);
      return this;
    }

    Writer fixed64(long bits) {
      for (int i = 0; i < 8; i++) {
        write((int) (bits >>> (8 * i)) & 0xFF);
      }
      return this;
    }

    Writer bytes(byte[] b) {
      varint(b.length);
      write(b, 0, b.length);
      return this;
    }
  }
}
