package dev.vitals.loadgen;

import static dev.vitals.loadgen.Captured.count;
import static dev.vitals.loadgen.Captured.of;
import static dev.vitals.loadgen.Captured.points;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.vitals.schemas.Signal;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LoadgenTest {

  private static final Instant START = Instant.parse("2025-03-01T12:00:00Z");
  private static final Duration STEP = Duration.ofSeconds(10);

  private static Loadgen.Builder loadgen(Scenario scenario, Sender sender) {
    return Loadgen.builder().scenario(scenario).seed(7).startTime(START).step(STEP).sender(sender);
  }

  private static Scenario steady(int services) {
    return Scenario.steady(services, Baseline.DEFAULT);
  }

  @Test
  void overAnHourEachServiceServesItsConfiguredRate() {
    Captured sent = new Captured();
    try (Loadgen lg = loadgen(steady(3), sent).build()) {
      Loadgen.Stats stats = lg.runSteps(360);

      long total = 0;
      for (String service : lg.scenario().services()) {
        List<OtlpExport> metrics = of(sent.exports, service, Signal.METRICS);
        long lastCumulative = count(metrics.get(metrics.size() - 1), false);
        assertThat((double) lastCumulative).as(service).isCloseTo(20 * 3600, within(2_000.0));
        total += lastCumulative;
      }
      assertThat(total)
          .as("the histograms count every simulated request")
          .isEqualTo(stats.requests());
      assertThat(stats.exportsSent()).isEqualTo(sent.exports.size());
      assertThat(stats.eventTime()).isEqualTo(START.plus(Duration.ofHours(1)));
    }
  }

  @Test
  void deltaPointsAddUpToTheCumulativeOnes() {
    Captured cumulative = new Captured();
    Captured delta = new Captured();
    try (Loadgen c = loadgen(steady(2), cumulative).build();
        Loadgen d = loadgen(steady(2), delta).temporality(Temporality.DELTA).build()) {
      c.runSteps(60);
      d.runSteps(60);
    }
    for (String service : List.of("frontend", "checkout")) {
      List<OtlpExport> c = of(cumulative.exports, service, Signal.METRICS);
      long deltaSum =
          of(delta.exports, service, Signal.METRICS).stream().mapToLong(e -> count(e, false)).sum();
      assertThat(deltaSum).isEqualTo(count(c.get(c.size() - 1), false));
      assertThat(Captured.metric(delta.exports.get(0)).getHistogram().getAggregationTemporality())
          .isEqualTo(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA);
    }
  }

  @Test
  void cumulativeCountsNeverDecreaseAndKeepTheProcessStart() {
    Captured sent = new Captured();
    try (Loadgen lg = loadgen(steady(1), sent).build()) {
      lg.runSteps(120);
    }
    Map<List<?>, Long> last = new HashMap<>();
    for (OtlpExport e : of(sent.exports, "frontend", Signal.METRICS)) {
      for (HistogramDataPoint p : points(e)) {
        assertThat(p.getStartTimeUnixNano()).isEqualTo(Otlp.nanos(START));
        assertThat(p.getBucketCountsList().stream().mapToLong(Long::longValue).sum())
            .isEqualTo(p.getCount());
        Long before = last.put(p.getAttributesList(), p.getCount());
        assertThat(p.getCount()).isGreaterThanOrEqualTo(before == null ? 0 : before);
      }
    }
    assertThat(last).as("route x status series").hasSizeGreaterThan(5);
  }

  @Test
  void pointsAreStampedAtTheEndOfTheirStep() {
    Captured sent = new Captured();
    try (Loadgen lg = loadgen(steady(1), sent).build()) {
      List<Instant> ends = List.of(lg.runStep().end(), lg.runStep().end(), lg.runStep().end());
      assertThat(ends)
          .containsExactly(
              START.plus(STEP), START.plus(STEP.multipliedBy(2)), START.plus(STEP.multipliedBy(3)));
    }
    assertThat(of(sent.exports, "frontend", Signal.METRICS))
        .extracting(e -> points(e).get(0).getTimeUnixNano())
        .containsExactly(
            Otlp.nanos(START.plus(STEP)),
            Otlp.nanos(START.plus(STEP.multipliedBy(2))),
            Otlp.nanos(START.plus(STEP.multipliedBy(3))));
  }

  @Test
  void theSameSeedSendsTheSameBytesAndAnotherSeedOthers() {
    Captured a = new Captured();
    Captured b = new Captured();
    Captured c = new Captured();
    try (Loadgen x = loadgen(steady(2), a).build();
        Loadgen y = loadgen(steady(2), b).build();
        Loadgen z = loadgen(steady(2), c).seed(8).build()) {
      x.runSteps(5);
      y.runSteps(5);
      z.runSteps(5);
    }
    assertThat(a.exports).isEqualTo(b.exports);
    assertThat(a.exports).isNotEqualTo(c.exports);
  }

  @Test
  void anErrorSpikeRaisesTheShareOf5xxInItsWindowOnly() {
    Scenario s =
        new Scenario(
            "t",
            "shop",
            Duration.ofHours(1),
            Baseline.DEFAULT,
            List.of("frontend", "checkout"),
            List.of(
                Incident.errorSpike(
                    "checkout", Duration.ofMinutes(1), Duration.ofMinutes(2), 0.25)));
    Captured sent = new Captured();
    try (Loadgen lg = loadgen(s, sent).temporality(Temporality.DELTA).build()) {
      lg.runSteps(30);
    }
    List<OtlpExport> checkout = of(sent.exports, "checkout", Signal.METRICS);
    assertThat(errorShare(checkout.subList(0, 6))).as("minute 0").isLessThan(0.01);
    assertThat(errorShare(checkout.subList(6, 18))).as("minutes 1-2").isBetween(0.22, 0.28);
    assertThat(errorShare(checkout.subList(18, 30))).as("minutes 3-4").isLessThan(0.01);
    assertThat(errorShare(of(sent.exports, "frontend", Signal.METRICS)))
        .as("frontend")
        .isLessThan(0.01);
  }

  @Test
  void aCalleesFailuresFailItsCallersAndEveryCallIsTracedOnBothSides() {
    Scenario s =
        new Scenario(
            "t",
            "shop",
            Duration.ofHours(1),
            Baseline.DEFAULT,
            List.of("checkout", "payments"),
            List.of(
                Incident.errorSpike(
                    "payments", Duration.ofMinutes(1), Duration.ofMinutes(2), 0.25)),
            java.util.Map.of(
                "checkout", java.util.Map.of("payments", 1.0, "postgresql/orders", 1.0)));
    Captured sent = new Captured();
    try (Loadgen lg = loadgen(s, sent).temporality(Temporality.DELTA).build()) {
      lg.runSteps(18);
    }
    List<OtlpExport> checkout = of(sent.exports, "checkout", Signal.METRICS);
    assertThat(errorShare(checkout.subList(0, 6))).as("minute 0").isLessThan(0.01);
    assertThat(errorShare(checkout.subList(6, 18)))
        .as("minutes 1-2: payments fails a quarter of checkout's calls")
        .isBetween(0.22, 0.28);

    java.util.Map<com.google.protobuf.ByteString, io.opentelemetry.proto.trace.v1.Span> clients =
        new java.util.HashMap<>();
    int databaseCalls = 0;
    for (OtlpExport e : of(sent.exports, "checkout", Signal.TRACES)) {
      for (io.opentelemetry.proto.trace.v1.Span span : spans(e)) {
        if (span.getKind() == io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_CLIENT) {
          if (span.getAttributesList().stream()
              .anyMatch(a -> a.getKey().equals("db.system.name"))) {
            databaseCalls++;
          } else {
            clients.put(span.getSpanId(), span);
          }
        }
      }
    }
    List<io.opentelemetry.proto.trace.v1.Span> servers = new java.util.ArrayList<>();
    of(sent.exports, "payments", Signal.TRACES).forEach(e -> servers.addAll(spans(e)));
    List<io.opentelemetry.proto.trace.v1.Span> called =
        servers.stream().filter(sp -> clients.containsKey(sp.getParentSpanId())).toList();
    assertThat(clients).isNotEmpty();
    assertThat(databaseCalls).isEqualTo(clients.size());
    assertThat(called)
        .as("each call's server span, child of its client span")
        .hasSize(clients.size());
    for (io.opentelemetry.proto.trace.v1.Span server : called) {
      io.opentelemetry.proto.trace.v1.Span client = clients.get(server.getParentSpanId());
      assertThat(server.getTraceId()).isEqualTo(client.getTraceId());
      assertThat(server.getStatus().getCode()).isEqualTo(client.getStatus().getCode());
      assertThat(server.getStartTimeUnixNano())
          .isGreaterThanOrEqualTo(client.getStartTimeUnixNano());
      assertThat(server.getEndTimeUnixNano()).isLessThanOrEqualTo(client.getEndTimeUnixNano());
    }
    assertThat(called)
        .as("failed calls are traced")
        .anyMatch(
            sp ->
                sp.getStatus().getCode()
                    == io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_ERROR);
  }

  private static List<io.opentelemetry.proto.trace.v1.Span> spans(OtlpExport e) {
    List<io.opentelemetry.proto.trace.v1.Span> out = new java.util.ArrayList<>();
    ((io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest) e.request())
        .getResourceSpansList()
        .forEach(rs -> rs.getScopeSpansList().forEach(ss -> out.addAll(ss.getSpansList())));
    return out;
  }

  private static double errorShare(List<OtlpExport> deltaExports) {
    long all = deltaExports.stream().mapToLong(e -> count(e, false)).sum();
    long failed = deltaExports.stream().mapToLong(e -> count(e, true)).sum();
    return (double) failed / all;
  }

  @Test
  void aSilentServiceSendsNothingThenComesBackAsARestartedProcess() {
    Scenario s =
        new Scenario(
            "t",
            "shop",
            Duration.ofHours(1),
            Baseline.DEFAULT,
            List.of("shipping"),
            List.of(Incident.silent("shipping", Duration.ofMinutes(5), Duration.ofMinutes(10))));
    Captured sent = new Captured();
    Map<Long, List<OtlpExport>> byStep = new HashMap<>();
    try (Loadgen lg = loadgen(s, sent).build()) {
      for (int i = 0; i < 120; i++) {
        Loadgen.Step step = lg.runStep();
        byStep.put(step.index(), step.exports());
      }
    }
    for (long i = 0; i < 120; i++) {
      boolean silent = i >= 30 && i < 90;
      assertThat(byStep.get(i)).as("step " + i).matches(e -> e.isEmpty() == silent);
    }
    HistogramDataPoint firstBack = points(byStep.get(90L).get(0)).get(0);
    assertThat(firstBack.getStartTimeUnixNano())
        .isEqualTo(Otlp.nanos(START.plus(Duration.ofMinutes(15))));
    assertThat(count(byStep.get(90L).get(0), false))
        .as("counted from zero again: one step of requests")
        .isLessThan(400);
  }

  @Test
  void aLatencyRegressionMakesRequestsSlowerByItsFactor() {
    Scenario s =
        new Scenario(
            "t",
            "shop",
            Duration.ofHours(1),
            Baseline.DEFAULT.withErrorRatio(0),
            List.of("search"),
            List.of(
                Incident.latencyRegression(
                    "search", Duration.ofMinutes(5), Duration.ofMinutes(5), 4)));
    Captured sent = new Captured();
    try (Loadgen lg = loadgen(s, sent).temporality(Temporality.DELTA).build()) {
      lg.runSteps(60);
    }
    List<OtlpExport> m = of(sent.exports, "search", Signal.METRICS);
    double ratio = meanSeconds(m.subList(30, 60)) / meanSeconds(m.subList(0, 30));
    assertThat(ratio).isBetween(3.5, 4.5);
  }

  private static double meanSeconds(List<OtlpExport> exports) {
    double sum = 0;
    long n = 0;
    for (OtlpExport e : exports) {
      for (HistogramDataPoint p : points(e)) {
        if (Captured.status(p.getAttributesList()) == 200) {
          sum += p.getSum();
          n += p.getCount();
        }
      }
    }
    return sum / n;
  }

  @Test
  void aSlowBurnClimbsToItsErrorRatio() {
    Scenario s =
        new Scenario(
            "t",
            "shop",
            Duration.ofHours(1),
            Baseline.DEFAULT.withRate(200),
            List.of("payments"),
            List.of(
                Incident.slowBurn(
                    "payments", Duration.ZERO, Duration.ofHours(1), 0.02, Duration.ofMinutes(20))));
    Captured sent = new Captured();
    try (Loadgen lg = loadgen(s, sent).temporality(Temporality.DELTA).build()) {
      lg.runSteps(180);
    }
    List<OtlpExport> m = of(sent.exports, "payments", Signal.METRICS);
    assertThat(errorShare(m.subList(0, 12))).as("first 2 minutes").isLessThan(0.004);
    assertThat(errorShare(m.subList(54, 66))).as("around minute 10").isBetween(0.008, 0.012);
    assertThat(errorShare(m.subList(150, 180))).as("after the ramp").isBetween(0.017, 0.023);
  }

  @Test
  void failedRequestsBecomeErrorSpansAndOneErrorLogEach() {
    Scenario s =
        new Scenario(
            "t",
            "shop",
            Duration.ofHours(1),
            Baseline.DEFAULT.withErrorRatio(0.3),
            List.of("checkout", "payments"),
            List.of());
    Captured sent = new Captured();
    Loadgen.Step step;
    try (Loadgen lg = loadgen(s, sent).build()) {
      step = lg.runStep();
    }
    long errorLogs = 0;
    for (OtlpExport e : of(step.exports(), "checkout", Signal.LOGS)) {
      for (LogRecord r : e.logs().getResourceLogs(0).getScopeLogs(0).getLogRecordsList()) {
        assertThat(r.getTraceId().size()).isEqualTo(16);
        if (r.getSeverityNumber() == SeverityNumber.SEVERITY_NUMBER_ERROR) {
          errorLogs++;
          assertThat(r.getBody().getStringValue())
              .containsAnyOf("payments", "pool", "unexpected error");
        }
      }
    }
    assertThat(errorLogs)
        .isEqualTo(count(of(step.exports(), "checkout", Signal.METRICS).get(0), true));
    List<Span> spans =
        of(step.exports(), "checkout", Signal.TRACES)
            .get(0)
            .traces()
            .getResourceSpans(0)
            .getScopeSpans(0)
            .getSpansList();
    assertThat(spans).hasSize(10);
    for (Span span : spans) {
      assertThat(span.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_SERVER);
      assertThat(span.getSpanId().size()).isEqualTo(8);
      assertThat(span.getEndTimeUnixNano()).isGreaterThan(span.getStartTimeUnixNano());
      boolean failed = Captured.status(span.getAttributesList()) >= 500;
      assertThat(span.getStatus().getCode())
          .isEqualTo(
              failed ? Status.StatusCode.STATUS_CODE_ERROR : Status.StatusCode.STATUS_CODE_UNSET);
    }
  }

  @Test
  void exportsCarryTheServiceIdentityAndHttpAttributes() {
    Captured sent = new Captured();
    try (Loadgen lg = loadgen(steady(2), sent).build()) {
      lg.runStep();
    }
    OtlpExport metrics = of(sent.exports, "checkout", Signal.METRICS).get(0);
    var resource = metrics.metrics().getResourceMetrics(0).getResource();
    assertThat(Captured.resourceAttribute(resource, "service.name")).isEqualTo("checkout");
    assertThat(Captured.resourceAttribute(resource, "service.namespace")).isEqualTo("shop");
    assertThat(Captured.resourceAttribute(resource, "service.instance.id")).hasSize(36);
    assertThat(Captured.resourceAttribute(resource, "telemetry.sdk.language")).isEqualTo("java");
    assertThat(Captured.metric(metrics).getName()).isEqualTo("http.server.request.duration");
    assertThat(Captured.metric(metrics).getUnit()).isEqualTo("s");
    HistogramDataPoint p = points(metrics).get(0);
    assertThat(p.getExplicitBoundsList())
        .containsExactlyElementsOf(ExplicitHistogram.ADVISED_BOUNDS);
    assertThat(Captured.attribute(p.getAttributesList(), "http.route")).startsWith("/api/");
    assertThat(Captured.attribute(p.getAttributesList(), "url.scheme")).isEqualTo("http");
  }

  @Test
  void exponentialHistogramsFitIn160BucketsAndCountEveryRequest() {
    Captured sent = new Captured();
    try (Loadgen lg = loadgen(steady(1), sent).histogram(HistogramKind.EXPONENTIAL).build()) {
      lg.runSteps(60);
    }
    List<OtlpExport> m = of(sent.exports, "frontend", Signal.METRICS);
    for (ExponentialHistogramDataPoint p : Captured.exponentialPoints(m.get(m.size() - 1))) {
      assertThat(p.getPositive().getBucketCountsCount()).isLessThanOrEqualTo(160);
      assertThat(p.getScale()).isBetween(3, 6);
      assertThat(p.getPositive().getBucketCountsList().stream().mapToLong(Long::longValue).sum())
          .isEqualTo(p.getCount());
      double lowest = Math.pow(2, Math.scalb((double) p.getPositive().getOffset(), -p.getScale()));
      assertThat(p.getMin()).isGreaterThan(lowest);
    }
  }

  @Test
  void runUntilStopsAtTheLastWholeStep() {
    try (Loadgen lg = loadgen(steady(1), new Captured()).build()) {
      Loadgen.Stats stats = lg.runUntil(START.plus(Duration.ofSeconds(95)));
      assertThat(stats.steps()).isEqualTo(9);
      assertThat(lg.nextStepStart()).isEqualTo(START.plus(Duration.ofSeconds(90)));
    }
  }
}
