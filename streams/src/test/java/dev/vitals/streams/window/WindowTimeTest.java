package dev.vitals.streams.window;

import static dev.vitals.streams.window.OtlpFixtures.serverSpan;
import static dev.vitals.streams.window.OtlpFixtures.spans;
import static dev.vitals.streams.window.WindowHarness.T0_MS;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.schemas.Signal;
import dev.vitals.schemas.signals.ServiceWindow;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What moves a task's clock, with the default {@code idleAfter} (30 s): event time while records
 * arrive, however far behind the wall clock they are; the wall clock only once the partition is
 * idle.
 */
class WindowTimeTest {

  private static final long MINUTE = 60_000;
  @TempDir Path stateDir;
  private WindowHarness harness;

  @AfterEach
  void close() {
    if (harness != null) {
      harness.close();
    }
  }

  private WindowHarness start() {
    harness = new WindowHarness(WindowSettings.DEFAULTS, stateDir, true);
    return harness;
  }

  private void send(String service, long eventMs, int requests) {
    List<Span> list = new ArrayList<>();
    for (int i = 0; i < requests; i++) {
      list.add(serverSpan("/r", eventMs, 0.01, false));
    }
    harness.send(Signal.TRACES, "acme", service, spans(service, list));
  }

  /** Service windows (no operation) by service, then window start relative to T0 in minutes. */
  private static Map<String, Map<Long, ServiceWindow>> byService(List<ServiceWindow> windows) {
    Map<String, Map<Long, ServiceWindow>> out = new TreeMap<>();
    for (ServiceWindow w : windows) {
      if (w.operation() != null) {
        continue;
      }
      long minute = (w.windowStart().toEpochMilli() - T0_MS) / MINUTE;
      ServiceWindow before = out.computeIfAbsent(w.service(), s -> new TreeMap<>()).put(minute, w);
      assertThat(before).as("one window per service and minute: %s", w).isNull();
    }
    return out;
  }

  @Test
  void aReplayReadSlowerThanRealTimeIsWindowedByEventTimeAloneExactly() {
    start();
    // Thirty minutes of two services, an hour behind the wall clock, read in bursts with wall-clock
    // pauses of 20 s between them: a pause is shorter than idleAfter, so the partition is busy.
    int minutes = 30;
    for (int m = 0; m < minutes; m++) {
      for (int s = 0; s < 6; s++) {
        long t = T0_MS + m * MINUTE + s * 10_000 + 5_000;
        send("a", t, 3);
        harness.advance(ofSeconds(20));
        send("b", t, 2);
      }
    }

    Map<String, Map<Long, ServiceWindow>> windows = byService(harness.windows());

    for (String service : List.of("a", "b")) {
      Map<Long, ServiceWindow> w = windows.get(service);
      // The last minute stays open: no record passed its end yet and the partition is not idle.
      assertThat(w.keySet()).as(service).hasSize(minutes - 1);
      for (ServiceWindow window : w.values()) {
        assertThat(window.silent()).as("%s", window).isFalse();
        assertThat(window.revision()).as("%s", window).isZero();
        assertThat(window.requests()).as("%s", window).isEqualTo(service.equals("a") ? 18 : 12);
      }
    }
    assertThat(harness.metric("vitals_streams_late_records_total{outcome=\"corrected\"}")).isZero();
    assertThat(harness.metric("vitals_streams_late_records_total{outcome=\"dropped\"}")).isZero();
  }

