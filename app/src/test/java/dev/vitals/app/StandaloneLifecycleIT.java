package dev.vitals.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vitals.app.TimestampedSignals.Timestamped;
import dev.vitals.schemas.Topics;
import dev.vitals.schemas.signals.AlertEvent;
import dev.vitals.schemas.signals.ServiceWindow;
import dev.vitals.schemas.signals.SignalJson;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.assertj.core.api.SoftAssertions;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The life of a deployment as an operator lives it (issue 9, items 1 and 2), on the packaged {@code
 * vitals.jar standalone --no-demo} in its own OS process, one data folder across every run.
 *
 * <p>A client replays the last 40 minutes of three services (event times in the past, sent in
 * seconds), then keeps sending live spans (event time = now): {@code checkout} fails 30 % of its
 * requests and pages, {@code cart} is healthy, {@code quiet} sent only in the replay's first three
 * minutes. {@code quiet} shares its task with {@code cart} (partition 4 of 6, always busy). A
 * fourth service, {@code reports}, sends live for its first 10 s only; it is alone in its task
 * (partition 3), which is idle from then on, so only the wall clock closes its windows, across the
 * restart too. Every request is recorded in a {@link SpanLedger} by how it was answered. Then the
 * process is stopped with SIGTERM and started again while the page fires, and later killed with
 * SIGKILL and started again, traffic going on throughout.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneLifecycleIT {

  static final Duration WINDOW = Duration.ofMinutes(1);
  static final Duration GRACE = Duration.ofSeconds(10);

  /** Shortened from 30s so that closing the last windows after traffic stops takes seconds. */
  static final Duration IDLE_AFTER = Duration.ofSeconds(5);

  static final Duration REPLAY = Duration.ofMinutes(40);
  static final int QUIET_MINUTES = 3;
  static final Duration REPORTS_LIVE_FOR = Duration.ofSeconds(10);
  static final Duration LIVE_EVERY = Duration.ofMillis(250);

  /** Live requests answered 200 before each stop: 40 s of both live senders. */
  static final int LIVE_REQUESTS_BEFORE_STOP = 2 * 4 * 40;

  static final Duration ANSWER_WITHIN = Duration.ofSeconds(30);
  static final Duration START_TIMEOUT = Duration.ofSeconds(120);

  static final String CHECKOUT = "checkout";
  static final String CART = "cart";
  static final String QUIET = "quiet";
  static final String REPORTS = "reports";

  @TempDir static Path dir;
  private final SpanLedger ledger = new SpanLedger();
  private StandaloneProcess vitals;
  private SpanTraffic traffic;
  private Instant lastQuietWindow;

  /** Live requests answered 200 when the current run became ready. */
  private long answeredWhenReady;

  @BeforeAll
  void startReplayAndPage() throws Exception {
    vitals =
        new StandaloneProcess(
            dir,
            Path.of("target", "standalone-lifecycle-it"),
            Map.of("VITALS_STREAMS_WINDOWS_IDLEAFTER", IDLE_AFTER.toSeconds() + "s"));
    vitals.start();
    awaitReady("the first start");
    traffic = new SpanTraffic(vitals.httpPort, ledger);
    replay();
    traffic.startLive(CHECKOUT, 10, 3, LIVE_EVERY);
    traffic.startLive(CART, 10, 0, LIVE_EVERY);
    traffic.startLive(REPORTS, 5, 0, Duration.ofSeconds(1), Instant.now().plus(REPORTS_LIVE_FOR));
    await("checkout pages and quiet is silent")
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofSeconds(2))
        .failFast("vitals exited", () -> !vitals.alive())
        .until(() -> firingAlerts().containsKey(PAGE) && firingAlerts().containsKey(QUIET_SILENT));
  }

  @AfterAll
  void stop() throws Exception {
    if (traffic != null) {
      traffic.close();
    }
    if (vitals != null) {
      vitals.close();
    }
  }

  @Test
  @Order(1)
  void anOrderlyRestartWhileAPageFiresKeepsTheAlertAndEmitsOnlyTheWindowsTheClockSays()
      throws Exception {
    awaitLiveAnswersSinceReady(LIVE_REQUESTS_BEFORE_STOP);
    Map<String, Alert> before = firingAlerts();
    assertThat(before).as("alerts firing before the stop").containsKeys(PAGE, QUIET_SILENT);
    Instant stopped = Instant.now();
    vitals.stop();
    assertThat(vitals.currentLog()).as("the first run's log").contains("shutdown complete");

    Instant restarted = Instant.now();
    vitals.start();
    Duration answeredAfter = awaitQueryApi(before.get(PAGE));
    awaitReady("the restart after SIGTERM");
    System.out.printf("orderly restart: query API answering %s after the start%n", answeredAfter);
    Instant ready = Instant.now();
    await("a window closed after the restart")
        .atMost(Duration.ofSeconds(100))
        .pollInterval(Duration.ofSeconds(5))
        .until(() -> windows().stream().anyMatch(emittedAfter(ready.plus(GRACE))));

    Instant checked = Instant.now();
    List<Timestamped<ServiceWindow>> windows = windows();
    SoftAssertions soft = new SoftAssertions();
    soft.assertThat(answeredAfter)
        .as("the query API answers with the page within %s of the restart", ANSWER_WITHIN)
        .isLessThanOrEqualTo(ANSWER_WITHIN);
    soft.assertThat(WindowChecks.fromTheFuture(windows, WINDOW))
        .as("windows emitted for a time after their record timestamp + %s", WINDOW)
        .isEmpty();
    soft.assertThat(WindowChecks.repeatedRevisions(windows))
        .as("window revisions emitted twice")
        .isEmpty();
    long elapsedWindows = Duration.between(stopped, checked).toMinutes() + 2;
    Instant mustReach =
        SpanLedger.windowStart(
            checked.minus(WINDOW).minus(GRACE).minus(IDLE_AFTER).minusSeconds(15));
    Map<String, Instant> lastData =
        Map.of(QUIET, lastQuietWindow, REPORTS, lastWindowSent(REPORTS));
    for (String quiet : List.of(QUIET, REPORTS)) {
      soft.assertThat(
              WindowChecks.silentWindows(
                  quiet, windows, lastData.get(quiet), mustReach, restarted, elapsedWindows))
          .as(
              "%s's silent windows, checked at %s; its windows:%s",
              quiet, checked, WindowChecks.timeline(quiet, windows))
          .isEmpty();
    }
    assertSameAlerts(soft, before);
    soft.assertThat(answer(soft, "/api/v1/services", this::health))
        .as("health after the restart")
        .containsEntry(CHECKOUT, "CRITICAL")
        .containsEntry(CART, "OK")
        .containsEntry(QUIET, "SILENT");
    assertStreamThreadsNeverFailed(soft);
    soft.assertAll();
  }

  @Test
  @Order(2)
  void aCrashMidTrafficCountsEveryAcknowledgedSpanExactlyOnce() throws Exception {
    if (!vitals.alive()) {
      vitals.start();
      awaitReady("a start after the previous test left vitals stopped");
    }
    awaitLiveAnswersSinceReady(LIVE_REQUESTS_BEFORE_STOP);
    int exit = vitals.kill();
    assertThat(exit).as("exit code of SIGKILL (128 + 9)").isEqualTo(137);

    vitals.start();
    Duration answeredAfter = awaitQueryApi(null);
    awaitReady("the restart after SIGKILL");
    System.out.printf("crash restart: query API answering %s after the start%n", answeredAfter);

    // Traffic stops at a window boundary; then the last live window closes on the wall clock.
    Instant stopAt = SpanLedger.windowStart(Instant.now().plusSeconds(10)).plus(WINDOW);
    traffic.stopBefore(stopAt);
    Instant lastLiveWindow = stopAt.minus(WINDOW);
    await("the last live window closed")
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofSeconds(3))
        .until(
            () -> {
              Map<SpanLedger.Cell, ServiceWindow> latest =
                  WindowChecks.latestServiceLevel(windows());
              return latest.containsKey(new SpanLedger.Cell(CHECKOUT, lastLiveWindow))
                  && latest.containsKey(new SpanLedger.Cell(CART, lastLiveWindow));
            });

    List<Timestamped<ServiceWindow>> windows = windows();
    Map<SpanLedger.Cell, SpanLedger.Counts> sent = ledger.snapshot();
    System.out.printf(
        "ledger: %d requests answered 200, %d unanswered, %d refused; %d windows%n",
        ledger.requests(SpanLedger.Outcome.ACKNOWLEDGED),
        ledger.requests(SpanLedger.Outcome.UNANSWERED),
        ledger.requests(SpanLedger.Outcome.REFUSED),
        sent.size());
    sent.forEach(
        (cell, c) -> {
          if (c.unansweredRequests > 0 || c.refusedRequests > 0) {
            System.out.printf("  %s: %s%n", cell, c);
          }
        });
    SoftAssertions soft = new SoftAssertions();
    soft.assertThat(traffic.unexpected).as("unexpected answers to the client").isEmpty();
    soft.assertThat(WindowChecks.ledgerMismatches(sent, WindowChecks.latestServiceLevel(windows)))
        .as(
            "windows whose spans differ from the client ledger (%s requests answered 200, %s"
                + " unanswered, %s refused)",
            ledger.requests(SpanLedger.Outcome.ACKNOWLEDGED),
            ledger.requests(SpanLedger.Outcome.UNANSWERED),
            ledger.requests(SpanLedger.Outcome.REFUSED))
        .isEmpty();
    soft.assertThat(WindowChecks.fromTheFuture(windows, WINDOW))
        .as("windows emitted for a time after their record timestamp + %s", WINDOW)
        .isEmpty();
    soft.assertThat(WindowChecks.repeatedRevisions(windows))
        .as("window revisions emitted twice")
        .isEmpty();
    assertStreamThreadsNeverFailed(soft);
    soft.assertAll();
  }

  // ---- traffic ----

  /** The start of the last window in which {@code service} had a request answered 200. */
  private Instant lastWindowSent(String service) {
    return ledger.snapshot().entrySet().stream()
        .filter(e -> e.getKey().service().equals(service) && e.getValue().acknowledged > 0)
        .map(e -> e.getKey().windowStart())
        .max(Instant::compareTo)
        .orElseThrow(() -> new AssertionError(service + " never had a request answered 200"));
  }

  /** 40 minutes of three services, five requests a minute each, sent in event-time order. */
  private void replay() {
    Instant from = SpanLedger.windowStart(Instant.now()).minus(REPLAY);
    lastQuietWindow = from.plus(WINDOW.multipliedBy(QUIET_MINUTES - 1));
    for (int minute = 0; minute < REPLAY.toMinutes(); minute++) {
      for (int step = 0; step < 5; step++) {
        Instant end = from.plus(WINDOW.multipliedBy(minute)).plusSeconds(1 + 10 * step);
        send(CHECKOUT, end, 20, 6);
        send(CART, end, 20, 0);
        if (minute < QUIET_MINUTES) {
          send(QUIET, end, 5, 0);
        }
      }
    }
  }

  private void send(String service, Instant end, int spans, int errors) {
    assertThat(traffic.send(service, end, spans, errors))
        .as("replayed request of %s at %s", service, end)
        .isEqualTo(SpanLedger.Outcome.ACKNOWLEDGED);
  }

  /** Waits until {@code n} live requests were answered 200 since the current run became ready. */
  private void awaitLiveAnswersSinceReady(int n) {
    long target = answeredWhenReady + n;
    await("live requests answered 200")
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofSeconds(1))
        .failFast("vitals exited", () -> !vitals.alive())
        .until(() -> traffic.liveAcknowledged() >= target);
  }

  // ---- the process as a user sees it ----

  private void awaitReady(String when) {
    try {
      startWait(when)
          .untilAsserted(
              () ->
                  assertThat(vitals.get(vitals.adminPort, "/readyz").statusCode()).isEqualTo(200));
    } catch (Throwable e) {
      throw new AssertionError(
          "/readyz not 200 after " + when + "; log:\n" + vitals.currentLog(), e);
    }
    answeredWhenReady = traffic == null ? 0 : traffic.liveAcknowledged();
  }

  /**
   * Waits until {@code /api/v1/services} lists checkout and {@code /api/v1/alerts} lists {@code
   * page} (when not null), both 200; returns how long after the start that was.
   */
  private Duration awaitQueryApi(Alert page) {
    Instant started = Instant.now();
    try {
      startWait("the query API")
          .untilAsserted(
              () -> {
                assertThat(health()).containsKey(CHECKOUT);
                if (page != null) {
                  assertThat(firingAlerts()).containsEntry(PAGE, page);
                }
              });
    } catch (Throwable e) {
      throw new AssertionError("query API not answering; log:\n" + vitals.currentLog(), e);
    }
    return Duration.between(started, Instant.now());
  }

  private ConditionFactory startWait(String what) {
    return await(what)
        .atMost(START_TIMEOUT)
        .pollInterval(Duration.ofMillis(500))
        .ignoreExceptions()
        .failFast("vitals exited", () -> !vitals.alive());
  }

  /** The firing alerts of {@code /api/v1/alerts} by a short name; throws unless it answers 200. */
  private Map<String, Alert> firingAlerts() throws IOException, InterruptedException {
    JsonNode body = json(vitals.get(vitals.queryPort, "/api/v1/alerts"));
    Map<String, Alert> out = new TreeMap<>();
    for (JsonNode a : body.get("alerts")) {
      JsonNode labels = a.get("labels");
      String name =
          labels.get("alertname").asText()
              + "/"
              + labels.get("service").asText()
              + "/"
              + labels.get("severity").asText();
      out.put(
          name,
          new Alert(a.get("fingerprint").asText(), Instant.parse(a.get("startsAt").asText())));
    }
    return out;
  }

  static final String PAGE = "VitalsErrorBudgetBurn/checkout/page";
  static final String QUIET_SILENT = "VitalsServiceSilent/quiet/page";

  /** An alert as an on-call engineer tells it apart: its fingerprint and when it started. */
  record Alert(String fingerprint, Instant startsAt) {}

  /** Status by service name, from {@code /api/v1/services}; throws unless it answers 200. */
  private Map<String, String> health() throws IOException, InterruptedException {
    JsonNode body = json(vitals.get(vitals.queryPort, "/api/v1/services"));
    Map<String, String> out = new TreeMap<>();
    body.get("services").forEach(s -> out.put(s.get("service").asText(), s.get("status").asText()));
    return out;
  }

  /** A query API read whose failure (e.g. a 503) is one more soft failure, read as no entries. */
  private static <V> Map<String, V> answer(SoftAssertions soft, String path, Query<V> query) {
    try {
      return query.read();
    } catch (Exception e) {
      soft.fail(path + " after the restart: " + e.getMessage());
      return Map.of();
    }
  }

  /** A read of the query API. */
  private interface Query<V> {
    Map<String, V> read() throws Exception;
  }

  private static JsonNode json(HttpResponse<String> r) throws IOException {
    if (r.statusCode() != 200) {
      throw new IOException("answered " + r.statusCode() + ": " + r.body());
    }
    return SignalJson.MAPPER.readTree(r.body());
  }

  // ---- what the topics say ----

  private List<Timestamped<ServiceWindow>> windows() {
    return TimestampedSignals.readAll(
        vitals.bootstrapServers(),
        Topics.DEFAULT.serviceWindows(),
        "service-windows.v1",
        ServiceWindow.class);
  }

  private static Predicate<Timestamped<ServiceWindow>> emittedAfter(Instant t) {
    return w -> w.value().operation() == null && w.timestamp().isAfter(t);
  }

  /**
   * The alerts firing before the restart fire on, as the same alerts: listed with the same
   * fingerprint and startsAt, and in {@code vitals.alerts.v1} one firing event each, never
   * resolved.
   */
  private void assertSameAlerts(SoftAssertions soft, Map<String, Alert> before) throws Exception {
    soft.assertThat(answer(soft, "/api/v1/alerts", this::firingAlerts))
        .as("alerts after the restart")
        .containsAllEntriesOf(before);
    Map<String, List<String>> events =
        TimestampedSignals.readAll(
                vitals.bootstrapServers(), Topics.DEFAULT.alerts(), "alerts.v1", AlertEvent.class)
            .stream()
            .map(Timestamped::value)
            .collect(
                Collectors.groupingBy(
                    AlertEvent::fingerprint,
                    TreeMap::new,
                    Collectors.mapping(a -> a.status() + " " + a.startsAt(), Collectors.toList())));
    before.forEach(
        (name, alert) ->
            soft.assertThat(events.get(alert.fingerprint()))
                .as("events of %s (%s) in vitals.alerts.v1", name, alert.fingerprint())
                .containsExactly("firing " + alert.startsAt()));
  }

  private static final Pattern THREAD_FAILURES =
      Pattern.compile("(?m)^vitals_streams_thread_failures_total(?:\\{[^}]*})? (\\S+)$");

  /** No stream thread failed in any run: not in the logs, not counted where counted. */
  private void assertStreamThreadsNeverFailed(SoftAssertions soft) throws Exception {
    vitals
        .logs()
        .forEach(
            (run, log) ->
                soft.assertThat(
                        log.lines().filter(l -> l.contains("stream thread failed")).toList())
                    .as("'stream thread failed' in the log of run %s", run)
                    .isEmpty());
    Matcher m = THREAD_FAILURES.matcher(vitals.get(vitals.adminPort, "/metrics").body());
    while (m.find()) {
      soft.assertThat(Double.parseDouble(m.group(1)))
          .as("vitals_streams_thread_failures_total")
          .isZero();
    }
  }
}
