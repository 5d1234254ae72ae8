package dev.vitals.streams.window;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EventClockTest {

  private static final long IDLE_AFTER = 30_000;
  private static final int METRICS = dev.vitals.schemas.Signal.METRICS.ordinal();
  private static final int SPANS = dev.vitals.schemas.Signal.TRACES.ordinal();

  @Test
  void aSignalReadBehindTheOthersHoldsTheClockBackUntilItStopsSending() {
    EventClock clock = new EventClock(IDLE_AFTER);
    clock.observe(SPANS, 100_000, 1_000_000);
    // The metrics partition's fetch came first: ten minutes of event time ahead of the spans.
    clock.observe(METRICS, 700_000, 1_000_100);

    assertThat(clock.now(1_000_200)).isEqualTo(100_000);
    clock.observe(SPANS, 650_000, 1_000_300);
    assertThat(clock.now(1_000_300)).isEqualTo(650_000);
    // Spans stop: after idleAfter they no longer hold the clock, the metrics still arriving do.
    clock.observe(METRICS, 760_000, 1_020_000);
    clock.observe(METRICS, 790_000, 1_031_000);
    assertThat(clock.now(1_031_000)).isEqualTo(790_000);
  }

  @Test
  void followsEventTimeWhileRecordsArrive() {
    EventClock clock = new EventClock(IDLE_AFTER);
    clock.observe(SPANS, 1_000, 50_000);
    clock.observe(SPANS, 9_000, 60_000);

    assertThat(clock.now(60_000)).isEqualTo(9_000);
    assertThat(clock.now(89_999)).as("not idle yet").isEqualTo(9_000);
  }

  @Test
  void runsOnInWallClockTimeOnceIdle() {
    EventClock clock = new EventClock(IDLE_AFTER);
    clock.observe(SPANS, 1_000, 50_000);

    assertThat(clock.now(80_000))
        .as("idle: the watermark plus the wall time since it moved")
        .isEqualTo(31_000);
  }

  @Test
  void aRecordWithoutNewEventTimeStillKeepsThePartitionBusy() {
    EventClock clock = new EventClock(IDLE_AFTER);
    clock.observe(SPANS, 1_000, 1_000);
    clock.input(25_000);

    assertThat(clock.now(50_000)).isEqualTo(1_000);
    assertThat(clock.now(55_000)).isEqualTo(55_000);
  }

  @Test
  void anOlderEventDoesNotMoveTheWatermarkNorRestartTheWallClock() {
    EventClock clock = new EventClock(IDLE_AFTER);
    clock.observe(SPANS, 1_000, 1_000);
    clock.observe(SPANS, 900, 30_000);

    assertThat(clock.now(60_000)).isEqualTo(60_000);
    assertThat(clock.maxEventMs()).isEqualTo(1_000);
  }

  @Test
  void aBacklogReadFasterThanRealTimeIsWindowedByEventTimeAlone() {
    EventClock clock = new EventClock(IDLE_AFTER);
    long wall = 7 * 86_400_000L;
    for (long event = 0; event < 3_600_000; event += 1_000) {
      clock.observe(SPANS, event, wall);
      wall += 5;
      assertThat(clock.now(wall)).isEqualTo(event);
    }
  }

  @Test
  void anEventAheadOfTheWallClockMovesTheWatermarkOnlyToTheWallClock() {
    EventClock clock = new EventClock(IDLE_AFTER);
    clock.observe(SPANS, 1_000_000, 1_000_000);
    clock.observe(SPANS, 1_000_000 + 7_200_000, 1_000_100);

    assertThat(clock.now(1_000_100)).isEqualTo(1_000_100);
  }

  @Test
  void aRestartedTaskWaitsForItsBacklogBeforeTheWallClockCounts() {
    EventClock clock = new EventClock(IDLE_AFTER);
    clock.observe(SPANS, 1_000, 1_000);
    clock.nextOpenMs(0);

    EventClock restarted = EventClock.decode(clock.encode(), IDLE_AFTER);

    assertThat(restarted.now(3_600_000)).as("first reading after the restart").isEqualTo(1_000);
    restarted.observe(SPANS, 2_000, 3_601_000);
    assertThat(restarted.now(3_620_000)).as("backlog arriving: event time").isEqualTo(2_000);
  }

  @Test
  void aRestartedTaskThatStaysIdleCountsTheDowntimeAsTheWallClockSays() {
    EventClock clock = new EventClock(IDLE_AFTER);
    clock.observe(SPANS, 1_000, 1_000);
    clock.nextOpenMs(0);

    EventClock restarted = EventClock.decode(clock.encode(), IDLE_AFTER);
    restarted.now(3_600_000);

    assertThat(restarted.now(3_630_000)).isEqualTo(3_630_000);
  }

  @Test
  void aStoredClockAheadOfTheWallClockIsTakenBack() {
    EventClock clock = new EventClock(IDLE_AFTER);
    clock.observe(SPANS, 90_000_000, 90_000_000);
    clock.nextOpenMs(90_000_000);

    assertThat(clock.pullBackTo(1_000_000, 60_000)).isTrue();
    assertThat(clock.nextOpenMs()).isEqualTo(960_000);
    assertThat(clock.maxEventMs()).isEqualTo(1_000_000);
    assertThat(clock.pullBackTo(1_000_000, 60_000)).isFalse();
  }

  @Test
  void survivesItsEncoding() {
    EventClock clock = new EventClock(IDLE_AFTER);
    clock.observe(SPANS, 1_000, 10);
    clock.nextOpenMs(0);

    EventClock read = EventClock.decode(clock.encode(), IDLE_AFTER);

    assertThat(read.now(20)).isEqualTo(10);
    assertThat(read.nextOpenMs()).isZero();
    assertThat(read.initialised()).isTrue();
    assertThat(EventClock.decode(null, IDLE_AFTER).initialised()).isFalse();
  }
}
