package dev.vitals.streams.window;

import static dev.vitals.streams.window.OtlpFixtures.serverSpan;
import static dev.vitals.streams.window.OtlpFixtures.spans;
import static dev.vitals.streams.window.WindowHarness.T0;
import static dev.vitals.streams.window.WindowHarness.T0_MS;
import static dev.vitals.streams.window.WindowHarness.at;
import static java.time.Duration.ofMinutes;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import dev.vitals.schemas.Signal;
import dev.vitals.schemas.signals.ServiceWindow;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The running totals of the service windows: exact counts that only grow, raised by late data when
 * it is processed, and sampled at strictly growing times so a store that refuses out-of-order and
 * duplicate samples takes every one.
 */
class RunningTotalsTest {

  @TempDir Path stateDir;
  private WindowHarness harness;

  @AfterEach
  void close() {
    if (harness != null) {
      harness.close();
    }
  }

  private void sendSpans(String service, int n, long endMs, boolean error) {
    List<Span> spans = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      spans.add(serverSpan("/a", endMs, 0.1, error));
    }
    harness.send(Signal.TRACES, "acme", service, spans(service, spans));
  }

  private static List<ServiceWindow> of(
      List<ServiceWindow> windows, String service, String operation) {
    return windows.stream()
        .filter(w -> w.service().equals(service) && Objects.equals(w.operation(), operation))
        .collect(Collectors.toList());
  }

  @Test
  void aLatePointRaisesTheTotalsWhenItIsProcessedSoTheyCountEveryRequestSent() {
    harness = new WindowHarness(WindowSettings.DEFAULTS, stateDir);
    List<ServiceWindow> all = new ArrayList<>();
    sendSpans("api", 10, at(ofSeconds(30)), false);
    sendSpans("api", 1, at(ofSeconds(40)), true);
    sendSpans("api", 5, at(ofSeconds(75)), false);
    all.addAll(harness.windows());
    assertThat(of(all, "api", null))
        .singleElement()
        .satisfies(w -> assertThat(w.requests()).isEqualTo(11));

    // late, within the correction horizon: window 0 again, revision 1, before window 1 closes
    sendSpans("api", 3, at(ofSeconds(50)), true);
    harness.advance(ofSeconds(1));
    // then more on time, and the clock passes the last window
    sendSpans("api", 7, at(ofSeconds(130)), false);
    harness.advance(ofMinutes(2));
    all.addAll(harness.windows());

    for (String operation : new String[] {null, "/a"}) {
      List<ServiceWindow> windows =
          of(all, "api", operation).stream().filter(w -> !w.silent()).collect(Collectors.toList());
      assertThat(windows)
          .extracting(w -> w.windowStart().toEpochMilli() - T0_MS, ServiceWindow::revision)
          .containsExactly(tuple(0L, 0), tuple(0L, 1), tuple(60_000L, 0), tuple(120_000L, 0));
      assertThat(windows)
          .extracting(w -> w.totals().requests())
          .containsExactly(11L, 14L, 19L, 26L);
      assertThat(windows).extracting(w -> w.totals().errors()).containsExactly(1L, 4L, 4L, 4L);
      assertThat(windows).extracting(w -> w.totals().spans()).containsExactly(11L, 14L, 19L, 26L);
      assertThat(windows).allMatch(w -> w.totals().since().equals(T0));
      assertIncreasingSampleTimes(of(all, "api", operation));
    }
    ServiceWindow last = of(all, "api", null).get(of(all, "api", null).size() - 1);
    assertThat(last.totals().requests()).isEqualTo(10 + 1 + 5 + 3 + 7);
  }

  @Test
  void theCorrectionIsSampledJustAfterTheNewestSampleAndTheNextWindowAtItsEnd() {
    harness = new WindowHarness(WindowSettings.DEFAULTS, stateDir);
    sendSpans("api", 1, at(ofSeconds(30)), false);
    sendSpans("api", 1, at(ofSeconds(75)), false);
    sendSpans("api", 1, at(ofSeconds(135)), false);
    List<ServiceWindow> closed = of(harness.windows(), "api", null);
    assertThat(closed)
        .extracting(w -> w.totals().sampledAt())
        .containsExactly(T0.plusSeconds(60), T0.plusSeconds(120));

    sendSpans("api", 2, at(ofSeconds(10)), false);
    harness.advance(ofSeconds(1));

    ServiceWindow correction = of(harness.windows(), "api", null).get(0);
    assertThat(correction.revision()).isEqualTo(1);
    assertThat(correction.windowEnd()).isEqualTo(T0.plusSeconds(60));
    assertThat(correction.totals().sampledAt()).isEqualTo(T0.plusMillis(120_001));
    assertThat(correction.totals().requests()).isEqualTo(4);
  }

  @Test
  void theLatencyOfAllRequestsIsAHistogramThatALateCorrectionRaisesByExactlyItsOwnValues() {
    harness = new WindowHarness(WindowSettings.DEFAULTS, stateDir);
    List<Span> fast = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      fast.add(serverSpan("/a", at(ofSeconds(30)), 0.1, false));
    }
    harness.send(Signal.TRACES, "acme", "api", spans("api", fast));
    harness.send(
        Signal.TRACES,
        "acme",
        "api",
        spans("api", List.of(serverSpan("/a", at(ofSeconds(75)), 0.1, false))));
    ServiceWindow.Histogram before = of(harness.windows(), "api", null).get(0).totals().latency();
    assertThat(before.count()).isEqualTo(10);

    List<Span> slow = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      slow.add(serverSpan("/a", at(ofSeconds(40)), 3.0, false));
    }
    harness.send(Signal.TRACES, "acme", "api", spans("api", slow));
    harness.advance(ofSeconds(1));

    ServiceWindow.Histogram after = of(harness.windows(), "api", null).get(0).totals().latency();
    assertThat(after.count()).isEqualTo(13);
    assertThat(after.sum()).isCloseTo(10 * 0.1 + 3 * 3.0, within(1e-9));
    assertThat(after.scale()).isEqualTo(before.scale());
    // the ten fast requests in one bucket, the three slow ones in another, nothing else
    assertThat(after.bucketCounts().stream().filter(n -> n > 0)).containsExactly(10L, 3L);
    assertThat(after.offset()).isEqualTo(before.offset());
    double width = Math.pow(2, Math.pow(2, -after.scale()));
    int slowIndex = after.offset() + after.bucketCounts().size() - 1;
    assertThat(Math.pow(width, slowIndex)).isLessThan(3.0);
    assertThat(Math.pow(width, slowIndex + 1)).isGreaterThanOrEqualTo(3.0);
  }

  @Test
  void logRecordsAreTotalledBySeverityClassWithEveryClassPresent() {
    harness = new WindowHarness(WindowSettings.DEFAULTS, stateDir);
    harness.send(
        Signal.LOGS,
        "acme",
        "api",
        OtlpFixtures.logs(
            "api",
            List.of(
                OtlpFixtures.log(at(ofSeconds(1)), SeverityNumber.SEVERITY_NUMBER_ERROR, "a"),
                OtlpFixtures.log(at(ofSeconds(2)), SeverityNumber.SEVERITY_NUMBER_ERROR, "b"),
                OtlpFixtures.log(at(ofSeconds(62)), SeverityNumber.SEVERITY_NUMBER_INFO, "c"),
                OtlpFixtures.log(at(ofSeconds(63)), SeverityNumber.SEVERITY_NUMBER_ERROR, "d"))));
    harness.advance(ofSeconds(140));

    // two windows with logs, then a silent one that still carries the totals
    List<ServiceWindow> windows = of(harness.windows(), "api", null);
    assertThat(windows).extracting(ServiceWindow::silent).containsExactly(false, false, true);
    Map<String, Long> expected = new HashMap<>();
    for (String severity : Semconv.SEVERITIES) {
      expected.put(severity, 0L);
    }
    expected.put("ERROR", 3L);
    expected.put("INFO", 1L);
    assertThat(windows.get(1).totals().logs()).isEqualTo(expected);
    assertThat(windows.get(2).totals().logs()).isEqualTo(expected);
  }

  @Test
  void aForgottenServiceThatComesBackCountsFromZeroWithANewStart() {
    harness =
        new WindowHarness(WindowSettings.builder().forgetAfter(ofMinutes(3)).build(), stateDir);
    sendSpans("api", 4, at(ofSeconds(10)), false);
    harness.advance(ofMinutes(6));
    List<ServiceWindow> before = of(harness.windows(), "api", null);
    assertThat(before.get(before.size() - 1).totals().requests()).isEqualTo(4);

    long back = at(ofMinutes(8)) + 5_000;
    sendSpans("api", 2, back, false);
    harness.advance(ofMinutes(2));

    List<ServiceWindow> after = of(harness.windows(), "api", null);
    ServiceWindow first = after.get(0);
    assertThat(first.requests()).isEqualTo(2);
    assertThat(first.totals().requests()).isEqualTo(2);
    assertThat(first.totals().since()).isEqualTo(Instant.ofEpochMilli(at(ofMinutes(8))));
    assertThat(first.totals().sampledAt())
        .isAfter(before.get(before.size() - 1).totals().sampledAt());
  }

  @Test
  void anOperationForgottenWhileItsServiceGoesOnComesBackCountingFromZero() {
    harness =
        new WindowHarness(WindowSettings.builder().forgetAfter(ofMinutes(3)).build(), stateDir);
    harness.send(
        Signal.TRACES,
        "acme",
        "api",
        spans("api", List.of(serverSpan("/old", at(ofSeconds(10)), 0.1, false))));
    for (int m = 0; m < 7; m++) {
      harness.send(
          Signal.TRACES,
          "acme",
          "api",
          spans("api", List.of(serverSpan("/busy", at(ofSeconds(60 * m + 20)), 0.1, false))));
    }
    harness.send(
        Signal.TRACES,
        "acme",
        "api",
        spans("api", List.of(serverSpan("/old", at(ofSeconds(7 * 60 + 30)), 0.1, false))));
    harness.advance(ofMinutes(2));

    List<ServiceWindow> old = of(harness.windows(), "api", "/old");
    assertThat(old).hasSize(2);
    assertThat(old.get(0).totals().requests()).isEqualTo(1);
    ServiceWindow back = old.get(1);
    assertThat(back.totals().requests()).isEqualTo(1);
    assertThat(back.totals().since()).isEqualTo(Instant.ofEpochMilli(at(ofMinutes(7))));
  }

  private static void assertIncreasingSampleTimes(List<ServiceWindow> windows) {
    for (int i = 1; i < windows.size(); i++) {
      assertThat(windows.get(i).totals().sampledAt())
          .as("sample %s of %s", i, windows)
          .isAfter(windows.get(i - 1).totals().sampledAt());
      assertThat(windows.get(i).totals().requests())
          .isGreaterThanOrEqualTo(windows.get(i - 1).totals().requests());
    }
  }
}
