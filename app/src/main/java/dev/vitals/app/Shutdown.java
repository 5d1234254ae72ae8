package dev.vitals.app;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes what a command started in reverse order of start: ingest (which flushes Kafka) before the
 * admin server, the admin server before the embedded broker. Runs once, from a signal's shutdown
 * hook or from a failed start.
 */
final class Shutdown {

  private static final Logger log = LoggerFactory.getLogger(Shutdown.class);

  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private final CountDownLatch done = new CountDownLatch(1);
  private boolean closed;

  /** Closes everything on SIGTERM / SIGINT. */
  Shutdown onSignal() {
    Runtime.getRuntime().addShutdownHook(new Thread(this::close, "vitals-shutdown"));
    return this;
  }

  synchronized <T extends AutoCloseable> T register(T component) {
    if (closed) {
      closeQuietly(component);
      throw new IllegalStateException("shutting down");
    }
    started.push(component);
    return component;
  }

  /** Closes every registered component, last started first; idempotent. */
  void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    log.info("shutting down components={}", started.size());
    while (!started.isEmpty()) {
      closeQuietly(started.pop());
    }
    log.info("shutdown complete");
    done.countDown();
  }

  /** Blocks until {@link #close()} has finished. */
  void await() throws InterruptedException {
    done.await();
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      log.warn("close failed component={} error={}", c.getClass().getSimpleName(), e.toString());
    }
  }
}
