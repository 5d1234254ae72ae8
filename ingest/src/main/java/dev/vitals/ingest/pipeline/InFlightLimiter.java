package dev.vitals.ingest.pipeline;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A bound on request bytes held at once. A request reserves its bytes before (or while) reading its
 * body and gives them back only when Kafka has answered for every record made from it, so the bound
 * holds across a slow or absent broker too.
 */
public final class InFlightLimiter {

  private final long limit;
  private final AtomicLong used = new AtomicLong();

  public InFlightLimiter(long limit) {
    if (limit <= 0) {
      throw new IllegalArgumentException("limit: " + limit + " (expected: > 0)");
    }
    this.limit = limit;
  }

  /** Reserves {@code bytes} if they fit under the limit; false (nothing reserved) if not. */
  public boolean tryAcquire(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("bytes: " + bytes + " (expected: >= 0)");
    }
    while (true) {
      long current = used.get();
      long next = current + bytes;
      if (next > limit) {
        return false;
      }
      if (used.compareAndSet(current, next)) {
        return true;
      }
    }
  }

  public void release(long bytes) {
    long after = used.addAndGet(-bytes);
    if (after < 0) {
      throw new IllegalStateException("released more than acquired: " + after);
    }
  }

  public long used() {
    return used.get();
  }

  public long limit() {
    return limit;
  }
}
