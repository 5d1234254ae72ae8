package dev.vitals.common.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Random;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;

class BackoffTest {

  private static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  private static Backoff backoff(DoubleSupplier random) {
    return new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10), CLOCK, random);
  }

  @Test
  void everyDelayLiesBetweenMinimumAndTheDoubledCeilingCappedAtMaximum() {
    Random random = new Random(42);
    Backoff backoff = backoff(random::nextDouble);
    for (int attempt = 0; attempt < 40; attempt++) {
      long ceiling = Math.min(10_000, 100L << Math.min(attempt, 30));
      for (int i = 0; i < 200; i++) {
        Duration d = backoff.delay(attempt, null);
        assertThat(d.toMillis()).as("attempt %s", attempt).isBetween(100L, ceiling);
      }
    }
  }

  @Test
  void jitterSpreadsDelaysOverTheWholeRange() {
    assertThat(backoff(() -> 0.0).delay(5, null)).isEqualTo(Duration.ofMillis(100));
    assertThat(backoff(() -> 0.999999).delay(5, null).toMillis()).isBetween(3190L, 3200L);
    assertThat(backoff(() -> 0.999999).delay(60, null).toMillis()).isBetween(9990L, 10_000L);
  }

  @Test
  void retryAfterIsHonouredExactlyWithinTheBounds() {
    Backoff backoff = backoff(() -> 0.5);
    assertThat(backoff.delay(0, Duration.ofSeconds(3))).isEqualTo(Duration.ofSeconds(3));
    assertThat(backoff.delay(9, Duration.ofSeconds(2))).isEqualTo(Duration.ofSeconds(2));
    assertThat(backoff.delay(0, Duration.ofHours(1))).isEqualTo(Duration.ofSeconds(10));
    assertThat(backoff.delay(0, Duration.ZERO)).isEqualTo(Duration.ofMillis(100));
  }

  @Test
  void theFirstRetryNeverWaitsLessThanTheMinimum() {
    assertThat(backoff(() -> 0.0).delay(0, null)).isEqualTo(Duration.ofMillis(100));
    assertThat(backoff(() -> 0.999999).delay(0, null)).isEqualTo(Duration.ofMillis(100));
  }

  @Test
  void retryAfterIsReadAsSecondsOrAsADateOnTheInjectedClock() {
    assertThat(Backoff.parseRetryAfter(" 7 ", NOW)).isEqualTo(Duration.ofSeconds(7));
    assertThat(Backoff.parseRetryAfter("-3", NOW)).isEqualTo(Duration.ZERO);
    assertThat(Backoff.parseRetryAfter("Mon, 07 Dec 2026 10:00:30 GMT", NOW))
        .isEqualTo(Duration.ofSeconds(30));
    assertThat(Backoff.parseRetryAfter("Mon, 07 Dec 2026 09:59:00 GMT", NOW))
        .isEqualTo(Duration.ZERO);
    assertThat(Backoff.parseRetryAfter("soon", NOW)).isNull();
  }

  @Test
  void boundsOutOfOrderAreRefused() {
    assertThatThrownBy(
            () -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), CLOCK, () -> 0.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("min: PT2S, max: PT1S");
  }
}
