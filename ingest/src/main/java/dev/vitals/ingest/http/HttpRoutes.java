package dev.vitals.ingest.http;

import dev.vitals.ingest.http.HttpRoute.Refusal;
import dev.vitals.ingest.metrics.IngestMetrics.Reason;
import dev.vitals.ingest.pipeline.ExportOutcome;
import io.netty.handler.codec.http.HttpResponseStatus;

/** What the routes share: the HTTP status and metric reason of each failed outcome. */
final class HttpRoutes {

  private HttpRoutes() {}

  /** The refusal a failed outcome turns into. */
  static Refusal refusal(ExportOutcome outcome) {
    if (outcome instanceof ExportOutcome.Malformed m) {
      return new Refusal(HttpResponseStatus.BAD_REQUEST, Reason.MALFORMED, m.message());
    }
    if (outcome instanceof ExportOutcome.TooLarge t) {
      return new Refusal(
          HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, Reason.TOO_LARGE, t.message());
    }
    if (outcome instanceof ExportOutcome.Throttled t) {
      return new Refusal(HttpResponseStatus.TOO_MANY_REQUESTS, Reason.THROTTLED, t.message());
    }
    if (outcome instanceof ExportOutcome.Unavailable u) {
      return new Refusal(
          HttpResponseStatus.SERVICE_UNAVAILABLE, Reason.KAFKA_UNAVAILABLE, u.message());
    }
    throw new IllegalArgumentException("not a failure: " + outcome);
  }
}
