package dev.vitals.streams.window;

import dev.vitals.streams.sketch.LatencySketch;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;

/**
 * Spans into windows: every span counts in {@code spans} (status ERROR also in {@code errorSpans});
 * SERVER and CONSUMER spans are requests of their operation (http.route, else
 * rpc.service/rpc.method, else the span name), failed on status ERROR, HTTP 5xx or a non-OK gRPC
 * status, with latency end − start. Event time is the end time.
 */
final class SpansReader {

  private SpansReader() {}

  static void read(ExportTraceServiceRequest request, RecordBatch batch) {
    int maxExemplars = batch.settings().maxExemplars();
    for (ResourceSpans rs : request.getResourceSpansList()) {
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        for (Span span : ss.getSpansList()) {
          read(span, batch, maxExemplars);
        }
      }
    }
  }

  private static void read(Span span, RecordBatch batch, int maxExemplars) {
    boolean statusError = span.getStatus().getCode() == Status.StatusCode.STATUS_CODE_ERROR;
    boolean server =
        span.getKind() == Span.SpanKind.SPAN_KIND_SERVER
            || span.getKind() == Span.SpanKind.SPAN_KIND_CONSUMER;
    String operation = null;
    boolean failed = false;
    double seconds = 0;
    if (server) {
      operation = Semconv.operation(span.getAttributesList());
      if (operation == null && !span.getName().isEmpty()) {
        operation = span.getName();
      }
      failed = statusError || Semconv.failed(span.getAttributesList());
      long nanos = span.getEndTimeUnixNano() - span.getStartTimeUnixNano();
      seconds = Math.max(0, nanos) / 1e9;
    }
    String traceId = statusError ? RecordBatch.hex(span.getTraceId()) : null;
    boolean isServer = server;
    boolean isFailed = failed;
    double latency = seconds;
    batch.add(
        batch.eventMs(span.getEndTimeUnixNano()),
        operation,
        acc -> {
          acc.spans++;
          if (statusError) {
            acc.errorSpans++;
            if (traceId != null) {
              WindowAccumulator.addBounded(acc.errorTraceIds, traceId, maxExemplars);
            }
          }
          if (isServer) {
            acc.spanRequests++;
            if (isFailed) {
              acc.spanErrors++;
            }
            LatencySketch sketch = acc.spanLatency();
            sketch.record(latency);
          }
        });
  }
}
