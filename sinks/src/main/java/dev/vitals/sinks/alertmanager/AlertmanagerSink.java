package dev.vitals.sinks.alertmanager;

import static java.util.Objects.requireNonNull;

import dev.vitals.common.retry.Backoff;
import dev.vitals.schemas.Topics;
import dev.vitals.sinks.Redaction;
import dev.vitals.sinks.SinkSettings;
import dev.vitals.sinks.SinkSettings.Delivery;
import dev.vitals.sinks.SinkSettings.Destination;
import dev.vitals.sinks.http.DestinationClient;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the alerts of {@code vitals.alerts.v1} to one Alertmanager ({@code POST /api/v2/alerts}),
 * the way Prometheus does: a firing alert is sent at once and re-sent every {@link
 * Builder#resendInterval resend interval} (1m) with {@code endsAt = now + } {@link
 * Builder#endsAtExtension extension} (4m), so that Alertmanager resolves it by itself if Vitals
 * goes away; a resolved alert is sent at once with {@code endsAt} = its resolution time and re-sent
 * for the {@link #DEFAULT_RESOLVED_RETENTION retention} (15m), in case Alertmanager restarted, then
 * forgotten.
 *
 * <p><b>State and restarts.</b> The sink keeps the latest event of every alert (the topic is keyed
 * by fingerprint). It has no consumer group and commits no offsets: on start it assigns every
 * partition of the topic, reads it from the beginning up to the end offsets seen at start, and only
 * then starts sending (so a replayed firing event later resolved is never sent), then follows new
 * records. Re-sending after a restart is safe because Alertmanager identifies an alert by its label
 * set alone and merges updates into it. Resolved alerts older than the retention are not re-sent.
 *
 * <p><b>Delivery.</b> One POST per tenant (the {@code tenant} label, when the destination has a
 * tenant header), at most 500 alerts each. 5xx, 429 and connection errors are retried with the
 * shared {@link Backoff} policy ({@link Delivery}: full jitter from the minimum backoff, {@code
 * Retry-After} honoured up to the maximum) from the current state, never a stale copy, while new
 * events keep being read. Any other 4xx is permanent for that POST: it is logged with
 * Alertmanager's answer, counted, and the alerts wait for their next resend (Alertmanager keeps the
 * valid alerts of a batch and answers 400 for the rest).
 */
public final class AlertmanagerSink implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(AlertmanagerSink.class);

  public static final Duration DEFAULT_RESEND_INTERVAL = Duration.ofMinutes(1);
  public static final Duration DEFAULT_ENDS_AT_EXTENSION = Duration.ofMinutes(4);
  public static final Duration DEFAULT_RESOLVED_RETENTION = Duration.ofMinutes(15);
  static final int MAX_ALERTS_PER_POST = 500;
  private static final Duration TICK = Duration.ofMillis(100);
  private static final String ALERTS_PATH = "/api/v2/alerts";

  private final String name;
  private final DestinationClient client;
  private final URI endpoint;
  private final Clock clock;
  private final Backoff backoff;
  private final RetryGate retries;
  private final AlertState state;
  private final AlertmanagerMetrics metrics;
  private final AlertsReader reader;
  private final Thread readerThread;
  private final ScheduledExecutorService sender;
  private final AtomicBoolean inFlight = new AtomicBoolean();
  private final Throttled failureLog = new Throttled(Duration.ofSeconds(30));
  private volatile boolean closed;

  private AlertmanagerSink(Builder b) throws IOException {
    this.name = b.destination.name();
    this.client = new DestinationClient(b.destination);
    this.endpoint = endpoint(b.destination.url());
    this.clock = b.clock;
    this.backoff =
        new Backoff(
            b.delivery.minBackoff(),
            b.delivery.maxBackoff(),
            clock,
            () -> ThreadLocalRandom.current().nextDouble());
    this.retries = new RetryGate(backoff, System::nanoTime);
    this.state = new AlertState(b.resendInterval, b.endsAtExtension, DEFAULT_RESOLVED_RETENTION);
    this.metrics = AlertmanagerMetrics.of(b.registry);
    this.reader =
        new AlertsReader(name, b.topics.alerts(), b.kafka, state, clock, metrics, this::wake);
    this.readerThread = new Thread(reader, "vitals-sink-" + name + "-reader");
    this.sender =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "vitals-sink-" + name + "-sender");
              t.setDaemon(true);
              return t;
            });
  }

  public static Builder builder(
      Destination destination,
      Topics topics,
      Map<String, Object> kafka,
      PrometheusRegistry registry) {
    return new Builder(destination, topics, kafka, registry);
  }

  /**
   * True once the topic has been replayed and the sink is sending (or the topic does not exist yet,
   * so there is nothing to replay); false after its reader stopped on an error.
   */
  public boolean ready() {
    return !closed && reader.ready() && readerThread.isAlive();
  }

  private AlertmanagerSink begin() {
    readerThread.start();
    var unused =
        sender.scheduleWithFixedDelay(this::tick, 0, TICK.toMillis(), TimeUnit.MILLISECONDS);
    log.info("alertmanager sink started sink={} url={}", name, Redaction.url(endpoint));
    return this;
  }

  /** Asks the sender to look at the state now (new events). */
  private void wake() {
    if (!closed) {
      sender.execute(this::tick);
    }
  }

  private void tick() {
    try {
      metrics.active.labelValues(name).set(state.firing());
      metrics.resolved.labelValues(name).set(state.resolved());
      if (closed || !reader.caughtUp() || !retries.open()) {
        return;
      }
      if (!inFlight.compareAndSet(false, true)) {
        return;
      }
      Instant now = clock.instant();
      List<AlertState.Due> due = state.due(now);
      if (due.isEmpty()) {
        inFlight.set(false);
        return;
      }
      boolean byTenant = client.destination().tenantHeader() != null;
      List<CompletableFuture<Posted>> posts =
          PostableAlerts.batches(due, byTenant, MAX_ALERTS_PER_POST).stream()
              .map(batch -> post(batch, now))
              .toList();
      var unused =
          CompletableFuture.allOf(posts.toArray(new CompletableFuture<?>[0]))
              .whenComplete((ignored, error) -> finished(posts));
    } catch (RuntimeException e) {
      inFlight.set(false);
      log.error("alertmanager sink tick failed sink={}", name, e);
    }
  }

  /** How one POST ended: done (sent or refused for good), or to be retried. */
  private record Posted(boolean done, Duration retryAfter) {
    static final Posted DONE = new Posted(true, null);
  }

  /** Sends one batch. */
  private CompletableFuture<Posted> post(PostableAlerts.Batch batch, Instant now) {
    HttpRequest request =
        client
            .request(endpoint, batch.tenant())
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(PostableAlerts.json(batch.alerts())))
            .build();
    return client
        .send(request)
        .handle(
            (response, error) -> {
              if (error != null) {
                outcome("error");
                warn("cannot reach Alertmanager sink={} url={} error={}", error);
                return new Posted(false, null);
              }
              return answered(batch, response, now);
            });
  }

  private Posted answered(PostableAlerts.Batch batch, HttpResponse<String> response, Instant now) {
    int status = response.statusCode();
    if (status / 100 == 2) {
      outcome("ok");
      metrics.sent.labelValues(name).inc(batch.alerts().size());
      state.sent(batch.alerts(), now);
      return Posted.DONE;
    }
    if (status >= 500 || status == 429) {
      outcome("retry");
      warn("Alertmanager answered " + status + " sink={} url={} body={}", response.body());
      return new Posted(false, backoff.retryAfter(response));
    }
    outcome("rejected");
    log.warn(
        "Alertmanager refused alerts sink={} status={} alerts={} tenant={} body={}",
        name,
        status,
        batch.alerts().size(),
        batch.tenant(),
        response.body());
    state.sent(batch.alerts(), now);
    return Posted.DONE;
  }

  private void finished(List<CompletableFuture<Posted>> posts) {
    boolean ok = true;
    Duration retryAfter = null;
    for (CompletableFuture<Posted> post : posts) {
      Posted p = post.getNow(new Posted(false, null));
      ok &= p.done();
      if (p.retryAfter() != null
          && (retryAfter == null || p.retryAfter().compareTo(retryAfter) > 0)) {
        retryAfter = p.retryAfter();
      }
    }
    if (ok) {
      retries.succeeded();
    } else {
      retries.failed(retryAfter);
    }
    inFlight.set(false);
    if (ok && state.hasUnsent()) {
      wake();
    }
  }

  private void outcome(String outcome) {
    metrics.posts.labelValues(name, outcome).inc();
  }

  private void warn(String message, Object detail) {
    if (failureLog.allow()) {
      log.warn(message, name, endpoint, detail);
    }
  }

  static URI endpoint(URI base) {
    String s = base.toString();
    int end = s.length();
    if (base.getRawFragment() != null) {
      end = s.lastIndexOf('#');
    }
    int query = base.getRawQuery() == null ? end : s.lastIndexOf('?', end);
    String path = s.substring(0, query);
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    if (!path.endsWith(ALERTS_PATH)) {
      path += ALERTS_PATH;
    }
    return URI.create(path + s.substring(query, end));
  }

  /** Stops reading and sending; idempotent. Alertmanager keeps the alerts until their endsAt. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    reader.stop();
    sender.shutdownNow();
    try {
      readerThread.join(Duration.ofSeconds(10).toMillis());
      sender.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    metrics.forget(name);
    log.info("alertmanager sink stopped sink={}", name);
  }

  /** Settings of a sink; the defaults are Prometheus'. */
  public static final class Builder {
    private final Destination destination;
    private final Topics topics;
    private final Map<String, Object> kafka;
    private final PrometheusRegistry registry;
    private Clock clock = Clock.systemUTC();
    private Delivery delivery = Delivery.DEFAULT;
    private Duration resendInterval = DEFAULT_RESEND_INTERVAL;
    private Duration endsAtExtension = DEFAULT_ENDS_AT_EXTENSION;

    private Builder(
        Destination destination,
        Topics topics,
        Map<String, Object> kafka,
        PrometheusRegistry registry) {
      this.destination = requireNonNull(destination, "destination");
      this.topics = requireNonNull(topics, "topics");
      this.kafka = Map.copyOf(requireNonNull(kafka, "kafka"));
      this.registry = requireNonNull(registry, "registry");
      if (destination.kind() != SinkSettings.Kind.ALERTMANAGER) {
        throw new IllegalArgumentException(
            "destination: " + destination + " (expected: kind ALERTMANAGER)");
      }
    }

    public Builder clock(Clock clock) {
      this.clock = requireNonNull(clock, "clock");
      return this;
    }

    public Builder delivery(Delivery delivery) {
      this.delivery = requireNonNull(delivery, "delivery");
      return this;
    }

    /** How often a firing or recently resolved alert is re-sent; default 1m. */
    public Builder resendInterval(Duration d) {
      this.resendInterval = positive(d, "resendInterval");
      return this;
    }

    /** A firing alert is sent with {@code endsAt = now + this}; default 4m. */
    public Builder endsAtExtension(Duration d) {
      this.endsAtExtension = positive(d, "endsAtExtension");
      return this;
    }

    public AlertmanagerSink start() throws IOException {
      return new AlertmanagerSink(this).begin();
    }

    private static Duration positive(Duration d, String name) {
      requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
      }
      return d;
    }
  }
}
