package dev.vitals.streams.graph;

import dev.vitals.schemas.ServiceKey;
import dev.vitals.schemas.signals.EdgeWindow;
import dev.vitals.schemas.signals.ServiceWindow;
import dev.vitals.streams.sketch.LatencySketch;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** The running totals of one edge in one window, as kept in {@code graph-edge-windows}. */
final class EdgeAccumulator {

  private static final byte FORMAT = 2;

  long requests;
  long errors;
  String connectionType = EdgeWindow.VIRTUAL_NODE;
  boolean clientVirtual = true;
  boolean serverVirtual = true;

  /** The revision last emitted, -1 while the window is open. */
  int emittedRevision = -1;

  LatencySketch clientLatency;
  LatencySketch serverLatency;

  /** Calls counted from the caller's client duration metrics, used when no span counted any. */
  long metricRequests;

  long metricErrors;
  LatencySketch metricLatency;

  void add(Call call) {
    if (call.fromMetrics()) {
      metricRequests += call.metricCount();
      metricErrors += call.metricErrors();
      if (call.metricSketch().length > 0) {
        if (metricLatency == null) {
          metricLatency = new LatencySketch();
        }
        metricLatency.merge(LatencySketch.fromBytes(call.metricSketch()));
      }
      return;
    }
    requests++;
    if (call.error()) {
      errors++;
    }
    if (requests == 1 || (isVirtual(connectionType) && !isVirtual(call.connectionType()))) {
      connectionType = call.connectionType();
    }
    clientVirtual &= call.client().virtual();
    serverVirtual &= call.server().virtual();
    if (call.clientNanos() >= 0) {
      if (clientLatency == null) {
        clientLatency = new LatencySketch();
      }
      clientLatency.record(call.clientNanos() / 1e9);
    }
    if (call.serverNanos() >= 0) {
      if (serverLatency == null) {
        serverLatency = new LatencySketch();
      }
      serverLatency.record(call.serverNanos() / 1e9);
    }
  }

  /** A call to a service that sent its own span tells more than one known only by name. */
  private static boolean isVirtual(String type) {
    return EdgeWindow.VIRTUAL_NODE.equals(type) || EdgeWindow.DATABASE.equals(type);
  }

  EdgeWindow toEdgeWindow(
      byte[] edgeKey, long startMs, long endMs, int revision, EdgeWindow.Totals totals) {
    String key = new String(edgeKey, StandardCharsets.UTF_8);
    int bar = key.indexOf('|');
    ServiceKey client = ServiceKey.parse(key.substring(0, bar));
    ServiceKey server = ServiceKey.parse(key.substring(bar + 1));
    if (requests == 0 && metricRequests > 0) {
      return new EdgeWindow(
          client.tenant(),
          new EdgeWindow.Node(client.namespace(), client.name(), false),
          new EdgeWindow.Node(server.namespace(), server.name(), true),
          EdgeWindow.VIRTUAL_NODE,
          Instant.ofEpochMilli(startMs),
          Instant.ofEpochMilli(endMs),
          revision,
          metricRequests,
          metricErrors,
          latency(metricLatency),
          null,
          false,
          totals);
    }
    return new EdgeWindow(
        client.tenant(),
        new EdgeWindow.Node(client.namespace(), client.name(), clientVirtual),
        new EdgeWindow.Node(server.namespace(), server.name(), serverVirtual),
        connectionType,
        Instant.ofEpochMilli(startMs),
        Instant.ofEpochMilli(endMs),
        revision,
        requests,
        errors,
        latency(clientLatency),
        latency(serverLatency),
        true,
        totals);
  }

  private static ServiceWindow.Latency latency(LatencySketch sketch) {
    if (sketch == null || sketch.count() == 0) {
      return null;
    }
    return new ServiceWindow.Latency(
        Math.max(0, sketch.quantile(0.5)),
        Math.max(0, sketch.quantile(0.9)),
        Math.max(0, sketch.quantile(0.99)),
        Math.max(0, sketch.max()),
        sketch.toBase64());
  }

  byte[] encode() {
    byte[] type = connectionType.getBytes(StandardCharsets.UTF_8);
    byte[] c = clientLatency == null ? new byte[0] : clientLatency.toBytes();
    byte[] s = serverLatency == null ? new byte[0] : serverLatency.toBytes();
    byte[] m = metricLatency == null ? new byte[0] : metricLatency.toBytes();
    return ByteBuffer.allocate(
            1 + 1 + 4 + 8 + 8 + 1 + type.length + 4 + c.length + 4 + s.length + 16 + 4 + m.length)
        .put(FORMAT)
        .put((byte) ((clientVirtual ? 1 : 0) | (serverVirtual ? 2 : 0)))
        .putInt(emittedRevision)
        .putLong(requests)
        .putLong(errors)
        .put((byte) type.length)
        .put(type)
        .putInt(c.length)
        .put(c)
        .putInt(s.length)
        .put(s)
        .putLong(metricRequests)
        .putLong(metricErrors)
        .putInt(m.length)
        .put(m)
        .array();
  }

  static EdgeAccumulator decode(byte[] bytes) {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    byte format = in.get();
    if (format != FORMAT) {
      throw new IllegalArgumentException(
          "edge accumulator format " + format + " (expected: " + FORMAT + ")");
    }
    EdgeAccumulator a = new EdgeAccumulator();
    int flags = in.get();
    a.clientVirtual = (flags & 1) != 0;
    a.serverVirtual = (flags & 2) != 0;
    a.emittedRevision = in.getInt();
    a.requests = in.getLong();
    a.errors = in.getLong();
    byte[] type = new byte[in.get()];
    in.get(type);
    a.connectionType = new String(type, StandardCharsets.UTF_8);
    a.clientLatency = sketch(in);
    a.serverLatency = sketch(in);
    a.metricRequests = in.getLong();
    a.metricErrors = in.getLong();
    a.metricLatency = sketch(in);
    return a;
  }

  private static LatencySketch sketch(ByteBuffer in) {
    byte[] b = new byte[in.getInt()];
    if (b.length == 0) {
      return null;
    }
    in.get(b);
    return LatencySketch.fromBytes(b);
  }
}
