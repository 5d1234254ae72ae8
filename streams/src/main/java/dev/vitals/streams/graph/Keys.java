package dev.vitals.streams.graph;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Binary keys of the graph's repartition topics and stores. */
final class Keys {

  private Keys() {}

  /** Length-prefixed tenant, then the trace id: all spans of a trace meet in one task. */
  static byte[] trace(String tenant, byte[] traceId) {
    byte[] t = tenant.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(2 + t.length + traceId.length)
        .putShort((short) t.length)
        .put(t)
        .put(traceId)
        .array();
  }

  /** The pending-store key of a call: its trace key, then the caller's span id. */
  static byte[] join(byte[] traceKey, byte[] spanId) {
    return ByteBuffer.allocate(traceKey.length + spanId.length).put(traceKey).put(spanId).array();
  }

  /** A window start then a UTF-8 edge key; starts sort in time order (sign bit flipped). */
  static byte[] edgeWindow(long windowStartMs, byte[] edgeKey) {
    return ByteBuffer.allocate(8 + edgeKey.length)
        .putLong(windowStartMs ^ Long.MIN_VALUE)
        .put(edgeKey)
        .array();
  }

  /** The first key of any edge in windows starting at or after {@code windowStartMs}. */
  static byte[] windowFrom(long windowStartMs) {
    return ByteBuffer.allocate(8).putLong(windowStartMs ^ Long.MIN_VALUE).array();
  }

  static long windowStartOf(byte[] edgeWindowKey) {
    return ByteBuffer.wrap(edgeWindowKey).getLong() ^ Long.MIN_VALUE;
  }

  static byte[] edgeKeyOf(byte[] edgeWindowKey) {
    byte[] out = new byte[edgeWindowKey.length - 8];
    System.arraycopy(edgeWindowKey, 8, out, 0, out.length);
    return out;
  }
}
