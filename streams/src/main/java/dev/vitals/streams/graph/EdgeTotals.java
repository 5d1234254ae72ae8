package dev.vitals.streams.graph;

import dev.vitals.schemas.signals.EdgeWindow;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * An edge's running totals, kept in {@code graph-edge-totals}: calls, failed calls, and client and
 * server latency histograms with the OpenTelemetry Collector {@code servicegraph} connector's
 * default bounds, so that the exported {@code traces_service_graph_request_*_seconds} series read
 * as the Collector's do.
 */
final class EdgeTotals {

  /** Seconds: the Collector's default {@code latency_histogram_buckets} (2 ms … 15 s). */
  static final double[] BOUNDS = {
    0.002, 0.004, 0.006, 0.008, 0.01, 0.05, 0.1, 0.2, 0.4, 0.8, 1, 1.4, 2, 5, 10, 15
  };

  private static final byte FORMAT = 2;

  long requests;
  long errors;
  final long[] client = new long[BOUNDS.length + 1];
  double clientSum;
  final long[] server = new long[BOUNDS.length + 1];
  double serverSum;

  /** Whether spans ever counted a call on the edge: then calls from metrics are not counted. */
  boolean fromSpans;

  void add(Call call) {
    if (call.fromMetrics()) {
      if (!fromSpans) {
        requests += call.metricCount();
        errors += call.metricErrors();
      }
      return;
    }
    fromSpans = true;
    requests++;
    if (call.error()) {
      errors++;
    }
    if (call.clientNanos() >= 0) {
      double s = call.clientNanos() / 1e9;
      client[bucket(s)]++;
      clientSum += s;
    }
    if (call.serverNanos() >= 0) {
      double s = call.serverNanos() / 1e9;
      server[bucket(s)]++;
      serverSum += s;
    }
  }

  /** The first bucket whose bound is at least {@code seconds} (Prometheus' {@code le}). */
  static int bucket(double seconds) {
    int i = 0;
    while (i < BOUNDS.length && seconds > BOUNDS[i]) {
      i++;
    }
    return i;
  }

  EdgeWindow.Totals toTotals(Instant at) {
    return new EdgeWindow.Totals(
        at, requests, errors, histogram(client, clientSum), histogram(server, serverSum));
  }

  private static EdgeWindow.Histogram histogram(long[] counts, double sum) {
    List<Double> bounds = new ArrayList<>();
    for (double b : BOUNDS) {
      bounds.add(b);
    }
    List<Long> c = new ArrayList<>();
    for (long n : counts) {
      c.add(n);
    }
    return new EdgeWindow.Histogram(bounds, c, sum);
  }

  byte[] encode() {
    ByteBuffer out = ByteBuffer.allocate(1 + 8 + 8 + 2 * (8 * client.length + 8) + 1);
    out.put(FORMAT).putLong(requests).putLong(errors);
    for (long n : client) {
      out.putLong(n);
    }
    out.putDouble(clientSum);
    for (long n : server) {
      out.putLong(n);
    }
    out.putDouble(serverSum);
    out.put((byte) (fromSpans ? 1 : 0));
    return out.array();
  }

  static EdgeTotals decode(byte[] bytes) {
    EdgeTotals t = new EdgeTotals();
    if (bytes == null) {
      return t;
    }
    ByteBuffer in = ByteBuffer.wrap(bytes);
    byte format = in.get();
    if (format != FORMAT) {
      throw new IllegalArgumentException(
          "edge totals format " + format + " (expected: " + FORMAT + ")");
    }
    t.requests = in.getLong();
    t.errors = in.getLong();
    for (int i = 0; i < t.client.length; i++) {
      t.client[i] = in.getLong();
    }
    t.clientSum = in.getDouble();
    for (int i = 0; i < t.server.length; i++) {
      t.server[i] = in.getLong();
    }
    t.serverSum = in.getDouble();
    t.fromSpans = in.get() == 1;
    return t;
  }
}
