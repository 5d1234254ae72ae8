package dev.vitals.sinks.alertmanager;

import java.time.Duration;

/** Lets a repeated warning through at most once per interval. */
final class Throttled {

  private final long intervalNanos;
  private long next = Long.MIN_VALUE;

  Throttled(Duration interval) {
    this.intervalNanos = interval.toNanos();
  }

  synchronized boolean allow() {
    long now = System.nanoTime();
    if (next != Long.MIN_VALUE && now - next < 0) {
      return false;
    }
    next = now + intervalNanos;
    return true;
  }
}
