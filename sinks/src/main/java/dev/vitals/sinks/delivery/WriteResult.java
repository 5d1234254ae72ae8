package dev.vitals.sinks.delivery;

import static java.util.Objects.requireNonNull;

import dev.vitals.common.retry.Backoff;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;

/**
 * What a store answered to one write.
 *
 * @param outcome accepted, worth retrying, or refused for good
 * @param status the HTTP status, or 0 when no answer came (timeout, connection error)
 * @param reason the store's response body or the error, for logs and the dead-letter topic
 * @param retryAfter how long the store asked to wait, or null
 * @param rejectedSamples samples an accepted write still dropped (OTLP partial success)
 */
public record WriteResult(
    Outcome outcome, int status, String reason, Duration retryAfter, long rejectedSamples) {

  /** The three ways a write ends. */
  public enum Outcome {
    ACCEPTED,
    RETRYABLE,
    REJECTED
  }

  public WriteResult {
    requireNonNull(outcome, "outcome");
    reason = reason == null ? "" : reason;
  }

  public static WriteResult accepted(int status) {
    return new WriteResult(Outcome.ACCEPTED, status, "", null, 0);
  }

  /** No answer: a timeout or a connection error, always retried. */
  public static WriteResult error(Throwable t) {
    Throwable cause = t.getCause() != null && t.getCause() != t ? t.getCause() : t;
    return new WriteResult(Outcome.RETRYABLE, 0, String.valueOf(cause), null, 0);
  }

  /**
   * The remote-write and line-protocol rule: 2xx accepted, 429 and 5xx retried (honouring {@code
   * Retry-After}), any other status refused.
   */
  public static WriteResult of(HttpResponse<String> response) {
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      return accepted(status);
    }
    Outcome outcome = status == 429 || status >= 500 ? Outcome.RETRYABLE : Outcome.REJECTED;
    return new WriteResult(
        outcome, status, response.body(), Backoff.retryAfter(response, Clock.systemUTC()), 0);
  }

  /** The metric label of this answer: {@code 2xx}, {@code 4xx}, {@code 5xx} or {@code error}. */
  public String statusClass() {
    if (status == 0) {
      return "error";
    }
    return (status / 100) + "xx";
  }
}