  @Test
  void anIdlePartitionClosesItsWindowsOnTheWallClockAndAQuietServiceGoesSilent() {
    start();
    long live = harness.wallMs();
    long minuteStart = Math.floorDiv(live, MINUTE) * MINUTE;
    send("a", live, 1);

    // Not idle before idleAfter: the window stays open although its end + grace passed.
    long toEndPlusGrace = minuteStart + MINUTE + 10_000 - live;
    harness.advance(ofSeconds(Math.min(29, toEndPlusGrace / 1000)));
    assertThat(harness.windows()).isEmpty();

    // Idle: wall-clock time counts, and the quiet service gets a silent window per minute.
    for (int i = 0; i < 30; i++) {
      harness.advance(ofSeconds(10));
    }
    long nowWall = harness.wallMs();
    List<ServiceWindow> windows = harness.windows();
    List<ServiceWindow> service =
        windows.stream().filter(w -> w.operation() == null).collect(Collectors.toList());
    assertThat(service.get(0).silent()).isFalse();
    assertThat(service.get(0).requests()).isEqualTo(1);
    assertThat(service.subList(1, service.size())).allMatch(ServiceWindow::silent);
    long expectedClosed = (nowWall - 10_000 - minuteStart) / MINUTE;
    assertThat(service).hasSize((int) expectedClosed);
    assertThat(service)
        .allMatch(w -> w.windowEnd().toEpochMilli() + 10_000 <= nowWall, "closed after its end");
  }

  @Test
  void aStalledTaskDoesNotCountTheStallAsIdleTime() {
    start();
    send("a", T0_MS + 5_000, 1);
    send("a", T0_MS + 40_000, 1);

    // The thread did not run for a minute (GC, a blocked commit): its consumer may hold records.
    harness.driver.advanceWallClockTime(java.time.Duration.ofSeconds(60));
    send("a", T0_MS + 50_000, 1);
    harness.advance(ofSeconds(1));

    assertThat(harness.windows()).as("nothing closed by the stall").isEmpty();
    assertThat(harness.metric("vitals_streams_task_stalls_total")).isEqualTo(1);
    assertThat(harness.metric("vitals_streams_late_records_total{outcome=\"corrected\"}")).isZero();
    // Idle from here on: the wall clock closes the window with all three spans.
    harness.advance(ofSeconds(40));
    assertThat(byService(harness.windows()).get("a").get(0L).requests()).isEqualTo(3);
    assertThat(harness.metric("vitals_streams_idle_partitions_total")).isEqualTo(1);
  }

  @Test
  void aQuietServiceOnABusyPartitionGoesSilentOnThePartitionsEventTime() {
    start();
    // Both services an hour behind the wall clock; "b" stops after minute 2, "a" goes on.
    for (int m = 0; m < 8; m++) {
      for (int s = 0; s < 6; s++) {
        long t = T0_MS + m * MINUTE + s * 10_000;
        send("a", t, 1);
        if (m < 2) {
          send("b", t, 1);
        }
        harness.advance(ofSeconds(1));
      }
    }

    Map<Long, ServiceWindow> b = byService(harness.windows()).get("b");

    assertThat(b.keySet()).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L);
    assertThat(b.get(1L).silent()).isFalse();
    assertThat(b.get(2L).silent()).isTrue();
    assertThat(b.get(6L).silent()).isTrue();
  }

  @Test
  void aPointFromAClockADayBehindIsCountedAsDroppedAndMovesNoWindow() {
    start();
    long live = harness.wallMs();
    send("a", live, 1);
    send("behind", live - 86_400_000L, 4);
    send("a", live + 1_000, 1);

    harness.advance(ofSeconds(1));

    assertThat(harness.windows()).as("no window closed or re-opened by the old clock").isEmpty();
    assertThat(harness.metric("vitals_streams_late_records_total{outcome=\"dropped\"}"))
        .isEqualTo(4);
    assertThat(harness.metric("vitals_streams_late_records_total{outcome=\"corrected\"}")).isZero();
  }

  @Test
  void aPointFromAClockTwoHoursAheadIsDroppedAndMovesNoWindow() {
    start();
    long live = harness.wallMs();
    send("a", live, 1);
    send("skewed", live + 2 * 3_600_000, 5);
    send("ahead", live + 30 * MINUTE, 1);
    send("a", live + 1_000, 1);

    harness.advance(ofSeconds(1));

    assertThat(harness.windows()).as("no window closed by the skewed clocks").isEmpty();
    assertThat(harness.metric("vitals_streams_dropped_records_total{reason=\"future\"}"))
        .isEqualTo(5);
    assertThat(harness.metric("vitals_streams_late_records_total{outcome=\"dropped\"}")).isZero();
  }
}
