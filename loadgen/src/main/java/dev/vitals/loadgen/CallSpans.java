package dev.vitals.loadgen;

import dev.vitals.schemas.Signal;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The calls of a traced request, as the instrumentation of both sides would export them: for each
 * callee it called, a CLIENT span (child of the request's SERVER span, {@code server.address} = the
 * callee, or {@code db.system.name}/{@code db.namespace} for a database) and, for a service, the
 * callee's SERVER span (child of the CLIENT span, the trace context propagated as W3C {@code
 * traceparent} would carry it), exported with the callee's resource, with the callee's own calls
 * under it. A failed call fails both spans.
 */
final class CallSpans {

  private static final int MAX_DEPTH = 4;

  private final ServiceModel caller;
  private final Map<ServiceModel, List<Span>> byCallee = new LinkedHashMap<>();

  CallSpans(ServiceModel caller) {
    this.caller = caller;
  }

  /** The caller's CLIENT spans of {@code t}; the callees' spans are kept for their exports. */
  List<Span> of(TracedRequest t, Span server) {
    List<Span> out = new ArrayList<>();
    Request r = t.request();
    List<ServiceModel.Callee> callees = caller.callees();
    for (int i = 0; i < callees.size(); i++) {
      if ((r.called() & (1 << i)) != 0) {
        boolean failed = (r.failedCalls() & (1 << i)) != 0;
        calls(callees.get(i), server, failed, i + 1, out, 1);
      }
    }
    return out;
  }

  private void calls(
      ServiceModel.Callee callee,
      Span parent,
      boolean failed,
      int salt,
      List<Span> out,
      int depth) {
    long parentId = parentId(parent);
    long start = parent.getStartTimeUnixNano();
    long length = parent.getEndTimeUnixNano() - start;
    Span.Builder client =
        Span.newBuilder()
            .setTraceId(parent.getTraceId())
            .setSpanId(Otlp.spanId(mix(parentId, 2L * salt)))
            .setParentSpanId(parent.getSpanId())
            .setKind(Span.SpanKind.SPAN_KIND_CLIENT)
            .setStartTimeUnixNano(start + length / 10)
            .setEndTimeUnixNano(start + length * 9 / 10);
    if (callee.service() == null) {
      String[] db = callee.name().split("/", 2);
      client
          .setName("SELECT " + db[1])
          .addAttributes(Otlp.attr("db.system.name", db[0]))
          .addAttributes(Otlp.attr("db.namespace", db[1]));
    } else {
      client
          .setName("POST")
          .addAttributes(Otlp.attr("http.request.method", "POST"))
          .addAttributes(Otlp.attr("server.address", callee.name()))
          .addAttributes(Otlp.attr("http.response.status_code", failed ? 500 : 200));
    }
    if (failed) {
      client.setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR));
    }
    Span clientSpan = client.build();
    out.add(clientSpan);
    if (callee.service() != null) {
      calleeServer(callee.service(), clientSpan, failed, depth);
    }
  }

  private void calleeServer(ServiceModel callee, Span client, boolean failed, int depth) {
    long start = client.getStartTimeUnixNano();
    long length = client.getEndTimeUnixNano() - start;
    long id = mix(parentId(client), 1);
    Route route = callee.routes().get((int) Math.floorMod(id, (long) callee.routes().size()));
    Span.Builder server =
        Span.newBuilder()
            .setTraceId(client.getTraceId())
            .setSpanId(Otlp.spanId(id))
            .setParentSpanId(client.getSpanId())
            .setName(route.spanName())
            .setKind(Span.SpanKind.SPAN_KIND_SERVER)
            .setStartTimeUnixNano(start + length / 50)
            .setEndTimeUnixNano(start + length * 49 / 50)
            .addAttributes(Otlp.attr("http.request.method", route.method()))
            .addAttributes(Otlp.attr("http.route", route.path()))
            .addAttributes(Otlp.attr("url.scheme", "http"))
            .addAttributes(Otlp.attr("http.response.status_code", failed ? 500 : 200));
    if (failed) {
      server
          .addAttributes(Otlp.attr("error.type", "500"))
          .setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR));
    }
    Span serverSpan = server.build();
    List<Span> spans = byCallee.computeIfAbsent(callee, k -> new ArrayList<>());
    spans.add(serverSpan);
    if (depth >= MAX_DEPTH) {
      return;
    }
    // Its own calls: drawn from the span's id, so that the callee's own random stream (and what it
    // simulates) stays as it is; they succeed (a failure of theirs is in its failure ratio).
    SplittableRandom random = new SplittableRandom(id);
    List<ServiceModel.Callee> next = callee.callees();
    for (int i = 0; i < next.size(); i++) {
      if (random.nextDouble() < next.get(i).share()) {
        calls(next.get(i), serverSpan, false, i + 1, spans, depth + 1);
      }
    }
  }

  /** One traces export per callee service, with its resource. */
  List<OtlpExport> calleeExports() {
    List<OtlpExport> out = new ArrayList<>();
    byCallee.forEach(
        (callee, spans) ->
            out.add(
                new OtlpExport(
                    Signal.TRACES,
                    callee.name(),
                    ExportTraceServiceRequest.newBuilder()
                        .addResourceSpans(
                            ResourceSpans.newBuilder()
                                .setResource(callee.resource())
                                .addScopeSpans(
                                    ScopeSpans.newBuilder()
                                        .setScope(Otlp.SCOPE)
                                        .addAllSpans(spans)))
                        .build())));
    return out;
  }

  private static long parentId(Span span) {
    return span.getSpanId().asReadOnlyByteBuffer().getLong();
  }

  /** A span id derived from another: never 0. */
  static long mix(long id, long salt) {
    long z = id + 0x9E3779B97F4A7C15L * (salt + 1);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return (z ^ (z >>> 31)) | 1;
  }
}
