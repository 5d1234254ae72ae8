package dev.vitals.ingest.http;

import dev.vitals.ingest.http.HttpRoute.Refusal;
import dev.vitals.ingest.metrics.IngestMetrics.Reason;
import dev.vitals.ingest.pipeline.ExportOutcome;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** What the routes share: the HTTP status and metric reason of each failed outcome. */
final class HttpRoutes {

  private HttpRoutes() {}

  /** A plain-text answer (remote write's and the listener's own errors). */
  static FullHttpResponse text(HttpResponseStatus status, String message) {
    byte[] bytes = (message + "\n").getBytes(StandardCharsets.UTF_8);
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(bytes));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
    return response;
  }

  /** {@code Retry-After} in whole seconds, at least 1. */
  static void setRetryAfter(FullHttpResponse response, Duration retryAfter) {
    response
        .headers()
        .set(HttpHeaderNames.RETRY_AFTER, Math.max(1, (retryAfter.toMillis() + 999) / 1000));
  }

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
