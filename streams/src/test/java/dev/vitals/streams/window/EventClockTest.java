package dev.vitals.streams.window;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EventClockTest {

  @Test
  void followsEventTimeWhenDataRunsAheadOfTheWallClock() {
    EventClock clock = new EventClock();
    clock.observe(1_000, 50);
    clock.observe(9_000, 60);

    assertThat(clock.now(60)).isEqualTo(9_000);
  }

  @Test
  void runsOnInWallClockTimeWhileIdle() {
    EventClock clock = new EventClock();
    clock.observe(1_000, 50);

    assertThat(clock.now(5_050)).isEqualTo(6_000);
  }

  @Test
  void anOlderEventDoesNotMoveTheWatermarkNorRestartTheWallClock() {
    EventClock clock = new EventClock();
    clock.observe(1_000, 0);
    clock.observe(900, 30_000);

    assertThat(clock.now(60_000)).isEqualTo(61_000);
    assertThat(clock.maxEventMs()).isEqualTo(1_000);
  }

  @Test
  void followsABacklogReadSlowerThanRealTime() {
    EventClock clock = new EventClock();
    clock.observe(1_000, 0);
    clock.observe(2_000, 10_000);
    clock.observe(3_000, 20_000);

    assertThat(clock.now(20_000)).isEqualTo(3_000);
  }

  @Test
  void aRestartedTaskDoesNotCountTheDowntime() {
    EventClock clock = new EventClock();
    clock.observe(1_000, 0);
    clock.nextOpenMs(0);

    EventClock restarted = EventClock.decode(clock.encode());
    restarted.restart(3_600_000);

    assertThat(restarted.now(3_605_000)).isEqualTo(6_000);
  }

  @Test
  void survivesItsEncoding() {
    EventClock clock = new EventClock();
    clock.observe(1_000, 10);
    clock.nextOpenMs(0);

    EventClock read = EventClock.decode(clock.encode());

    assertThat(read.now(20)).isEqualTo(1_010);
    assertThat(read.nextOpenMs()).isZero();
    assertThat(read.initialised()).isTrue();
    assertThat(EventClock.decode(null).initialised()).isFalse();
  }
}
