package dev.vitals.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Closed-loop OTLP/HTTP load: each client sends the same protobuf body again as soon as the last
 * one was answered. A 429/503 is followed by a 10 ms pause, not the full {@code Retry-After}, so
 * that the server stays under pressure; an OTLP SDK would wait longer.
 */
final class LoadClients implements AutoCloseable {

  private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);

  private final URI endpoint;
  private final byte[] body;
  private final AtomicBoolean stop = new AtomicBoolean();
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean counting;
  final AtomicLong ok = new AtomicLong();
  final AtomicLong retryable = new AtomicLong();
  final AtomicLong retryableWithoutRetryAfter = new AtomicLong();
  final AtomicLong otherFailures = new AtomicLong();
  final ConcurrentLinkedQueue<String> failureSamples = new ConcurrentLinkedQueue<>();
  final ConcurrentLinkedQueue<Long> okLatencyMicros = new ConcurrentLinkedQueue<>();

  LoadClients(int httpPort, byte[] body) {
    this.endpoint = URI.create("http://localhost:" + httpPort + "/v1/metrics");
    this.body = body;
  }

  void start(int clients) {
    for (int i = 0; i < clients; i++) {
      Thread t = new Thread(this::run, "load-client-" + i);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
  }

  /** Answers are counted only from here on (after the warm-up). */
  void startCounting() {
    counting = true;
  }

  /** The answers of several runs as one (the result is not started). */
  static LoadClients merged(List<LoadClients> runs) {
    LoadClients sum = new LoadClients(0, new byte[0]);
    for (LoadClients run : runs) {
      sum.ok.addAndGet(run.ok.get());
      sum.retryable.addAndGet(run.retryable.get());
      sum.retryableWithoutRetryAfter.addAndGet(run.retryableWithoutRetryAfter.get());
      sum.otherFailures.addAndGet(run.otherFailures.get());
      sum.failureSamples.addAll(run.failureSamples);
      sum.okLatencyMicros.addAll(run.okLatencyMicros);
    }
    return sum;
  }

  long requests() {
    return ok.get() + retryable.get() + retryableWithoutRetryAfter.get() + otherFailures.get();
  }

  @Override
  public void close() {
    counting = false;
    stop.set(true);
    try {
      for (Thread t : threads) {
        t.join(ANSWER_TIMEOUT.toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpRequest request =
        HttpRequest.newBuilder(endpoint)
            .timeout(ANSWER_TIMEOUT)
            .header("Content-Type", "application/x-protobuf")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    while (!stop.get()) {
      long started = System.nanoTime();
      String failure = null;
      int status = 0;
      try {
        HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
        status = response.statusCode();
        if (status == 200) {
          if (counting) {
            ok.incrementAndGet();
            okLatencyMicros.add((System.nanoTime() - started) / 1_000);
          }
        } else if (status == 429 || status == 503) {
          boolean hinted = response.headers().firstValue("Retry-After").isPresent();
          if (counting) {
            (hinted ? retryable : retryableWithoutRetryAfter).incrementAndGet();
          }
          pause();
        } else {
          failure = "HTTP " + status;
        }
      } catch (IOException e) {
        failure = e.toString();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (failure != null && counting) {
        otherFailures.incrementAndGet();
        if (failureSamples.size() < 5) {
          failureSamples.add(failure);
        }
      }
    }
  }

  private static void pause() {
    try {
      Thread.sleep(10);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The q-quantile of the 200 answers' latency, in milliseconds. */
  double okLatencyMs(double q) {
    long[] sorted = okLatencyMicros.stream().mapToLong(Long::longValue).sorted().toArray();
    if (sorted.length == 0) {
      return Double.NaN;
    }
    return sorted[Math.min(sorted.length - 1, (int) (q * sorted.length))] / 1_000.0;
  }
}
