package dev.vitals.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.schemas.testing.MovableClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunnerTest {

  private static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");
  private static final Duration STEP = Duration.ofSeconds(10);

  private final MovableClock clock = new MovableClock(NOW);
  private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
  private final List<Instant> sentAt = new ArrayList<>();
  private final List<Instant> stepEnds = new ArrayList<>();

  private Loadgen loadgen(Instant start) {
    return Loadgen.builder()
        .scenario(Scenario.steady(1, Baseline.DEFAULT))
        .startTime(start)
        .step(STEP)
        .sender(
            e -> {
              if (e.signal() == dev.vitals.schemas.Signal.METRICS) {
                sentAt.add(clock.instant());
              }
              return true;
            })
        .spansPerStep(0)
        .infoLogsPerStep(0)
        .build();
  }

  private Runner runner(Loadgen lg, Runner.Pace pace, Instant end, boolean thenRealTime) {
    return new Runner(
        lg,
        pace,
        60,
        end,
        thenRealTime,
        clock,
        d -> clock.advance(d),
        new PrintStream(printed, true, StandardCharsets.UTF_8),
        () -> 0);
  }

  @Test
  void fastForwardingFromThreeHoursAgoStopsWhenCaughtUpAndReportsEachHour() {
    try (Loadgen lg = loadgen(NOW.minus(Duration.ofHours(3)))) {
      Loadgen.Stats stats = runner(lg, Runner.Pace.FAST, null, false).run();

      assertThat(stats.steps()).isEqualTo(3 * 360);
      assertThat(stats.eventTime()).isEqualTo(NOW);
      assertThat(clock.instant()).as("never waited").isEqualTo(NOW);
    }
    String[] lines = printed.toString(StandardCharsets.UTF_8).split("\n");
    assertThat(lines).hasSize(4);
    assertThat(lines[0]).startsWith("loadgen event-time=2025-03-01T10:00:00Z steps=360 requests=");
    assertThat(lines[3]).startsWith("loadgen done event-time=2025-03-01T12:00:00Z steps=1080");
  }

  @Test
  void inRealTimeAStepIsSentOnlyOnceTheWallClockReachesItsEnd() {
    try (Loadgen lg = loadgen(NOW)) {
      runner(lg, Runner.Pace.REAL_TIME, NOW.plus(Duration.ofMinutes(1)), false).run();
    }
    assertThat(sentAt).hasSize(6);
    for (int i = 0; i < 6; i++) {
      assertThat(sentAt.get(i)).isEqualTo(NOW.plus(STEP.multipliedBy(i + 1)));
    }
  }

  @Test
  void afterCatchingUpARunGoesOnInRealTime() {
    Runner runner;
    try (Loadgen lg = loadgen(NOW.minus(Duration.ofMinutes(1)))) {
      runner = runner(lg, Runner.Pace.FAST, NOW.plus(Duration.ofMinutes(1)), true);
      runner.run();
    }
    assertThat(sentAt).hasSize(12);
    assertThat(sentAt.subList(0, 6)).as("the past, at once").containsOnly(NOW);
    assertThat(sentAt.get(11)).isEqualTo(NOW.plus(Duration.ofMinutes(1)));
    assertThat(runner.pace()).isEqualTo(Runner.Pace.REAL_TIME);
  }

  @Test
  void atASpeedFactorEventTimeRunsThatMuchFasterThanTheWallClock() {
    try (Loadgen lg = loadgen(NOW.minus(Duration.ofHours(2)))) {
      runner(lg, Runner.Pace.SPEED, NOW.minus(Duration.ofHours(1)), false).run();
    }
    assertThat(sentAt).hasSize(360);
    assertThat(sentAt.get(359))
        .as("an hour at 60x takes a minute")
        .isEqualTo(NOW.plus(Duration.ofMinutes(1)));
  }
}
