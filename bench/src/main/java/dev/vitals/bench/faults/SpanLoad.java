package dev.vitals.bench.faults;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The load client: {@code senders} threads, each sending OTLP/HTTP protobuf trace exports at a
 * fixed rate, round robin over the services, to its own ingest process. A request that is not
 * answered 200 is written down as such and the sender fails over to the other ingest (after the
 * {@code Retry-After} it was given, at most a second); the next request carries new spans, so every
 * span id is sent once and the ledger says exactly which were acknowledged. Every 10 s a sender
 * returns to its own ingest.
 */
final class SpanLoad implements AutoCloseable {

  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);
  private static final long HOME_EVERY_MS = 10_000;

  private final List<URI> ingest;
  private final int senders;
  private final int services;
  private final int spansPerRequest;
  private final long pauseMs;
  private final Ledger ledger;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final List<Thread> threads = new ArrayList<>();

  SpanLoad(List<URI> ingest, Settings s, Ledger ledger) {
    this.ingest = List.copyOf(ingest);
    this.senders = s.senders();
    this.services = s.services();
    this.spansPerRequest = s.spansPerRequest();
    this.pauseMs = 1000 / s.requestsPerSecondPerSender();
    this.ledger = ledger;
  }

  void start() {
    for (int s = 0; s < senders; s++) {
      int sender = s;
      Thread t = new Thread(() -> run(sender), "load-" + s);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
  }

  private void run(int sender) {
    int home = sender % ingest.size();
    int target = home;
    int service = sender;
    long homeAt = System.currentTimeMillis() + HOME_EVERY_MS;
    while (running.get()) {
      long started = System.currentTimeMillis();
      if (started >= homeAt) {
        target = home;
        homeAt = started + HOME_EVERY_MS;
      }
      Attempt a = send(sender, service, target);
      ledger.record(a);
      service = (service + 1) % services;
      if (!a.acknowledged()) {
        target = (target + 1) % ingest.size();
        if (a.retryAfter()) {
          Pause.millis(1000);
        }
      }
      Pause.millis(Math.max(0, pauseMs - (System.currentTimeMillis() - started)));
    }
  }

  private Attempt send(int sender, int service, int target) {
    long id = ledger.nextId();
    long eventMs = System.currentTimeMillis();
    byte[] body = SpanRequests.build(id, service, eventMs, spansPerRequest).toByteArray();
    HttpRequest request =
        HttpRequest.newBuilder(ingest.get(target).resolve("/v1/traces"))
            .timeout(REQUEST_TIMEOUT)
            .header("Content-Type", "application/x-protobuf")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    long sent = System.currentTimeMillis();
    int status = Attempt.NO_ANSWER;
    boolean retryAfter = false;
    String failure = null;
    try {
      HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
      status = r.statusCode();
      retryAfter = r.headers().firstValue("Retry-After").isPresent();
    } catch (HttpTimeoutException e) {
      failure = "timeout";
    } catch (IOException e) {
      failure = e.getClass().getSimpleName();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failure = "interrupted";
    }
    long latency = System.currentTimeMillis() - sent;
    return new Attempt(
        id,
        sender,
        service,
        eventMs,
        spansPerRequest,
        target,
        sent,
        latency,
        status,
        retryAfter,
        failure);
  }

  /** Stops sending; waits for the requests under way to be answered and written down. */
  @Override
  public void close() {
    running.set(false);
    for (Thread t : threads) {
      try {
        t.join(REQUEST_TIMEOUT.toMillis() + 5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
