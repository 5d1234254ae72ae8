package dev.vitals.app;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * OTLP/HTTP trace exports with explicit span times, each recorded in a {@link SpanLedger} by how it
 * was answered: replays of past minutes, and live senders (event time = now) that keep going
 * through restarts and crashes, one attempt per request and no retries (a retry is the client's own
 * duplicate).
 */
final class SpanTraffic implements AutoCloseable {

  private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(10);

  private final URI endpoint;
  private final SpanLedger ledger;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();
  private final List<Thread> live = new ArrayList<>();
  private volatile Instant stopAt = Instant.MAX;
  private final AtomicLong liveAcknowledged = new AtomicLong();

  /** Answers that are neither 200 nor a sign of an outage (4xx but 429, partial rejections). */
  final ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();

  SpanTraffic(int httpPort, SpanLedger ledger) {
    this.endpoint = URI.create("http://localhost:" + httpPort + "/v1/traces");
    this.ledger = ledger;
  }

  /**
   * One request of {@code spans} SERVER spans of {@code service}, all ending at {@code end}, the
   * first {@code errors} of them with status ERROR.
   */
  SpanLedger.Outcome send(String service, Instant end, int spans, int errors) {
    byte[] body = request(service, end, spans, errors).toByteArray();
    SpanLedger.Outcome outcome = post(service, body);
    ledger.record(service, end, spans, outcome);
    return outcome;
  }

  /** A live sender: every {@code every}, one request ending now, until {@link #stopBefore}. */
  void startLive(String service, int spans, int errors, Duration every) {
    startLive(service, spans, errors, every, Instant.MAX);
  }

  /** A live sender that also stops at {@code until}. */
  void startLive(String service, int spans, int errors, Duration every, Instant until) {
    Thread t =
        new Thread(
            () -> {
              long next = System.currentTimeMillis();
              while (true) {
                Instant now = Instant.now();
                if (!now.isBefore(stopAt) || !now.isBefore(until)) {
                  return;
                }
                if (send(service, now, spans, errors) == SpanLedger.Outcome.ACKNOWLEDGED) {
                  liveAcknowledged.incrementAndGet();
                }
                next += every.toMillis();
                long sleep = next - System.currentTimeMillis();
                if (sleep > 0 && !sleepQuietly(sleep)) {
                  return;
                }
              }
            },
            "live-" + service);
    t.setDaemon(true);
    live.add(t);
    t.start();
  }

  /** Live requests answered 200 so far. */
  long liveAcknowledged() {
    return liveAcknowledged.get();
  }

  /** Live senders send nothing ending at or after {@code instant}; waits until they stopped. */
  void stopBefore(Instant instant) throws InterruptedException {
    stopAt = instant;
    for (Thread t : live) {
      t.join(Math.max(0, Duration.between(Instant.now(), instant).toMillis()) + 20_000);
    }
  }

  private SpanLedger.Outcome post(String service, byte[] body) {
    try {
      HttpResponse<byte[]> r =
          http.send(
              HttpRequest.newBuilder(endpoint)
                  .timeout(ANSWER_TIMEOUT)
                  .header("Content-Type", "application/x-protobuf")
                  .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      if (r.statusCode() != 200) {
        if (r.statusCode() >= 400 && r.statusCode() < 500 && r.statusCode() != 429) {
          unexpected.add(service + ": " + r.statusCode() + " " + new String(r.body()));
        }
        return SpanLedger.Outcome.UNANSWERED;
      }
      ExportTraceServiceResponse answer = ExportTraceServiceResponse.parseFrom(r.body());
      if (answer.getPartialSuccess().getRejectedSpans() > 0) {
        unexpected.add(service + ": partial success " + answer.getPartialSuccess());
      }
      return SpanLedger.Outcome.ACKNOWLEDGED;
    } catch (ConnectException | HttpConnectTimeoutException e) {
      return SpanLedger.Outcome.REFUSED; // no connection: the request never reached Vitals
    } catch (IOException e) {
      return SpanLedger.Outcome.UNANSWERED;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return SpanLedger.Outcome.UNANSWERED;
    }
  }

  static ExportTraceServiceRequest request(String service, Instant end, int spans, int errors) {
    long endNanos = end.getEpochSecond() * 1_000_000_000L + end.getNano();
    ScopeSpans.Builder scope = ScopeSpans.newBuilder();
    for (int i = 0; i < spans; i++) {
      scope.addSpans(
          Span.newBuilder()
              .setTraceId(randomBytes(16))
              .setSpanId(randomBytes(8))
              .setName("GET /" + service)
              .setKind(Span.SpanKind.SPAN_KIND_SERVER)
              .setStartTimeUnixNano(endNanos - 20_000_000L)
              .setEndTimeUnixNano(endNanos)
              .setStatus(
                  Status.newBuilder()
                      .setCode(
                          i < errors
                              ? Status.StatusCode.STATUS_CODE_ERROR
                              : Status.StatusCode.STATUS_CODE_UNSET)));
    }
    Resource resource =
        Resource.newBuilder()
            .addAttributes(
                KeyValue.newBuilder()
                    .setKey("service.name")
                    .setValue(AnyValue.newBuilder().setStringValue(service)))
            .build();
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(ResourceSpans.newBuilder().setResource(resource).addScopeSpans(scope))
        .build();
  }

  private static ByteString randomBytes(int n) {
    byte[] b = new byte[n];
    ThreadLocalRandom.current().nextBytes(b);
    b[0] |= 1; // never all zero
    return ByteString.copyFrom(b);
  }

  /**
   * Paces the traffic on purpose (time passing is what a client's rate is); false if interrupted.
   */
  private static boolean sleepQuietly(long ms) {
    try {
      Thread.sleep(ms);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public void close() throws InterruptedException {
    stopAt = Instant.MIN;
    for (Thread t : live) {
      t.interrupt();
      t.join(ANSWER_TIMEOUT.toMillis() + 5_000);
    }
  }
}
