package dev.vitals.schemas.signals;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One closed window of one service, or of one of its operations: a record of {@code
 * vitals.service-windows.v1}. A late correction re-emits the same window with a higher {@code
 * revision}.
 *
 * @param operation the route, RPC method or span name; null for the whole service
 * @param requests requests that ended in the window
 * @param errors of those, the failed ones (HTTP 5xx, span status ERROR, non-OK gRPC status)
 * @param latency request latency in the window; null when there were no requests
 * @param logs log records by severity class ({@code TRACE} .. {@code FATAL})
 * @param silent true when the service sent nothing in the window
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ServiceWindow(
    String tenant,
    String namespace,
    String service,
    String operation,
    Instant windowStart,
    Instant windowEnd,
    int revision,
    long requests,
    long errors,
    Latency latency,
    Map<String, Long> logs,
    long spans,
    long errorSpans,
    List<String> sampleErrors,
    List<String> exemplarTraceIds,
    boolean silent) {

  public ServiceWindow {
    requireNonNull(tenant, "tenant");
    requireNonNull(namespace, "namespace");
    requireNonNull(service, "service");
    requireNonNull(windowStart, "windowStart");
    requireNonNull(windowEnd, "windowEnd");
    logs = logs == null ? Map.of() : Map.copyOf(logs);
    sampleErrors = sampleErrors == null ? List.of() : List.copyOf(sampleErrors);
    exemplarTraceIds = exemplarTraceIds == null ? List.of() : List.copyOf(exemplarTraceIds);
    if (!windowEnd.isAfter(windowStart)) {
      throw new IllegalArgumentException(
          "windowEnd: " + windowEnd + " (expected: after windowStart " + windowStart + ")");
    }
  }

  /** The window's length. */
  public Duration length() {
    return Duration.between(windowStart, windowEnd);
  }

  /**
   * Latency quantiles in seconds and the serialized sketch they came from.
   *
   * @param sketch the mergeable sketch, base64; may be null
   */
  public record Latency(double p50, double p90, double p99, double max, String sketch) {}
}
