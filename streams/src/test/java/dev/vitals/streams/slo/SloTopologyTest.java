package dev.vitals.streams.slo;

import static dev.vitals.streams.slo.SloHarness.MINUTE;
import static dev.vitals.streams.slo.SloHarness.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.schemas.signals.AlertEvent;
import dev.vitals.schemas.signals.Health;
import dev.vitals.schemas.signals.ServiceWindow;
import dev.vitals.schemas.signals.SloEvaluation;
import dev.vitals.streams.sketch.LatencySketch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SloTopologyTest {

  private static final long RATE = 1000;

  @Test
  void threeDaysOfTwentyHealthyServicesRaiseNoAlert() {
    Random random = new Random(42);
    LatencySketch fast = new LatencySketch();
    fast.record(0.08, 990);
    fast.record(0.3, 9);
    fast.record(0.9, 1);
    String sketch = fast.toBase64();
    long started = System.nanoTime();
    try (SloHarness h = new SloHarness(SloSettings.defaults(), false, false)) {
      for (int m = 0; m < 3 * 1440; m++) {
        for (int s = 0; s < 20; s++) {
          long errors = poisson(random, RATE * 0.0005);
          h.send(
              Windows.of(
                  "svc-" + s,
                  null,
                  T0.plus(MINUTE.multipliedBy(m)),
                  MINUTE,
                  RATE,
                  errors,
                  sketch,
                  List.of(),
                  List.of()));
        }
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      System.out.printf(
          "steady state: %d windows, %d SLO evaluations, %d alerts (false alerts), %.1f s%n",
          3 * 1440 * 20, h.sloRecords, h.alerts.size(), seconds);
      assertThat(h.alerts).isEmpty();
      assertThat(h.sloRecords).isEqualTo(3 * 1440 * 20 * 2);
      assertThat(h.health).extracting(Health::status).containsOnly(Health.Status.OK);
      SloEvaluation last = h.latestSlo("acme/shop/svc-7|availability");
      assertThat(last.burnRates().get("3d")).isBetween(0.4, 0.6);
      assertThat(last.errorBudgetRemaining()).isBetween(0.4, 0.6);
      assertThat(h.counter("vitals_streams_slo_evaluations")).isEqualTo(3 * 1440 * 20 * 2);
    }
  }

  @Test
  void twoPercentErrorsPageAtTheWorkbookDetectionTimeAndResolveOnce() {
    try (SloHarness h = new SloHarness(SloSettings.defaults())) {
      int onset = 1440;
      int end = onset + 90;
      for (int m = 0; m < end + 60; m++) {
        double ratio = m >= onset && m < end ? 0.02 : 0.0005;
        Instant start = T0.plus(MINUTE.multipliedBy(m));
        sendMinute(h, "checkout", start, ratio, m >= onset && m < end);
      }
      AlertEvent page = onlyFiring(h, "page");
      Duration detect = Duration.between(at(onset), page.startsAt());
      System.out.printf("fast burn 2%% (20x): page after %s%n", detect);
      assertThat(detect).isBetween(Duration.ofMinutes(43), Duration.ofMinutes(45));
      assertThat(page.labels())
          .containsEntry("alertname", "VitalsErrorBudgetBurn")
          .containsEntry("slo", "availability")
          .containsEntry("service", "checkout")
          .containsEntry("tenant", "acme")
          .containsEntry("namespace", "shop");
      assertThat(page.annotations().get("windows")).contains("1h=").contains("5m=");
      assertThat(page.annotations().get("worst_operations")).startsWith("POST /pay:");
      assertThat(page.annotations().get("sample_errors")).contains("upstream timeout");
      assertThat(page.annotations().get("exemplar_trace_ids"))
          .contains("0af7651916cd43dd8448eb211c80319c");
      assertThat(page.annotations().get("runbook_url"))
          .isEqualTo("http://localhost:8080/runbooks/VitalsErrorBudgetBurn.md");
      assertThat(page.generatorUrl())
          .isEqualTo("http://localhost:8080/#/services/acme/shop/checkout");
      List<AlertEvent> resolved =
          h.resolved().stream().filter(a -> a.labels().get("severity").equals("page")).toList();
      assertThat(resolved).hasSize(1);
      assertThat(resolved.get(0).fingerprint()).isEqualTo(page.fingerprint());
      assertThat(resolved.get(0).endsAt()).isAfter(at(end));
      System.out.printf(
          "fast burn 2%%: resolved %s after the incident ended%n",
          Duration.between(at(end), resolved.get(0).endsAt()));
      // The 90 minutes also spent 1.5 days of budget: a 3d/6h ticket (DEGRADED) outlives the page.
      assertThat(h.health)
          .extracting(Health::status)
          .containsSubsequence(Health.Status.OK, Health.Status.CRITICAL, Health.Status.DEGRADED);
      assertThat(h.store(SloTopology.ALERTS_ACTIVE_STORE, page.fingerprint())).isNull();
    }
  }

  @Test
  void aHardOutagePagesWithinFiveMinutes() {
    try (SloHarness h = new SloHarness(SloSettings.defaults())) {
      int onset = 1440;
      for (int m = 0; m < onset + 60; m++) {
        double ratio = m >= onset && m < onset + 15 ? 0.20 : 0.0005;
        sendMinute(h, "checkout", at(m), ratio, false);
      }
      AlertEvent page = onlyFiring(h, "page");
      Duration detect = Duration.between(at(onset), page.startsAt());
      System.out.printf("hard outage 20%% (200x): page after %s%n", detect);
      assertThat(detect).isLessThanOrEqualTo(Duration.ofMinutes(5));
      Health critical =
          h.health.stream()
              .filter(x -> x.status() == Health.Status.CRITICAL)
              .findFirst()
              .orElseThrow();
      assertThat(critical.reasons().get(0))
          .matches("availability burn 1h=[0-9.]+× 5m=[0-9.]+× \\(page ≥ 14.4×\\)");
      assertThat(critical.since()).isEqualTo(page.startsAt());
      assertThat(h.resolved()).hasSize(1);
    }
  }

  @Test
  void twiceTheBudgetRateForTwoDaysRaisesATicketButNeverAPage() {
    try (SloHarness h = new SloHarness(SloSettings.defaults())) {
      int onset = 1440;
      for (int m = 0; m < onset + 2 * 1440; m++) {
        sendMinute(h, "ledger", at(m), m >= onset ? 0.002 : 0.0005, false);
      }
      assertThat(h.firing()).extracting(a -> a.labels().get("severity")).containsOnly("ticket");
      AlertEvent ticket = onlyFiring(h, "ticket");
      Duration detect = Duration.between(at(onset), ticket.startsAt());
      System.out.printf("slow burn 2x: ticket after %s, pages: 0%n", detect);
      assertThat(detect).isBetween(Duration.ofHours(11), Duration.ofHours(13));
      assertThat(h.health)
          .extracting(Health::status)
          .doesNotContain(Health.Status.CRITICAL)
          .contains(Health.Status.DEGRADED);
    }
  }

  @Test
  void aLatencyRegressionPastTheThresholdPagesOnTheLatencySlo() {
    try (SloHarness h = new SloHarness(SloSettings.defaults())) {
      int onset = 1440;
      for (int m = 0; m < onset + 30; m++) {
        double seconds = m >= onset ? 1.2 : 0.12;
        h.send(Windows.of("search", "/search", at(m), MINUTE, RATE, 0, null, List.of(), List.of()));
        h.send(Windows.withLatency("search", at(m), MINUTE, Windows.sketch(RATE, seconds)));
      }
      AlertEvent page = onlyFiring(h, "page");
      assertThat(page.annotations().get("worst_operations"))
          .isEqualTo("/search: p99 up to 0.300s (last hour)");
      Duration detect = Duration.between(at(onset), page.startsAt());
      System.out.printf("latency regression 0.12s -> 1.2s (100x): page after %s%n", detect);
      assertThat(page.labels())
          .containsEntry("alertname", "VitalsLatencyBudgetBurn")
          .containsEntry("slo", "latency");
      assertThat(detect).isLessThanOrEqualTo(Duration.ofMinutes(10));
      assertThat(h.firing()).extracting(a -> a.labels().get("slo")).containsOnly("latency");
    }
  }

  @Test
  void aSilentServiceTurnsSilentAndAlertsWithinTwoWindowsAndResolvesWhenItReturns() {
    Duration tenSeconds = Duration.ofSeconds(10);
    try (SloHarness h = new SloHarness(SloSettings.defaults())) {
      Instant t = T0;
      for (int i = 0; i < 30; i++, t = t.plus(tenSeconds)) {
        h.send(Windows.of("cart", t, tenSeconds, 100, 0));
      }
      Instant silentFrom = t;
      for (int i = 0; i < 5; i++, t = t.plus(tenSeconds)) {
        h.send(Windows.silent("cart", t, tenSeconds));
      }
      AlertEvent silent = onlyFiring(h, "page");
      assertThat(silent.labels()).containsEntry("alertname", "VitalsServiceSilent");
      Duration detect = Duration.between(silentFrom, silent.startsAt());
      System.out.printf(
          "silence (10s windows): alert and SILENT after %s (%d windows)%n",
          detect, detect.dividedBy(tenSeconds));
      assertThat(detect).isLessThanOrEqualTo(tenSeconds.multipliedBy(2));
      assertThat(h.health.get(h.health.size() - 1).status()).isEqualTo(Health.Status.SILENT);
      h.send(Windows.of("cart", t, tenSeconds, 100, 0));
      assertThat(h.resolved())
          .singleElement()
          .extracting(AlertEvent::fingerprint)
          .isEqualTo(silent.fingerprint());
      assertThat(h.health.get(h.health.size() - 1).status()).isEqualTo(Health.Status.OK);
      assertThat(h.store(SloTopology.HEALTH_STORE, "acme/shop/cart")).contains("\"OK\"");
    }
  }

  @Test
  void aLateCorrectionThatEndsASilenceResolvesTheAlertNoEarlierThanItStarted() {
    // After a Kafka outage the windows of the gap close silent on the wall clock, the alert
    // fires, and the delayed data then arrives as corrections of those older windows.
    Duration tenSeconds = Duration.ofSeconds(10);
    try (SloHarness h = new SloHarness(SloSettings.defaults())) {
      Instant t = T0;
      for (int i = 0; i < 30; i++, t = t.plus(tenSeconds)) {
        h.send(Windows.of("cart", t, tenSeconds, 100, 0));
      }
      Instant gapStart = t;
      for (int i = 0; i < 3; i++, t = t.plus(tenSeconds)) {
        h.send(Windows.silent("cart", t, tenSeconds));
      }
      AlertEvent silent = onlyFiring(h, "page");

      h.send(Windows.revised(Windows.of("cart", gapStart, tenSeconds, 0, 0), 1, 100, 0));

      assertThat(h.resolved())
          .singleElement()
          .satisfies(
              r -> {
                assertThat(r.fingerprint()).isEqualTo(silent.fingerprint());
                assertThat(r.endsAt()).isAfterOrEqualTo(r.startsAt());
              });
    }
  }

  @Test
  void oneFailureOutOfThreeRequestsInAnHourPagesNobody() {
    try (SloHarness h = new SloHarness(SloSettings.defaults())) {
      for (int m = 0; m < 120; m++) {
        long requests = m == 10 || m == 30 || m == 50 ? 1 : 0;
        h.send(Windows.of("cron", at(m), MINUTE, requests, m == 30 ? 1 : 0));
      }
      assertThat(h.latestSlo("acme/shop/cron|availability").totalEvents()).isEqualTo(3);
      assertThat(h.alerts).isEmpty();
    }
  }

  @Test
  void aRevisedWindowReplacesItsEarlierCountsInsteadOfAddingToThem() {
    try (SloHarness h = new SloHarness(SloSettings.defaults())) {
      ServiceWindow first = Windows.of("api", T0, MINUTE, 100, 50);
      h.send(first);
      h.send(Windows.revised(first, 1, 120, 0));
      h.send(Windows.revised(first, 1, 500, 500));
      SloEvaluation e = h.latestSlo("acme/shop/api|availability");
      assertThat(e.totalEvents()).isEqualTo(120);
      assertThat(e.goodEvents()).isEqualTo(120);
      assertThat(e.burnRates().get("5m")).isZero();
      assertThat(h.counter("vitals_streams_slo_window_corrections")).isEqualTo(1);
    }
  }

  @Test
  void aCorrectionIsEvaluatedAMillisecondAfterTheLatestEvaluationSoNoStoreGetsTwoValuesAtOneTime() {
    try (SloHarness h = new SloHarness(SloSettings.defaults())) {
      ServiceWindow first = Windows.of("api", T0, MINUTE, 100, 0);
      h.send(first);
      h.send(Windows.silent("api", at(1), MINUTE));
      h.send(Windows.revised(first, 1, 100, 50));
      h.send(Windows.of("api", at(2), MINUTE, 100, 0));

      assertThat(
              h.slo.stream()
                  .filter(e -> e.slo().equals("availability"))
                  .map(SloEvaluation::evaluatedAt))
          .containsExactly(at(1), at(2), at(2).plusMillis(1), at(3));
      assertThat(h.health).extracting(Health::evaluatedAt).doesNotHaveDuplicates();
    }
  }

  @Test
  void theRecentWindowsStoreKeepsTheLastWindowsOfEachServiceInOrder() {
    SloSettings s = SloSettings.builder().recentWindows(3).build();
    try (SloHarness h = new SloHarness(s)) {
      for (int m = 0; m < 5; m++) {
        h.send(Windows.of("api", at(m), MINUTE, 10 + m, 0));
      }
      var store = h.driver.<String, String>getKeyValueStore(SloTopology.WINDOWS_RECENT_STORE);
      List<String> keys = new java.util.ArrayList<>();
      try (var it =
          store.prefixScan(
              "acme/shop/api|", new org.apache.kafka.common.serialization.StringSerializer())) {
        it.forEachRemaining(kv -> keys.add(kv.key));
      }
      assertThat(keys)
          .containsExactly(
              RecentWindows.key("acme/shop/api", at(2).toEpochMilli()),
              RecentWindows.key("acme/shop/api", at(3).toEpochMilli()),
              RecentWindows.key("acme/shop/api", at(4).toEpochMilli()));
      assertThat(h.store(SloTopology.SLO_LATEST_STORE, "acme/shop/api|latency"))
          .contains("\"slo\":\"latency\"");
    }
  }

  @Test
  void aRecordOfTheWindowsTopicThatIsNotAWindowIsSkippedAndCountedAndTheNextOneEvaluates() {
    try (SloHarness h = new SloHarness(SloSettings.builder().build())) {
      h.sendRaw("acme/shop/api", "{\"tenant\": \"acme\", \"requests\": \"many\"", at(0));
      h.sendRaw("acme/shop/api", "not json", at(0));
      h.send(Windows.of("api", at(1), MINUTE, 10, 0));

      assertThat(h.counter("vitals_streams_slo_unreadable_windows")).isEqualTo(2);
      assertThat(h.store(SloTopology.SLO_LATEST_STORE, "acme/shop/api|latency"))
          .contains("\"slo\":\"latency\"");
    }
  }

  @Test
  void theRecentWindowsStoreKeepsEachWindowAsItCameTotalsAndAll() {
    try (SloHarness h = new SloHarness(SloSettings.builder().build())) {
      ServiceWindow w =
          Windows.of("api", at(0), MINUTE, 10, 1)
              .withTotals(
                  new ServiceWindow.Totals(
                      at(0),
                      at(1),
                      110,
                      11,
                      110,
                      11,
                      Map.of("INFO", 110L),
                      new ServiceWindow.Histogram(3, 110, 11.0, 0, -30, List.of(100L, 10L))));
      h.send(w);

      String stored =
          h.store(
              SloTopology.WINDOWS_RECENT_STORE,
              RecentWindows.key("acme/shop/api", at(0).toEpochMilli()));
      assertThat(
              dev.vitals.schemas.signals.SignalJson.read(
                  stored.getBytes(java.nio.charset.StandardCharsets.UTF_8), ServiceWindow.class))
          .isEqualTo(w);
    }
  }

  /** One minute of a service and two operations; errors spread evenly (0.05 % = 1 every 2 min). */
  @Test
  void aChangedSloFileTakesEffectWithoutARestartAndABrokenOneIsIgnored(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("slo.yaml");
    Files.writeString(file, "defaults: {slos: {availability: {objective: 0.999}}}\n");
    SloSettings settings = SloSettings.builder().sloFile(file).build();
    try (SloHarness h = new SloHarness(settings)) {
      h.send(Windows.of("api", at(0), MINUTE, 100, 0));
      assertThat(h.latestSlo("acme/shop/api|availability").objective()).isEqualTo(0.999);
      Files.writeString(
          file,
          "services: [{name: api, slos: {availability: {objective: 0.95}, fast: {objective: 0.9,"
              + " threshold: 100ms}}}]\n");
      Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(60)));
      h.driver.advanceWallClockTime(Duration.ofSeconds(10));
      h.send(Windows.of("api", at(1), MINUTE, 100, 0));
      assertThat(h.latestSlo("acme/shop/api|availability").objective()).isEqualTo(0.95);
      assertThat(h.latestSlo("acme/shop/api|fast").latencyThreshold()).isEqualTo(0.1);
      assertThat(h.counter("vitals_streams_slo_file_reloads")).isEqualTo(1);
      Files.writeString(file, "services: [{name: api, slos: {availability: {objective: 2}}}]\n");
      Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(120)));
      h.driver.advanceWallClockTime(Duration.ofSeconds(10));
      h.send(Windows.of("api", at(2), MINUTE, 100, 0));
      assertThat(h.latestSlo("acme/shop/api|availability").objective()).isEqualTo(0.95);
      assertThat(h.counter("vitals_streams_slo_file_errors")).isEqualTo(1);
    }
  }

  private static void sendMinute(
      SloHarness h, String service, Instant start, double ratio, boolean evidence) {
    long minute = Duration.between(T0, start).toMinutes();
    long errors =
        (long) Math.floor(RATE * ratio * (minute + 1) + 1e-9)
            - (long) Math.floor(RATE * ratio * minute + 1e-9);
    h.send(
        Windows.of(
            service,
            "POST /pay",
            start,
            MINUTE,
            RATE / 2,
            errors,
            null,
            evidence ? List.of("upstream timeout after 2s") : List.of(),
            evidence ? List.of("0af7651916cd43dd8448eb211c80319c") : List.of()));
    h.send(
        Windows.of(service, "GET /cart", start, MINUTE, RATE / 2, 0, null, List.of(), List.of()));
    h.send(Windows.of(service, start, MINUTE, RATE, errors));
  }

  private static AlertEvent onlyFiring(SloHarness h, String severity) {
    List<AlertEvent> firing =
        h.firing().stream().filter(a -> a.labels().get("severity").equals(severity)).toList();
    assertThat(firing).as("firing %s alerts", severity).hasSize(1);
    return firing.get(0);
  }

  static Instant at(int minute) {
    return T0.plus(MINUTE.multipliedBy(minute));
  }

  private static long poisson(Random r, double lambda) {
    double l = Math.exp(-lambda);
    double p = 1;
    long k = 0;
    do {
      k++;
      p *= r.nextDouble();
    } while (p > l);
    return k - 1;
  }
}
