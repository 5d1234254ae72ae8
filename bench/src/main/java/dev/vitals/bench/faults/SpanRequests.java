package dev.vitals.bench.faults;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.nio.ByteBuffer;

/**
 * The OTLP export requests of the load: one resource (one service) per request, its spans SERVER
 * spans of one route ending at the same instant, so one request counts whole in one window. Span
 * ids carry the ledger id ({@code id << 8 | index}); the failing service's spans have status ERROR.
 */
final class SpanRequests {

  static final String FAILING_SERVICE = "checkout";
  private static final long LATENCY_NANOS = 20_000_000;

  private SpanRequests() {}

  static String serviceName(int service) {
    return service == 0 ? FAILING_SERVICE : String.format("svc-%02d", service);
  }

  /** The service's key in every Vitals topic: tenant {@code default}, no namespace. */
  static String serviceKey(int service) {
    return "default//" + serviceName(service);
  }

  static ExportTraceServiceRequest build(long id, int service, long eventMs, int spans) {
    long endNanos = eventMs * 1_000_000;
    boolean failing = service == 0;
    ScopeSpans.Builder scope = ScopeSpans.newBuilder();
    for (int i = 0; i < spans; i++) {
      scope.addSpans(
          Span.newBuilder()
              .setTraceId(bytes(id, i))
              .setSpanId(ByteString.copyFrom(ByteBuffer.allocate(8).putLong(spanId(id, i)).array()))
              .setName("GET /items")
              .setKind(Span.SpanKind.SPAN_KIND_SERVER)
              .setStartTimeUnixNano(endNanos - LATENCY_NANOS)
              .setEndTimeUnixNano(endNanos)
              .addAttributes(attribute("http.route", "/items"))
              .setStatus(
                  Status.newBuilder()
                      .setCode(
                          failing
                              ? Status.StatusCode.STATUS_CODE_ERROR
                              : Status.StatusCode.STATUS_CODE_UNSET)));
    }
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(
            ResourceSpans.newBuilder()
                .setResource(
                    Resource.newBuilder()
                        .addAttributes(attribute("service.name", serviceName(service))))
                .addScopeSpans(scope))
        .build();
  }

  static long spanId(long id, int index) {
    return id << 8 | index;
  }

  /** The ledger id a span id was made from. */
  static long attemptOf(long spanId) {
    return spanId >>> 8;
  }

  private static ByteString bytes(long id, int index) {
    return ByteString.copyFrom(
        ByteBuffer.allocate(16).putLong(0x5ca1ab1eL).putLong(spanId(id, index)).array());
  }

  private static KeyValue attribute(String key, String value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value))
        .build();
  }
}
