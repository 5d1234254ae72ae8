package dev.vitals.common.retry;

import static java.util.Objects.requireNonNull;

import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * The retry policy of every Vitals HTTP client (store sinks, the Alertmanager sink, the loadgen):
 * exponential backoff with full jitter, the n-th retry waits a random time in {@code [min, min(max,
 * min * 2^n)]}, or exactly what the server asked for in {@code Retry-After} (kept within {@code
 * [min, max]}). The first retry therefore never waits less than the minimum. Time and randomness
 * are injected, so that tests are deterministic.
 */
public final class Backoff {

  private final long minNanos;
  private final long maxNanos;
  private final Clock clock;
  private final DoubleSupplier random;

  /**
   * @param clock reads {@code Retry-After} dates
   * @param random numbers in {@code [0, 1)} for the jitter
   */
  public Backoff(Duration min, Duration max, Clock clock, DoubleSupplier random) {
    requireNonNull(min, "min");
    requireNonNull(max, "max");
    if (min.isNegative() || max.compareTo(min) < 0) {
      throw new IllegalArgumentException(
          "min: " + min + ", max: " + max + " (expected: 0 <= min <= max)");
    }
    this.minNanos = min.toNanos();
    this.maxNanos = max.toNanos();
    this.clock = requireNonNull(clock, "clock");
    this.random = requireNonNull(random, "random");
  }

  /**
   * The policy between {@code min} and {@code max}, on the system clock with a thread-local random.
   */
  public static Backoff of(Duration min, Duration max) {
    return new Backoff(min, max, Clock.systemUTC(), () -> ThreadLocalRandom.current().nextDouble());
  }

  /**
   * The wait before retry number {@code attempt} (0 for the first retry).
   *
   * @param retryAfter what the server asked for, or null
   */
  public Duration delay(int attempt, Duration retryAfter) {
    if (retryAfter != null) {
      return Duration.ofNanos(Math.min(maxNanos, Math.max(minNanos, retryAfter.toNanos())));
    }
    long ceiling = minNanos << Math.min(attempt, 30);
    if (ceiling <= 0 || ceiling > maxNanos) {
      ceiling = maxNanos;
    }
    return Duration.ofNanos(minNanos + (long) (random.getAsDouble() * (ceiling - minNanos)));
  }

  /** What the {@code Retry-After} header of {@code response} asks for, read on this clock. */
  public Duration retryAfter(HttpResponse<?> response) {
    return retryAfter(response, clock);
  }

  /**
   * How long the {@code Retry-After} header of {@code response} asks to wait (delay-seconds, or an
   * HTTP-date counted from {@code clock}; never negative), or null when absent or unreadable.
   */
  public static Duration retryAfter(HttpResponse<?> response, Clock clock) {
    return response
        .headers()
        .firstValue("Retry-After")
        .map(value -> parseRetryAfter(value, clock.instant()))
        .orElse(null);
  }

  static Duration parseRetryAfter(String value, Instant now) {
    String v = value.strip();
    try {
      return Duration.ofSeconds(Math.max(0, Long.parseLong(v)));
    } catch (NumberFormatException notSeconds) {
      try {
        Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        Duration d = Duration.between(now, at);
        return d.isNegative() ? Duration.ZERO : d;
      } catch (DateTimeParseException notDate) {
        return null;
      }
    }
  }
}
