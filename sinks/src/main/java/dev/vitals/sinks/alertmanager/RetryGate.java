package dev.vitals.sinks.alertmanager;

import dev.vitals.common.retry.Backoff;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * When the sender may post again: closed after a failed round of posts for the {@link Backoff}
 * delay of that failure (counted since the last success, the first failure being retry 0), or for
 * what Alertmanager asked in {@code Retry-After}.
 */
final class RetryGate {

  private final Backoff backoff;
  private final LongSupplier nanoTime;
  private int failures;
  private long openAtNanos;

  /**
   * @param nanoTime a monotonic clock, {@code System::nanoTime} outside tests
   */
  RetryGate(Backoff backoff, LongSupplier nanoTime) {
    this.backoff = backoff;
    this.nanoTime = nanoTime;
    this.openAtNanos = nanoTime.getAsLong();
  }

  synchronized boolean open() {
    return nanoTime.getAsLong() - openAtNanos >= 0;
  }

  synchronized void succeeded() {
    failures = 0;
  }

  /**
   * Closes the gate for the delay of the next retry.
   *
   * @param retryAfter the longest wait Alertmanager asked for, or null
   * @return the delay
   */
  synchronized Duration failed(Duration retryAfter) {
    Duration delay = backoff.delay(failures, retryAfter);
    if (failures < Integer.MAX_VALUE) {
      failures++;
    }
    openAtNanos = nanoTime.getAsLong() + delay.toNanos();
    return delay;
  }
}
