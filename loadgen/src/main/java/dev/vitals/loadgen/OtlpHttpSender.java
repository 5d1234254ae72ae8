package dev.vitals.loadgen;

import static dev.vitals.loadgen.Baseline.check;
import static java.util.Objects.requireNonNull;

import dev.vitals.common.retry.Backoff;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends export requests as OTLP/HTTP protobuf POSTs to {@code <endpoint>/v1/metrics}, {@code
 * /v1/traces} and {@code /v1/logs}. Like an OTLP exporter it retries 429, 502, 503, 504 and
 * connection failures with the one {@link Backoff} policy of Vitals (200 ms doubling up to 10 s,
 * full jitter; {@code Retry-After} honoured within those bounds), until {@code maxRetryTime} has
 * passed; any other answer fails the request at once.
 */
public final class OtlpHttpSender implements Sender {

  public static final URI DEFAULT_ENDPOINT = URI.create("http://localhost:4318");
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_MAX_RETRY_TIME = Duration.ofMinutes(2);
  private static final Duration FIRST_BACKOFF = Duration.ofMillis(200);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);
  private static final Duration LOG_EVERY = Duration.ofSeconds(10);

  private static final Logger log = LoggerFactory.getLogger(OtlpHttpSender.class);

  private final URI endpoint;
  private final boolean gzip;
  private final String token;
  private final String tenant;
  private final Duration timeout;
  private final Duration maxRetryTime;
  private final Clock clock;
  private final Backoff backoff;
  private final HttpClient http;
  private final AtomicLong retries = new AtomicLong();
  private final AtomicLong lastWarningMs = new AtomicLong(Long.MIN_VALUE);

  private OtlpHttpSender(Builder b) {
    this.endpoint = b.endpoint;
    this.gzip = b.gzip;
    this.token = b.token;
    this.tenant = b.tenant;
    this.timeout = b.timeout;
    this.maxRetryTime = b.maxRetryTime;
    this.clock = b.clock;
    this.backoff =
        new Backoff(
            FIRST_BACKOFF, MAX_BACKOFF, clock, () -> ThreadLocalRandom.current().nextDouble());
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Attempts answered 429/502/503/504 or not answered, that were tried again. */
  public long retries() {
    return retries.get();
  }

  @Override
  public boolean send(OtlpExport export) {
    HttpRequest request;
    try {
      request = request(export);
    } catch (UncheckedIOException e) {
      warn("cannot encode the request: " + e.getMessage());
      return false;
    }
    Instant giveUp = clock.instant().plus(maxRetryTime);
    for (int attempt = 0; ; attempt++) {
      Answer answer = attempt(request);
      if (answer.status >= 200 && answer.status < 300) {
        return true;
      }
      if (!answer.retryable()) {
        warn(export.signal().httpPath() + " answered " + answer.describe() + "; not retried");
        return false;
      }
      Duration wait = backoff.delay(attempt, answer.retryAfter);
      if (clock.instant().plus(wait).isAfter(giveUp)) {
        warn(
            export.signal().httpPath()
                + " still "
                + answer.describe()
                + " after "
                + maxRetryTime
                + "; given up");
        return false;
      }
      retries.incrementAndGet();
      if (!sleep(wait)) {
        return false;
      }
    }
  }

  private HttpRequest request(OtlpExport export) {
    byte[] body = export.request().toByteArray();
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(endpoint + export.signal().httpPath()))
            .timeout(timeout)
            .header("Content-Type", "application/x-protobuf")
            .header("User-Agent", "vitals-loadgen");
    if (gzip) {
      body = gzip(body);
      b.header("Content-Encoding", "gzip");
    }
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (tenant != null) {
      b.header("X-Scope-OrgID", tenant);
    }
    return b.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
  }

  private Answer attempt(HttpRequest request) {
    try {
      HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
      return new Answer(r.statusCode(), backoff.retryAfter(r), brief(r.body()));
    } catch (IOException e) {
      return new Answer(0, null, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Answer(-1, null, "interrupted");
    }
  }

  private static boolean sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void warn(String message) {
    long now = clock.millis();
    long last = lastWarningMs.get();
    if (last == Long.MIN_VALUE || now - last >= LOG_EVERY.toMillis()) {
      if (lastWarningMs.compareAndSet(last, now)) {
        log.warn("loadgen export failed endpoint={} reason={}", endpoint, message);
      }
    }
  }

  private static byte[] gzip(byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(body.length / 4 + 64);
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static String brief(byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8).replaceAll("[^\\p{Print}]", " ").strip();
    return text.length() > 200 ? text.substring(0, 200) + "..." : text;
  }

  /**
   * How one attempt was answered.
   *
   * @param status the HTTP status; 0 when no answer came (connection failure, timeout), -1 when
   *     interrupted
   * @param retryAfter what {@code Retry-After} asked for, or null
   */
  private record Answer(int status, Duration retryAfter, String detail) {
    boolean retryable() {
      return status == 0 || status == 429 || status == 502 || status == 503 || status == 504;
    }

    String describe() {
      return (status == 0 ? "no answer" : "HTTP " + status)
          + (detail.isEmpty() ? "" : " " + detail);
    }
  }

  /** Named defaults: {@link #DEFAULT_ENDPOINT}, no gzip, no token or tenant header. */
  public static final class Builder {
    private URI endpoint = DEFAULT_ENDPOINT;
    private boolean gzip;
    private String token;
    private String tenant;
    private final Duration timeout = DEFAULT_TIMEOUT;
    private Duration maxRetryTime = DEFAULT_MAX_RETRY_TIME;
    private final Clock clock = Clock.systemUTC();

    private Builder() {}

    /** The OTLP/HTTP base URL; the signal's path ({@code /v1/metrics}, ...) is appended. */
    public Builder endpoint(URI endpoint) {
      String s = requireNonNull(endpoint, "endpoint").toString();
      check(
          s.startsWith("http://") || s.startsWith("https://"),
          "endpoint",
          s,
          "an http:// or https:// URL");
      this.endpoint = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
      return this;
    }

    public Builder gzip(boolean gzip) {
      this.gzip = gzip;
      return this;
    }

    /** Sent as {@code Authorization: Bearer <token>}; null for none. */
    public Builder token(String token) {
      this.token = token;
      return this;
    }

    /** Sent as {@code X-Scope-OrgID}; null for none. */
    public Builder tenant(String tenant) {
      this.tenant = tenant;
      return this;
    }

    /** How long a request is retried before it counts as failed. */
    public Builder maxRetryTime(Duration maxRetryTime) {
      check(!maxRetryTime.isNegative(), "maxRetryTime", maxRetryTime, ">= 0");
      this.maxRetryTime = maxRetryTime;
      return this;
    }

    public OtlpHttpSender build() {
      return new OtlpHttpSender(this);
    }
  }
}
