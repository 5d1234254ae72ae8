package dev.vitals.streams;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stream threads that failed: counted ({@code vitals_streams_thread_failures_total}), logged with
 * the stack trace once per distinct cause and then as one line a minute at most, and kept for
 * {@link #recently()}: a thread that keeps failing (it is replaced each time) makes the instance
 * unready instead of flooding the log.
 */
final class ThreadFailures {

  static final Duration RECENT = Duration.ofSeconds(60);
  private static final Logger log = LoggerFactory.getLogger(ThreadFailures.class);

  private final Counter failures;
  private final LongSupplier clockMs;
  private final Deque<Long> times = new ArrayDeque<>();
  private @Nullable String lastCause;
  private long lastLoggedMs = Long.MIN_VALUE;
  private int unlogged;

  ThreadFailures(PrometheusRegistry registry, LongSupplier clockMs) {
    this.failures =
        Counter.builder()
            .name("vitals_streams_thread_failures_total")
            .help(
                "Stream threads that failed with an uncaught exception (each is replaced); /readyz"
                    + " reports the instance unready for 60 s after one.")
            .register(registry);
    this.clockMs = clockMs;
  }

  synchronized void failed(Throwable e) {
    long now = clockMs.getAsLong();
    failures.inc();
    times.addLast(now);
    prune(now);
    String cause = describe(e);
    if (!cause.equals(lastCause)) {
      log.error("stream thread failed; replacing it", e);
      lastCause = cause;
      lastLoggedMs = now;
      unlogged = 0;
    } else if (now - lastLoggedMs >= RECENT.toMillis()) {
      log.error(
          "stream thread failed again ({} more times since the last report); replacing it: {}",
          unlogged + 1,
          cause);
      lastLoggedMs = now;
      unlogged = 0;
    } else {
      unlogged++;
    }
  }

  /** Null when no thread failed in the last 60 s, else what to say about it. */
  synchronized @Nullable String recently() {
    prune(clockMs.getAsLong());
    if (times.isEmpty()) {
      return null;
    }
    return "a stream thread failed "
        + (times.size() == 1 ? "once" : times.size() + " times")
        + " in the last "
        + RECENT.toSeconds()
        + " s: "
        + lastCause;
  }

  private void prune(long now) {
    while (!times.isEmpty() && now - times.peekFirst() >= RECENT.toMillis()) {
      times.removeFirst();
    }
  }

  /** The exception and its innermost cause, without stack traces. */
  static String describe(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root == e ? e.toString() : e.toString() + " caused by " + root;
  }
}
