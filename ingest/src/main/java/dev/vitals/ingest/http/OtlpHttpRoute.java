package dev.vitals.ingest.http;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import com.google.protobuf.util.Durations;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import com.google.rpc.RetryInfo;
import com.google.rpc.Status;
import dev.vitals.ingest.metrics.IngestMetrics.Reason;
import dev.vitals.ingest.otlp.OtlpJson;
import dev.vitals.ingest.otlp.OtlpSignal;
import dev.vitals.ingest.pipeline.Bodies;
import dev.vitals.ingest.pipeline.ExportOutcome;
import dev.vitals.ingest.pipeline.ExportPipeline;
import dev.vitals.ingest.pipeline.Reservation;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.time.Duration;
import java.util.Locale;

/**
 * {@code POST /v1/metrics}, {@code /v1/logs}, {@code /v1/traces}: OTLP/HTTP in binary protobuf or
 * JSON, plain or gzip, answered as the OTLP specification says: the response in the request's
 * content type, failures as a {@code google.rpc.Status}, and only 429 and 503 retryable.
 */
final class OtlpHttpRoute implements HttpRoute {

  static final String PROTOBUF = "application/x-protobuf";
  static final String JSON = "application/json";

  private final OtlpSignal signal;
  private final long maxRequestBytes;
  private final Duration retryAfter;

  OtlpHttpRoute(OtlpSignal signal, long maxRequestBytes, Duration retryAfter) {
    this.signal = signal;
    this.maxRequestBytes = maxRequestBytes;
    this.retryAfter = retryAfter;
  }

  @Override
  public OtlpSignal signal() {
    return signal;
  }

  @Override
  public String transport() {
    return "http";
  }

  @Override
  public Refusal checkHeaders(HttpHeaders headers) {
    String type = mediaType(headers);
    if (!type.equals(PROTOBUF) && !type.equals(JSON)) {
      return new Refusal(
          HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE,
          Reason.UNSUPPORTED_MEDIA_TYPE,
          "unsupported Content-Type \""
              + headers.get(HttpHeaderNames.CONTENT_TYPE, "")
              + "\" (expected: application/x-protobuf or application/json)");
    }
    String encoding = encoding(headers);
    if (!encoding.isEmpty() && !encoding.equals("gzip") && !encoding.equals("identity")) {
      return new Refusal(
          HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE,
          Reason.UNSUPPORTED_MEDIA_TYPE,
          "unsupported Content-Encoding \"" + encoding + "\" (expected: gzip or none)");
    }
    return null;
  }

  @Override
  public ExportPipeline.Parser parser(byte[] body, HttpHeaders headers, Reservation reservation) {
    boolean json = mediaType(headers).equals(JSON);
    boolean gzip = encoding(headers).equals("gzip");
    return () -> {
      byte[] plain = gzip ? Bodies.gunzip(body, maxRequestBytes, reservation) : body;
      if (json) {
        try {
          return ExportPipeline.Parsed.of(OtlpJson.parse(plain, signal.requestPrototype()));
        } catch (OtlpJson.MalformedJsonException e) {
          throw new ExportPipeline.MalformedException(e.getMessage());
        }
      }
      return ExportPipeline.Parsed.protobuf(signal, plain);
    };
  }

  @Override
  public FullHttpResponse answer(ExportOutcome outcome, HttpHeaders requestHeaders) {
    if (outcome instanceof ExportOutcome.Accepted a) {
      return response(
          HttpResponseStatus.OK, signal.response(a.rejectedItems(), a.message()), requestHeaders);
    }
    return refuse(HttpRoutes.refusal(outcome), requestHeaders);
  }

  @Override
  public FullHttpResponse refuse(Refusal refusal, HttpHeaders requestHeaders) {
    HttpResponseStatus httpStatus = refusal.status();
    Reason reason = refusal.reason();
    String message = refusal.message();
    Duration delay = refusal.retryAfter() != null ? refusal.retryAfter() : retryAfter;
    boolean retryable = httpStatus.code() == 429 || httpStatus.code() == 503;
    Status.Builder status =
        Status.newBuilder().setCode(grpcCode(reason).getNumber()).setMessage(message);
    if (reason == Reason.MALFORMED) {
      status.addDetails(
          Any.pack(
              BadRequest.newBuilder()
                  .addFieldViolations(
                      BadRequest.FieldViolation.newBuilder()
                          .setField("body")
                          .setDescription(message))
                  .build()));
    }
    if (retryable) {
      status.addDetails(
          Any.pack(
              RetryInfo.newBuilder()
                  .setRetryDelay(Durations.fromMillis(delay.toMillis()))
                  .build()));
    }
    FullHttpResponse response = response(httpStatus, status.build(), requestHeaders);
    if (retryable) {
      HttpRoutes.setRetryAfter(response, delay);
    }
    return response;
  }

  private static Code grpcCode(Reason reason) {
    return switch (reason) {
      case MALFORMED, UNSUPPORTED_MEDIA_TYPE, INVALID_SERIES -> Code.INVALID_ARGUMENT;
      case TOO_LARGE, RECORD_TOO_LARGE, THROTTLED, RATE_LIMITED -> Code.RESOURCE_EXHAUSTED;
      case UNAUTHENTICATED -> Code.UNAUTHENTICATED;
      case KAFKA_UNAVAILABLE, SHUTTING_DOWN, SLOW_BODY, SLOW_HEADERS -> Code.UNAVAILABLE;
      case HEADERS_TOO_LARGE -> Code.INVALID_ARGUMENT;
      case NOT_FOUND -> Code.NOT_FOUND;
      case METHOD_NOT_ALLOWED -> Code.UNIMPLEMENTED;
    };
  }

  /** The answer body in the request's encoding: JSON for JSON requests, else binary protobuf. */
  static FullHttpResponse response(
      HttpResponseStatus httpStatus, Message body, HttpHeaders requestHeaders) {
    boolean json = mediaType(requestHeaders).equals(JSON);
    byte[] bytes = json ? OtlpJson.print(body) : body.toByteArray();
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, httpStatus, Unpooled.wrappedBuffer(bytes));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, json ? JSON : PROTOBUF);
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
    return response;
  }

  /** The media type without parameters, lower case; empty when absent. */
  static String mediaType(HttpHeaders headers) {
    String type = headers.get(HttpHeaderNames.CONTENT_TYPE, "");
    int semicolon = type.indexOf(';');
    return (semicolon < 0 ? type : type.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
  }

  static String encoding(HttpHeaders headers) {
    return headers.get(HttpHeaderNames.CONTENT_ENCODING, "").trim().toLowerCase(Locale.ROOT);
  }
}
