package dev.vitals.ingest.http;

import dev.vitals.ingest.metrics.IngestMetrics.Reason;
import dev.vitals.ingest.otlp.OtlpSignal;
import dev.vitals.ingest.pipeline.ExportOutcome;
import dev.vitals.ingest.pipeline.ExportPipeline;
import dev.vitals.ingest.pipeline.Reservation;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;

/** One POST endpoint of the HTTP listener: how it checks, parses and answers a request. */
interface HttpRoute {

  OtlpSignal signal();

  /** The {@code transport} metric label: {@code http} or {@code remote_write}. */
  String transport();

  /** Checks content type and encoding before the body is read; null when acceptable. */
  Refusal checkHeaders(HttpHeaders headers);

  /** The parse step run on a worker thread once the whole body is in. */
  ExportPipeline.Parser parser(byte[] body, HttpHeaders headers, Reservation reservation);

  /** The answer to an export that ran. */
  FullHttpResponse answer(ExportOutcome outcome, HttpHeaders requestHeaders);

  /** The answer to a request refused before export. */
  FullHttpResponse refuse(Refusal refusal, HttpHeaders requestHeaders);

  /**
   * A request turned away before its body was parsed.
   *
   * @param retryAfter when to retry, for retryable refusals that know better than the configured
   *     hint (a tenant's rate limit); null otherwise
   */
  record Refusal(
      HttpResponseStatus status, Reason reason, String message, java.time.Duration retryAfter) {
    Refusal(HttpResponseStatus status, Reason reason, String message) {
      this(status, reason, message, null);
    }
  }
}
