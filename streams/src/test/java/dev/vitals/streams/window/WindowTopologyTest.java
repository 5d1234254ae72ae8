package dev.vitals.streams.window;

import static dev.vitals.streams.window.OtlpFixtures.serverSpan;
import static dev.vitals.streams.window.OtlpFixtures.spans;
import static dev.vitals.streams.window.WindowHarness.T0_MS;
import static dev.vitals.streams.window.WindowHarness.at;
import static java.time.Duration.ofMillis;
import static java.time.Duration.ofMinutes;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.vitals.schemas.ServiceKey;
import dev.vitals.schemas.Signal;
import dev.vitals.schemas.otlp.OtlpResources;
import dev.vitals.schemas.signals.ServiceWindow;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WindowTopologyTest {

  @TempDir Path stateDir;
  private WindowHarness harness;

  private WindowHarness start(WindowSettings settings) {
    harness = new WindowHarness(settings, stateDir);
    return harness;
  }

  private WindowHarness start() {
    return start(WindowSettings.DEFAULTS);
  }

  @AfterEach
  void close() {
    if (harness != null) {
      harness.close();
    }
  }

  private static ServiceWindow only(
      List<ServiceWindow> windows, String service, String operation, long startMs) {
    List<ServiceWindow> found =
        windows.stream()
            .filter(w -> w.service().equals(service))
            .filter(w -> Objects.equals(w.operation(), operation))
            .filter(w -> w.windowStart().equals(Instant.ofEpochMilli(startMs)))
            .collect(Collectors.toList());
    assertThat(found)
        .as("windows of %s %s at %s in %s", service, operation, startMs, windows)
        .hasSize(1);
    return found.get(0);
  }

  private void sendSpans(WindowHarness h, String service, List<Span> spans) {
    h.send(Signal.TRACES, "acme", service, spans(service, spans));
  }

  @Test
  void serverSpansBecomeRequestsErrorsAndLatencyOfTheServiceAndItsRoute() {
    WindowHarness h = start();
    double[] seconds = new double[1000];
    for (int batch = 0; batch < 10; batch++) {
      List<Span> spans = new ArrayList<>();
      for (int i = batch * 100; i < batch * 100 + 100; i++) {
        seconds[i] = (i + 1) / 1000.0;
        spans.add(serverSpan("/pay", at(ofMillis(50L * i)), seconds[i], i % 100 == 0));
      }
      sendSpans(h, "checkout", spans);
    }

    h.advance(ofSeconds(25));

    List<ServiceWindow> windows = h.windows();
    assertThat(windows).hasSize(2);
    for (String operation : Arrays.asList(null, "/pay")) {
      ServiceWindow w = only(windows, "checkout", operation, T0_MS);
      assertThat(w.tenant()).isEqualTo("acme");
      assertThat(w.windowEnd()).isEqualTo(Instant.ofEpochMilli(T0_MS + 60_000));
      assertThat(w.revision()).isZero();
      assertThat(w.requests()).isEqualTo(1000);
      assertThat(w.errors()).isEqualTo(10);
      assertThat(w.spans()).isEqualTo(1000);
      assertThat(w.errorSpans()).isEqualTo(10);
      assertThat(w.silent()).isFalse();
      assertThat(w.exemplarTraceIds()).containsExactly(OtlpFixtures.traceHex(7));
      assertThat(w.latency().p50())
          .isCloseTo(exact(seconds, 0.5), within(0.01 * exact(seconds, 0.5)));
      assertThat(w.latency().p90())
          .isCloseTo(exact(seconds, 0.9), within(0.01 * exact(seconds, 0.9)));
      assertThat(w.latency().p99())
          .isCloseTo(exact(seconds, 0.99), within(0.01 * exact(seconds, 0.99)));
      assertThat(w.latency().max()).isCloseTo(1.0, within(0.01));
    }
    assertThat(h.metric("vitals_streams_records_in_total{signal=\"traces\"}")).isEqualTo(10);
  }

  @Test
  void aServicesOperationWindowsComeBeforeItsServiceWindow() {
    WindowHarness h = start();
    for (String service : List.of("cart", "checkout")) {
      List<Span> spans = new ArrayList<>();
      for (String route : List.of("/a", "/b", "/c")) {
        spans.add(serverSpan(route, at(ofSeconds(5)), 0.01, false));
      }
      sendSpans(h, service, spans);
    }

    h.advance(ofSeconds(80));

    List<String> order =
        h.windows().stream()
            .map(w -> w.service() + (w.operation() == null ? "" : " " + w.operation()))
            .collect(Collectors.toList());
    // the SLO topology evaluates on the service window: its operations are already there
    assertThat(order)
        .containsExactly(
            "cart /a",
            "cart /b",
            "cart /c",
            "cart",
            "checkout /a",
            "checkout /b",
            "checkout /c",
            "checkout");
  }

  /** The nearest-rank quantile of the samples. */
  private static double exact(double[] samples, double q) {
    double[] sorted = samples.clone();
    Arrays.sort(sorted);
    return sorted[(int) Math.ceil(q * sorted.length) - 1];
  }

  @Test
  void exponentialHistogramsGiveExactCountsAndQuantilesWithinOnePercent() {
    WindowHarness h = start();
    double[] first = new double[600];
    double[] second = new double[400];
    for (int i = 0; i < first.length; i++) {
      first[i] = 0.002 + i * 0.003;
    }
    for (int i = 0; i < second.length; i++) {
      second[i] = 0.05 + i * 0.01;
    }
    double[] all = new double[1000];
    System.arraycopy(first, 0, all, 0, 600);
    System.arraycopy(second, 0, all, 600, 400);
    var ok = OtlpFixtures.num("http.response.status_code", 200);
    var route = OtlpFixtures.str("http.route", "/search");
    long start = at(ofSeconds(1));
    h.send(
        Signal.METRICS,
        "acme",
        "search",
        OtlpFixtures.metrics(
            "search",
            OtlpFixtures.exponential(true, start, at(ofSeconds(10)), 6, first, ok, route)));
    h.send(
        Signal.METRICS,
        "acme",
        "search",
        OtlpFixtures.metrics(
            "search", OtlpFixtures.exponential(true, start, at(ofSeconds(20)), 6, all, ok, route)));

    h.advance(ofSeconds(61));

    ServiceWindow w = only(h.windows(), "search", "/search", T0_MS);
    assertThat(w.requests()).isEqualTo(1000);
    assertThat(w.errors()).isZero();
    for (double q : new double[] {0.5, 0.9, 0.99}) {
      double expected = exact(all, q);
      double actual =
          q == 0.5 ? w.latency().p50() : q == 0.9 ? w.latency().p90() : w.latency().p99();
      assertThat(actual).as("p%s", q * 100).isCloseTo(expected, within(0.01 * expected));
    }
  }

  @Test
  void aCounterResetCountsTheNewProcessFromZero() {
    WindowHarness h = start();
    double[] bounds = {0.1, 1};
    var status = OtlpFixtures.num("http.response.status_code", 200);
    long s1 = at(ofSeconds(-5));
    long s2 = at(ofSeconds(25));
    send(
        h,
        "cart",
        OtlpFixtures.explicit(true, s1, at(ofSeconds(10)), bounds, new long[] {5, 5, 0}, status));
    send(
        h,
        "cart",
        OtlpFixtures.explicit(true, s1, at(ofSeconds(20)), bounds, new long[] {15, 10, 0}, status));
    send(
        h,
        "cart",
        OtlpFixtures.explicit(true, s2, at(ofSeconds(30)), bounds, new long[] {3, 1, 0}, status));
    send(
        h,
        "cart",
        OtlpFixtures.explicit(true, s2, at(ofSeconds(40)), bounds, new long[] {4, 2, 0}, status));

    h.advance(ofSeconds(31));

    ServiceWindow w = only(h.windows(), "cart", null, T0_MS);
    assertThat(w.requests()).isEqualTo(10 + 15 + 4 + 2);
    assertThat(w.latency()).isNotNull();
  }

  @Test
  void aLongRunningProcessSeenFirstIsABaselineButItsFirstServerErrorsCount() {
    WindowHarness h = start();
    double[] bounds = {0.1, 1};
    long processStart = at(ofMinutes(-60));
    var ok = OtlpFixtures.num("http.response.status_code", 200);
    var failed = OtlpFixtures.num("http.response.status_code", 503);
    send(
        h,
        "cart",
        OtlpFixtures.explicit(
            true, processStart, at(ofSeconds(10)), bounds, new long[] {500, 10, 0}, ok));
    send(
        h,
        "cart",
        OtlpFixtures.explicit(
            true, processStart, at(ofSeconds(20)), bounds, new long[] {0, 3, 0}, failed));

    h.advance(ofSeconds(51));

    ServiceWindow w = only(h.windows(), "cart", null, T0_MS);
    assertThat(w.requests()).isEqualTo(3);
    assertThat(w.errors()).isEqualTo(3);
  }

  private static void send(
      WindowHarness h, String service, io.opentelemetry.proto.metrics.v1.Metric metric) {
    h.send(Signal.METRICS, "acme", service, OtlpFixtures.metrics(service, metric));
  }

  @Test
  void aRecordOutOfOrderWithinGraceCountsInItsWindow() {
    WindowHarness h = start();
    sendSpans(h, "api", List.of(serverSpan("/a", at(ofSeconds(65)), 0.1, false)));
    sendSpans(h, "api", List.of(serverSpan("/a", at(ofSeconds(50)), 0.1, false)));

    h.advance(ofSeconds(6));

    ServiceWindow w = only(h.windows(), "api", null, T0_MS);
    assertThat(w.requests()).isEqualTo(1);
    assertThat(w.revision()).isZero();
    assertThat(h.metric("vitals_streams_late_records_total{outcome=\"corrected\"}")).isZero();
  }

  @Test
  void aLateRecordReEmitsItsClosedWindowWithTheNextRevision() {
    WindowHarness h = start();
    sendSpans(h, "api", List.of(serverSpan("/a", at(ofSeconds(30)), 0.1, false)));
    sendSpans(h, "api", List.of(serverSpan("/a", at(ofSeconds(75)), 0.1, false)));
    assertThat(only(h.windows(), "api", null, T0_MS).requests()).isEqualTo(1);

    sendSpans(h, "api", List.of(serverSpan("/a", at(ofSeconds(40)), 0.2, true)));
    sendSpans(h, "api", List.of(serverSpan("/a", at(ofSeconds(41)), 0.2, false)));
    h.advance(ofSeconds(1));

    List<ServiceWindow> corrected = h.windows();
    for (String operation : Arrays.asList(null, "/a")) {
      ServiceWindow w = only(corrected, "api", operation, T0_MS);
      assertThat(w.revision()).isEqualTo(1);
      assertThat(w.requests()).isEqualTo(3);
      assertThat(w.errors()).isEqualTo(1);
    }
    assertThat(h.metric("vitals_streams_late_records_total{outcome=\"corrected\"}")).isEqualTo(2);
  }

  @Test
  void aRecordBeyondTheCorrectionHorizonIsCountedAndDropped() {
    WindowHarness h = start(WindowSettings.builder().correctionHorizon(ofMinutes(2)).build());
    sendSpans(h, "api", List.of(serverSpan("/a", at(ofSeconds(30)), 0.1, false)));
    sendSpans(h, "api", List.of(serverSpan("/a", at(ofMinutes(5)), 0.1, false)));
    h.windows();

    sendSpans(h, "api", List.of(serverSpan("/a", at(ofSeconds(40)), 0.1, false)));
    h.advance(ofSeconds(1));

    assertThat(h.windows()).noneMatch(w -> w.windowStart().toEpochMilli() == T0_MS);
    assertThat(h.metric("vitals_streams_late_records_total{outcome=\"dropped\"}")).isEqualTo(1);
  }

  @Test
  void aForeignRecordWithSeveralResourcesIsSplitByService() {
    WindowHarness h = start();
    ExportTraceServiceRequest request =
        ExportTraceServiceRequest.newBuilder()
            .addResourceSpans(resourceSpans("front", 2))
            .addResourceSpans(resourceSpans("back", 3))
            .build();
    h.send(Signal.TRACES, null, "acme", request.toByteArray());

    h.advance(ofSeconds(71));

    List<ServiceWindow> windows = h.windows();
    assertThat(only(windows, "front", null, T0_MS).requests()).isEqualTo(2);
    assertThat(only(windows, "back", null, T0_MS).requests()).isEqualTo(3);
    assertThat(windows).allMatch(w -> w.tenant().equals("acme"));
  }

  @Test
  void aRecordKeyedByAnotherServiceIsReKeyedByItsResource() {
    WindowHarness h = start();
    h.send(
        Signal.TRACES,
        "acme//wrong".getBytes(StandardCharsets.UTF_8),
        "acme",
        spans("right", List.of(serverSpan("/a", at(ofSeconds(5)), 0.1, false))).toByteArray());

    h.advance(ofSeconds(71));

    List<ServiceWindow> windows = h.windows();
    assertThat(only(windows, "right", null, T0_MS).requests()).isEqualTo(1);
    assertThat(windows).noneMatch(w -> w.service().equals("wrong"));
  }

  @Test
  void aSlashInsideANamespaceOrANameNeverMergesTwoServices() {
    WindowHarness h = start();
    ServiceKey slashInNamespace = new ServiceKey("acme", "coll/ide", "svc");
    ServiceKey slashInName = new ServiceKey("acme", "coll", "ide/svc");
    // As ingest writes them (escaped keys): 2 requests, 1 failed, and 3 requests, none failed.
    sendAs(h, slashInNamespace.toBytes(), slashInNamespace, 2, true);
    sendAs(h, slashInName.toBytes(), slashInName, 3, false);
    // As a version before escaping wrote them: both under "acme/coll/ide/svc".
    byte[] unescaped = "acme/coll/ide/svc".getBytes(StandardCharsets.UTF_8);
    sendAs(h, unescaped, slashInNamespace, 1, false);
    sendAs(h, unescaped, slashInName, 1, false);

    h.advance(ofSeconds(71));

    List<ServiceWindow> windows =
        h.windows().stream().filter(w -> w.operation() == null).collect(Collectors.toList());
    assertThat(windows).hasSize(2);
    ServiceWindow a = byNamespace(windows, "coll/ide");
    ServiceWindow b = byNamespace(windows, "coll");
    assertThat(a.service()).isEqualTo("svc");
    assertThat(a.requests()).isEqualTo(3);
    assertThat(a.errors()).isEqualTo(2);
    assertThat(b.service()).isEqualTo("ide/svc");
    assertThat(b.requests()).isEqualTo(4);
    assertThat(b.errors()).isZero();
  }

  private static void sendAs(
      WindowHarness h, byte[] key, ServiceKey service, int requests, boolean failing) {
    List<Span> spans = new ArrayList<>();
    for (int i = 0; i < requests; i++) {
      spans.add(serverSpan("/a", at(ofSeconds(5 + i)), 0.1, failing));
    }
    Resource resource =
        Resource.newBuilder()
            .addAttributes(OtlpFixtures.str(OtlpResources.SERVICE_NAMESPACE, service.namespace()))
            .addAttributes(OtlpFixtures.str(OtlpResources.SERVICE_NAME, service.name()))
            .build();
    ExportTraceServiceRequest request =
        ExportTraceServiceRequest.newBuilder()
            .addResourceSpans(
                ResourceSpans.newBuilder()
                    .setResource(resource)
                    .addScopeSpans(ScopeSpans.newBuilder().addAllSpans(spans)))
            .build();
    h.send(Signal.TRACES, key, service.tenant(), request.toByteArray());
  }

  private static ServiceWindow byNamespace(List<ServiceWindow> windows, String namespace) {
    return windows.stream().filter(w -> w.namespace().equals(namespace)).findFirst().orElseThrow();
  }

  private static ResourceSpans resourceSpans(String service, int n) {
    ScopeSpans.Builder scope = ScopeSpans.newBuilder();
    for (int i = 0; i < n; i++) {
      scope.addSpans(serverSpan("/x", at(ofSeconds(10 + i)), 0.01, false));
    }
    return ResourceSpans.newBuilder()
        .setResource(OtlpFixtures.resource(service))
        .addScopeSpans(scope)
        .build();
  }

  @Test
  void anUnparseableRecordGoesToTheDeadLetterTopicAndThePartitionGoesOn() {
    WindowHarness h = start();
    byte[] poison = {0x0a, 0x7f, 0x01};
    h.send(Signal.TRACES, "acme//api".getBytes(StandardCharsets.UTF_8), "acme", poison);
    sendSpans(h, "api", List.of(serverSpan("/a", at(ofSeconds(30)), 0.1, false)));

    h.advance(ofSeconds(41));

    List<TestRecord<byte[], byte[]>> dead = h.deadLetters.readRecordsToList();
    assertThat(dead).hasSize(1);
    assertThat(dead.get(0).value()).isEqualTo(poison);
    assertThat(dead.get(0).key()).isEqualTo("acme//api".getBytes(StandardCharsets.UTF_8));
    assertThat(header(dead.get(0), "vitals.dlq.source")).startsWith("otlp_spans-0@");
    assertThat(header(dead.get(0), "vitals.dlq.reason")).isNotBlank();
    assertThat(header(dead.get(0), "vitals.dlq.stage")).isEqualTo("streams");
    assertThat(header(dead.get(0), "vitals.tenant")).isEqualTo("acme");
    assertThat(h.metric("vitals_streams_dead_letters_total")).isEqualTo(1);
    assertThat(only(h.windows(), "api", null, T0_MS).requests()).isEqualTo(1);
  }

  private static String header(TestRecord<byte[], byte[]> r, String name) {
    return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }

  @Test
  void operationsAndServicesBeyondTheirBudgetGoToTheOverflowBucket() {
    WindowHarness h =
        start(WindowSettings.builder().maxOperationsPerService(2).maxServicesPerTenant(1).build());
    sendSpans(
        h,
        "api",
        List.of(
            serverSpan("/a", at(ofSeconds(1)), 0.1, false),
            serverSpan("/b", at(ofSeconds(2)), 0.1, false),
            serverSpan("/c", at(ofSeconds(3)), 0.1, false),
            serverSpan("/d", at(ofSeconds(4)), 0.1, false)));
    sendSpans(h, "other", List.of(serverSpan("/a", at(ofSeconds(5)), 0.1, false)));

    h.advance(ofSeconds(66));

    List<ServiceWindow> windows = h.windows();
    assertThat(only(windows, "api", "/a", T0_MS).requests()).isEqualTo(1);
    assertThat(only(windows, "api", "/b", T0_MS).requests()).isEqualTo(1);
    assertThat(only(windows, "api", "otel.metric.overflow", T0_MS).requests()).isEqualTo(2);
    assertThat(only(windows, "otel.metric.overflow", null, T0_MS).requests()).isEqualTo(1);
    assertThat(windows).noneMatch(w -> w.service().equals("other"));
    assertThat(h.metric("vitals_streams_cardinality_overflow_total{budget=\"operations\"}"))
        .isEqualTo(2);
    assertThat(h.metric("vitals_streams_cardinality_overflow_total{budget=\"services\"}"))
        .isEqualTo(1);
  }

  @Test
  void aServiceThatGoesQuietGetsItsWindowClosedByWallClockTimeAndMarkedSilent() {
    WindowHarness h = start();
    sendSpans(h, "quiet", List.of(serverSpan("/a", at(ofSeconds(10)), 0.1, false)));

    h.advance(ofSeconds(130));

    List<ServiceWindow> windows = h.windows();
    assertThat(only(windows, "quiet", null, T0_MS).silent()).isFalse();
    ServiceWindow silent = only(windows, "quiet", null, T0_MS + 60_000);
    assertThat(silent.silent()).isTrue();
    assertThat(silent.requests()).isZero();
    assertThat(silent.spans()).isZero();
    assertThat(silent.latency()).isNull();
    assertThat(silent.revision()).isZero();
  }

  @Test
  void metricsWinOverSpansForRequestsButSpansAreStillCounted() {
    WindowHarness h = start();
    sendSpans(
        h,
        "both",
        List.of(
            serverSpan("/a", at(ofSeconds(1)), 0.1, true),
            serverSpan("/a", at(ofSeconds(2)), 0.1, false)));
    send(
        h,
        "both",
        OtlpFixtures.explicit(
            false,
            at(ofSeconds(0)),
            at(ofSeconds(5)),
            new double[] {0.1, 1},
            new long[] {4, 1, 0},
            OtlpFixtures.str("http.route", "/a"),
            OtlpFixtures.num("http.response.status_code", 200)));

    h.advance(ofSeconds(66));

    ServiceWindow w = only(h.windows(), "both", null, T0_MS);
    assertThat(w.requests()).isEqualTo(5);
    assertThat(w.errors()).isZero();
    assertThat(w.spans()).isEqualTo(2);
    assertThat(w.errorSpans()).isEqualTo(1);
  }

  @Test
  void logsAreCountedBySeverityWithSampleErrorMessages() {
    WindowHarness h = start();
    h.send(
        Signal.LOGS,
        "acme",
        "api",
        OtlpFixtures.logs(
            "api",
            List.of(
                OtlpFixtures.log(at(ofSeconds(1)), SeverityNumber.SEVERITY_NUMBER_INFO, "started"),
                OtlpFixtures.log(at(ofSeconds(2)), SeverityNumber.SEVERITY_NUMBER_WARN, "slow"),
                OtlpFixtures.log(at(ofSeconds(3)), SeverityNumber.SEVERITY_NUMBER_ERROR, "db down"),
                OtlpFixtures.log(
                    at(ofSeconds(4)), SeverityNumber.SEVERITY_NUMBER_ERROR2, "x".repeat(300)),
                OtlpFixtures.log(at(ofSeconds(5)), SeverityNumber.SEVERITY_NUMBER_FATAL, "dead"),
                OtlpFixtures.log(
                    at(ofSeconds(6)), SeverityNumber.SEVERITY_NUMBER_ERROR, "again"))));

    h.advance(ofSeconds(70));

    ServiceWindow w = only(h.windows(), "api", null, T0_MS);
    assertThat(w.logs())
        .containsEntry("INFO", 1L)
        .containsEntry("WARN", 1L)
        .containsEntry("ERROR", 3L)
        .containsEntry("FATAL", 1L)
        .doesNotContainKey("DEBUG");
    assertThat(w.sampleErrors()).containsExactly("db down", "x".repeat(256), "dead");
    assertThat(w.requests()).isZero();
    assertThat(w.latency()).isNull();
  }
}
