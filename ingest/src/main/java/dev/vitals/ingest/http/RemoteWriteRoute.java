package dev.vitals.ingest.http;

import dev.vitals.ingest.metrics.IngestMetrics;
import dev.vitals.ingest.metrics.IngestMetrics.Reason;
import dev.vitals.ingest.otlp.OtlpSignal;
import dev.vitals.ingest.pipeline.ExportOutcome;
import dev.vitals.ingest.pipeline.ExportPipeline;
import dev.vitals.ingest.pipeline.Reservation;
import dev.vitals.ingest.remotewrite.BodyTooLargeException;
import dev.vitals.ingest.remotewrite.Conversion;
import dev.vitals.ingest.remotewrite.MalformedBodyException;
import dev.vitals.ingest.remotewrite.RemoteWriteBody;
import dev.vitals.ingest.remotewrite.RemoteWriteToOtlp;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.time.Duration;

/**
 * {@code POST /api/v1/write}: Prometheus remote write 1.0 (snappy block + protobuf), turned into
 * OTLP metrics. Answers as a remote-write receiver should: 204 on success, 400 with a plain-text
 * reason for bad data, 413 for bodies over the limit, and 503 with {@code Retry-After} for "slow
 * down" (senders retry 5xx by default, but 429 only when told to).
 */
final class RemoteWriteRoute implements HttpRoute {

  static final String PATH = "/api/v1/write";

  private final long maxRequestBytes;
  private final Duration retryAfter;
  private final IngestMetrics metrics;

  RemoteWriteRoute(long maxRequestBytes, Duration retryAfter, IngestMetrics metrics) {
    this.maxRequestBytes = maxRequestBytes;
    this.retryAfter = retryAfter;
    this.metrics = metrics;
  }

  @Override
  public OtlpSignal signal() {
    return OtlpSignal.METRICS;
  }

  @Override
  public String transport() {
    return "remote_write";
  }

  @Override
  public Refusal checkHeaders(HttpHeaders headers) {
    String version = headers.get("X-Prometheus-Remote-Write-Version", "0.1.0");
    String type = headers.get(HttpHeaderNames.CONTENT_TYPE, "application/x-protobuf");
    if (!version.startsWith("0.") || type.contains("io.prometheus.write.v2")) {
      return unsupported(
          "remote write " + version + " is not supported (expected: 1.0, version 0.1.0)");
    }
    if (!OtlpHttpRoute.mediaType(headers).equals(OtlpHttpRoute.PROTOBUF)) {
      return unsupported(
          "unsupported Content-Type \"" + type + "\" (expected: application/x-protobuf)");
    }
    if (!OtlpHttpRoute.encoding(headers).equals("snappy")) {
      return unsupported(
          "unsupported Content-Encoding \""
              + headers.get(HttpHeaderNames.CONTENT_ENCODING, "")
              + "\" (expected: snappy)");
    }
    return null;
  }

  private static Refusal unsupported(String message) {
    return new Refusal(
        HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, Reason.UNSUPPORTED_MEDIA_TYPE, message);
  }

  @Override
  public ExportPipeline.Parser parser(byte[] body, HttpHeaders headers, Reservation reservation) {
    return () -> {
      Conversion conversion;
      try {
        reserveDecompressed(RemoteWriteBody.declaredLength(body, maxRequestBytes), reservation);
        conversion = RemoteWriteToOtlp.convert(RemoteWriteBody.decode(body, maxRequestBytes));
      } catch (BodyTooLargeException e) {
        throw new ExportPipeline.TooLargeException(e.getMessage());
      } catch (MalformedBodyException e) {
        throw new ExportPipeline.MalformedException(e.getMessage());
      }
      if (conversion.rejectedSamples() > 0) {
        metrics.rejectedItems("metrics", Reason.INVALID_SERIES, conversion.rejectedSamples());
      }
      if (conversion.allRejected()) {
        throw new ExportPipeline.MalformedException(
            "all "
                + conversion.rejectedSamples()
                + " samples rejected: "
                + conversion.firstError());
      }
      return new ExportPipeline.Parsed(
          conversion.request(),
          conversion.rejectedSamples(),
          conversion.rejectedSamples() == 0
              ? ""
              : conversion.rejectedSamples() + " samples rejected: " + conversion.firstError());
    };
  }

  /** The snappy header declares the inflated size: hold it against the in-flight bound first. */
  private static void reserveDecompressed(long declared, Reservation reservation)
      throws ExportPipeline.ThrottledException {
    if (!reservation.tryGrow(declared)) {
      throw new ExportPipeline.ThrottledException(
          "ingest is at its in-flight byte limit; retry later");
    }
  }

  @Override
  public FullHttpResponse answer(ExportOutcome outcome, HttpHeaders requestHeaders) {
    if (outcome instanceof ExportOutcome.Accepted a) {
      if (a.rejectedItems() == 0) {
        FullHttpResponse ok =
            new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT);
        ok.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        return ok;
      }
      // The valid samples are written; the sender must not retry, and logs why some were not.
      return HttpRoutes.text(HttpResponseStatus.BAD_REQUEST, a.message());
    }
    return refuse(HttpRoutes.refusal(outcome), requestHeaders);
  }

  @Override
  public FullHttpResponse refuse(Refusal refusal, HttpHeaders requestHeaders) {
    boolean retryable =
        refusal.reason() == Reason.THROTTLED || refusal.reason() == Reason.KAFKA_UNAVAILABLE;
    FullHttpResponse response =
        HttpRoutes.text(
            retryable ? HttpResponseStatus.SERVICE_UNAVAILABLE : refusal.status(),
            refusal.message());
    if (retryable) {
      HttpRoutes.setRetryAfter(response, retryAfter);
    } else if (refusal.retryAfter() != null) {
      // A tenant over its rate: 429 as Mimir answers it (the sender decides whether to retry).
      HttpRoutes.setRetryAfter(response, refusal.retryAfter());
    }
    return response;
  }
}
