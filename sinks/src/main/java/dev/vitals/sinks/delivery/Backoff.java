package dev.vitals.sinks.delivery;

import dev.vitals.sinks.SinkSettings.Delivery;
import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with full jitter: the n-th retry waits a random time in {@code [min, min(max,
 * min * 2^n)]}, or exactly what the store asked for in {@code Retry-After} (capped at max).
 */
final class Backoff {

  private final long minNanos;
  private final long maxNanos;
  private final DoubleSupplier random;

  Backoff(Delivery delivery, DoubleSupplier random) {
    this.minNanos = delivery.minBackoff().toNanos();
    this.maxNanos = delivery.maxBackoff().toNanos();
    this.random = random;
  }

  /**
   * The wait before retry number {@code attempt} (0 for the first retry).
   *
   * @param retryAfter what the store asked for, or null
   */
  Duration delay(int attempt, Duration retryAfter) {
    if (retryAfter != null) {
      return Duration.ofNanos(Math.min(maxNanos, Math.max(minNanos, retryAfter.toNanos())));
    }
    long ceiling = minNanos << Math.min(attempt, 30);
    if (ceiling <= 0 || ceiling > maxNanos) {
      ceiling = maxNanos;
    }
    return Duration.ofNanos(minNanos + (long) (random.getAsDouble() * (ceiling - minNanos)));
  }
}
