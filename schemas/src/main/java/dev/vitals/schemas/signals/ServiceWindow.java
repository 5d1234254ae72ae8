package dev.vitals.schemas.signals;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

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
 * @param totals the running totals of the service (or operation) as of this record, or null when
 *     the writer keeps none (added to v1 as an optional field; readers must accept it absent)
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
    boolean silent,
    @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Totals totals) {

  @JsonCreator
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

  /** A window without running totals. */
  public ServiceWindow(
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
    this(
        tenant,
        namespace,
        service,
        operation,
        windowStart,
        windowEnd,
        revision,
        requests,
        errors,
        latency,
        logs,
        spans,
        errorSpans,
        sampleErrors,
        exemplarTraceIds,
        silent,
        null);
  }

  /** This window with {@code totals}. */
  public ServiceWindow withTotals(Totals totals) {
    return new ServiceWindow(
        tenant,
        namespace,
        service,
        operation,
        windowStart,
        windowEnd,
        revision,
        requests,
        errors,
        latency,
        logs,
        spans,
        errorSpans,
        sampleErrors,
        exemplarTraceIds,
        silent,
        totals);
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

  /**
   * Running totals of one service (or one operation of it): monotonic counts of everything its
   * windows reported since {@code since}, raised by every emitted window and by every correction
   * (by the difference between revisions), so late data raises them when it is processed. They are
   * kept in the streams state (exactly once) and start again from zero, with a new {@code since},
   * when the service or operation was forgotten and comes back: a counter reset.
   *
   * @param since when the totals started counting (the first window's start): the start time of a
   *     cumulative series
   * @param sampledAt the time to stamp the totals with: the window's end, or just after the
   *     previous sample's time when that is later (a correction), so it grows strictly from record
   *     to record of one service (or operation)
   * @param logs log records by severity class, every class present
   * @param latency the latency of all {@code requests}, in seconds; null when there was none
   */
  public record Totals(
      Instant since,
      Instant sampledAt,
      long requests,
      long errors,
      long spans,
      long errorSpans,
      Map<String, Long> logs,
      @JsonInclude(JsonInclude.Include.NON_NULL) Histogram latency) {

    public Totals {
      requireNonNull(since, "since");
      requireNonNull(sampledAt, "sampledAt");
      logs = logs == null ? Map.of() : Map.copyOf(logs);
    }
  }

  /**
   * A base-2 exponential histogram of positive values, OpenTelemetry's layout (and Prometheus'
   * native histograms'): bucket {@code i} covers {@code (2^(i/2^scale), 2^((i+1)/2^scale)]}, so
   * {@code bucketCounts[k]} counts the values of bucket {@code offset + k}.
   *
   * @param scale 2^scale buckets per power of two
   * @param count all values, {@code zeroCount} and the buckets'
   * @param sum the sum of the values
   * @param zeroCount values at or below zero
   */
  public record Histogram(
      int scale, long count, double sum, long zeroCount, int offset, List<Long> bucketCounts) {

    public Histogram {
      if (!(bucketCounts instanceof Counts)) { // Counts: immutable, checked when made
        bucketCounts = bucketCounts == null ? List.of() : List.copyOf(bucketCounts);
        for (long n : bucketCounts) {
          if (n < 0) {
            throw new IllegalArgumentException(
                "bucketCounts: " + bucketCounts + " (expected: >= 0)");
          }
        }
      }
      if (scale < -10 || scale > 20) {
        throw new IllegalArgumentException("scale: " + scale + " (expected: -10..20)");
      }
      if (count < 0 || zeroCount < 0) {
        throw new IllegalArgumentException(
            "count, zeroCount: " + count + ", " + zeroCount + " (expected: >= 0)");
      }
    }
  }
}
