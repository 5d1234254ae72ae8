package dev.vitals.streams.graph;

import static java.util.Objects.requireNonNull;

import dev.vitals.schemas.signals.EdgeWindow;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * One side of a call, as the pairing step needs it: a CLIENT or PRODUCER span (the caller's side,
 * with the virtual node its attributes name), or a SERVER or CONSUMER span (the callee's side).
 *
 * @param caller true for CLIENT and PRODUCER spans
 * @param messaging true for PRODUCER and CONSUMER spans
 * @param parentSpanId 8 bytes, or empty for a root span
 * @param endMs the span's end, epoch ms: the event time of the call
 * @param peer for a caller, the node its attributes name (null if none)
 * @param peerType for a caller with a peer, the connection type of a call to it
 */
// Carries encoded bytes between steps; never compared or hashed, so array identity is fine.
@SuppressWarnings("ArrayRecordComponent")
record SpanHalf(
    String tenant,
    EdgeWindow.Node service,
    boolean caller,
    boolean messaging,
    byte[] traceId,
    byte[] spanId,
    byte[] parentSpanId,
    long endMs,
    long durationNanos,
    boolean error,
    EdgeWindow.Node peer,
    String peerType) {

  private static final byte FORMAT = 1;

  SpanHalf {
    requireNonNull(tenant, "tenant");
    requireNonNull(service, "service");
    requireNonNull(traceId, "traceId");
    requireNonNull(spanId, "spanId");
    requireNonNull(parentSpanId, "parentSpanId");
    peerType = peerType == null ? EdgeWindow.DIRECT : peerType;
  }

  boolean root() {
    return parentSpanId.length == 0;
  }

  /** The span id the two halves of a call share: a caller's own id, a callee's parent's. */
  byte[] joinSpanId() {
    return caller ? spanId : parentSpanId;
  }

  /** Kafka key of the repartition by trace: length-prefixed tenant, then the trace id. */
  byte[] traceKey() {
    return Keys.trace(tenant, traceId);
  }

  byte[] encode() {
    byte[] t = utf8(tenant);
    byte[] ns = utf8(service.namespace());
    byte[] name = utf8(service.name());
    byte[] peerName = peer == null ? new byte[0] : utf8(peer.name());
    byte[] type = utf8(peerType);
    ByteBuffer out =
        ByteBuffer.allocate(
            2
                + 2
                + t.length
                + 2
                + ns.length
                + 2
                + name.length
                + 3
                + traceId.length
                + 1
                + spanId.length
                + 1
                + parentSpanId.length
                + 8
                + 8
                + 2
                + peerName.length
                + 2
                + type.length);
    out.put(FORMAT);
    out.put(
        (byte) ((caller ? 1 : 0) | (messaging ? 2 : 0) | (error ? 4 : 0) | (peer != null ? 8 : 0)));
    putBytes(out, t);
    putBytes(out, ns);
    putBytes(out, name);
    out.put((byte) traceId.length).put(traceId);
    out.put((byte) spanId.length).put(spanId);
    out.put((byte) parentSpanId.length).put(parentSpanId);
    out.putLong(endMs).putLong(durationNanos);
    putBytes(out, peerName);
    putBytes(out, type);
    return out.array();
  }

  static SpanHalf decode(byte[] bytes) {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    byte format = in.get();
    if (format != FORMAT) {
      throw new IllegalArgumentException(
          "span half format " + format + " (expected: " + FORMAT + ")");
    }
    int flags = in.get();
    String tenant = getString(in);
    String ns = getString(in);
    String name = getString(in);
    byte[] trace = getShortBytes(in);
    byte[] span = getShortBytes(in);
    byte[] parent = getShortBytes(in);
    long end = in.getLong();
    long duration = in.getLong();
    String peerName = getString(in);
    String type = getString(in);
    return new SpanHalf(
        tenant,
        EdgeWindow.Node.service(ns, name),
        (flags & 1) != 0,
        (flags & 2) != 0,
        trace,
        span,
        parent,
        end,
        duration,
        (flags & 4) != 0,
        (flags & 8) != 0 ? EdgeWindow.Node.virtual(peerName) : null,
        type);
  }

  static Serde<SpanHalf> serde() {
    return Serdes.serdeFrom(
        (topic, h) -> h == null ? null : h.encode(), (topic, b) -> b == null ? null : decode(b));
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static void putBytes(ByteBuffer out, byte[] b) {
    out.putShort((short) b.length).put(b);
  }

  private static String getString(ByteBuffer in) {
    byte[] b = new byte[Short.toUnsignedInt(in.getShort())];
    in.get(b);
    return new String(b, StandardCharsets.UTF_8);
  }

  private static byte[] getShortBytes(ByteBuffer in) {
    byte[] b = new byte[Byte.toUnsignedInt(in.get())];
    in.get(b);
    return b;
  }
}
