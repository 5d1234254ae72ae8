package dev.vitals.streams.graph;

import static java.util.Objects.requireNonNull;

import dev.vitals.schemas.signals.EdgeWindow;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * One call on an edge, as the pairing step found it: a client span with its server span, a client
 * span alone (to a virtual node), or a root server span (from {@code user}).
 *
 * @param eventMs when the call ended: the client span's end, else the server span's
 * @param clientNanos the client span's duration, or -1 without one
 * @param serverNanos the server span's duration, or -1 without one
 * @param error the client or the server span has status ERROR
 * @param metricCount for calls counted by the caller's client duration histogram (no spans): how
 *     many; 0 for a call from spans
 * @param metricErrors of those, the failed ones
 * @param metricSketch their client latency ({@link dev.vitals.streams.sketch.LatencySketch} bytes),
 *     or empty
 */
// Carries encoded bytes between steps; never compared or hashed, so array identity is fine.
@SuppressWarnings("ArrayRecordComponent")
record Call(
    String tenant,
    EdgeWindow.Node client,
    EdgeWindow.Node server,
    String connectionType,
    long eventMs,
    long clientNanos,
    long serverNanos,
    boolean error,
    long metricCount,
    long metricErrors,
    byte[] metricSketch) {

  private static final byte FORMAT = 2;

  Call(
      String tenant,
      EdgeWindow.Node client,
      EdgeWindow.Node server,
      String connectionType,
      long eventMs,
      long clientNanos,
      long serverNanos,
      boolean error) {
    this(
        tenant,
        client,
        server,
        connectionType,
        eventMs,
        clientNanos,
        serverNanos,
        error,
        0,
        0,
        new byte[0]);
  }

  boolean fromMetrics() {
    return metricCount > 0;
  }

  Call {
    requireNonNull(tenant, "tenant");
    requireNonNull(client, "client");
    requireNonNull(server, "server");
    requireNonNull(connectionType, "connectionType");
    metricSketch = metricSketch == null ? new byte[0] : metricSketch;
  }

  static Call paired(SpanHalf caller, SpanHalf callee) {
    return new Call(
        caller.tenant(),
        caller.service(),
        callee.service(),
        caller.messaging() ? EdgeWindow.MESSAGING_SYSTEM : EdgeWindow.DIRECT,
        caller.endMs(),
        caller.durationNanos(),
        callee.durationNanos(),
        caller.error() || callee.error());
  }

  static Call toPeer(SpanHalf caller) {
    return new Call(
        caller.tenant(),
        caller.service(),
        caller.peer(),
        caller.peerType(),
        caller.endMs(),
        caller.durationNanos(),
        -1,
        caller.error());
  }

  static Call fromUser(SpanHalf root) {
    return new Call(
        root.tenant(),
        EdgeWindow.Node.USER,
        root.service(),
        EdgeWindow.DIRECT,
        root.endMs(),
        -1,
        root.durationNanos(),
        root.error());
  }

  /** The edge's key, as {@code vitals.edges.v1} is keyed. */
  byte[] edgeKey() {
    return EdgeWindow.key(tenant, client, server).getBytes(StandardCharsets.UTF_8);
  }

  byte[] encode() {
    byte[][] parts = {
      utf8(tenant),
      utf8(client.namespace()),
      utf8(client.name()),
      utf8(server.namespace()),
      utf8(server.name()),
      utf8(connectionType)
    };
    int size = 2 + 8 * 3 + 8 * 2 + 4 + metricSketch.length;
    for (byte[] p : parts) {
      size += 2 + p.length;
    }
    ByteBuffer out = ByteBuffer.allocate(size);
    out.put(FORMAT);
    out.put((byte) ((client.virtual() ? 1 : 0) | (server.virtual() ? 2 : 0) | (error ? 4 : 0)));
    for (byte[] p : parts) {
      out.putShort((short) p.length).put(p);
    }
    out.putLong(eventMs).putLong(clientNanos).putLong(serverNanos);
    out.putLong(metricCount).putLong(metricErrors).putInt(metricSketch.length).put(metricSketch);
    return out.array();
  }

  static Call decode(byte[] bytes) {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    byte format = in.get();
    if (format != FORMAT) {
      throw new IllegalArgumentException("call format " + format + " (expected: " + FORMAT + ")");
    }
    int flags = in.get();
    String tenant = string(in);
    EdgeWindow.Node client = new EdgeWindow.Node(string(in), string(in), (flags & 1) != 0);
    EdgeWindow.Node server = new EdgeWindow.Node(string(in), string(in), (flags & 2) != 0);
    String type = string(in);
    long event = in.getLong();
    long clientNanos = in.getLong();
    long serverNanos = in.getLong();
    long count = in.getLong();
    long errors = in.getLong();
    byte[] sketch = new byte[in.getInt()];
    in.get(sketch);
    return new Call(
        tenant,
        client,
        server,
        type,
        event,
        clientNanos,
        serverNanos,
        (flags & 4) != 0,
        count,
        errors,
        sketch);
  }

  static Serde<Call> serde() {
    return Serdes.serdeFrom(
        (topic, c) -> c == null ? null : c.encode(), (topic, b) -> b == null ? null : decode(b));
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String string(ByteBuffer in) {
    byte[] b = new byte[Short.toUnsignedInt(in.getShort())];
    in.get(b);
    return new String(b, StandardCharsets.UTF_8);
  }
}
