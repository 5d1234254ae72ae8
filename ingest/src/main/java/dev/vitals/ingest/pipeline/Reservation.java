package dev.vitals.ingest.pipeline;

import java.util.concurrent.atomic.AtomicBoolean;

/** The in-flight bytes one request holds; grows while its body is read, released once. */
public final class Reservation {

  private final InFlightLimiter limiter;
  private final AtomicBoolean released = new AtomicBoolean();
  private volatile long bytes;

  private Reservation(InFlightLimiter limiter, long bytes) {
    this.limiter = limiter;
    this.bytes = bytes;
  }

  /** Reserves {@code bytes}, or returns null when they do not fit under the limit now. */
  public static Reservation tryAcquire(InFlightLimiter limiter, long bytes) {
    return limiter.tryAcquire(bytes) ? new Reservation(limiter, bytes) : null;
  }

  /** Adds {@code more} bytes; false (nothing added) when they do not fit. */
  public synchronized boolean tryGrow(long more) {
    if (released.get() || !limiter.tryAcquire(more)) {
      return false;
    }
    bytes += more;
    return true;
  }

  /** Gives the bytes back; later calls do nothing. */
  public synchronized void release() {
    if (released.compareAndSet(false, true)) {
      limiter.release(bytes);
    }
  }
}
