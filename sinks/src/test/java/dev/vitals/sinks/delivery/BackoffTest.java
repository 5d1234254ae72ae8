package dev.vitals.sinks.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.sinks.SinkSettings.Delivery;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {

  private static final Delivery DELIVERY =
      new Delivery(Duration.ofMillis(100), Duration.ofSeconds(10));

  @Test
  void everyDelayLiesBetweenMinimumAndTheDoubledCeilingCappedAtMaximum() {
    Random random = new Random(42);
    Backoff backoff = new Backoff(DELIVERY, random::nextDouble);
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
    assertThat(new Backoff(DELIVERY, () -> 0.0).delay(5, null)).isEqualTo(Duration.ofMillis(100));
    assertThat(new Backoff(DELIVERY, () -> 0.999999).delay(5, null).toMillis())
        .isBetween(3190L, 3200L);
    assertThat(new Backoff(DELIVERY, () -> 0.999999).delay(60, null).toMillis())
        .isBetween(9990L, 10_000L);
  }

  @Test
  void retryAfterIsHonouredExactlyWithinTheBounds() {
    Backoff backoff = new Backoff(DELIVERY, () -> 0.5);
    assertThat(backoff.delay(0, Duration.ofSeconds(3))).isEqualTo(Duration.ofSeconds(3));
    assertThat(backoff.delay(9, Duration.ofSeconds(2))).isEqualTo(Duration.ofSeconds(2));
    assertThat(backoff.delay(0, Duration.ofHours(1))).isEqualTo(Duration.ofSeconds(10));
    assertThat(backoff.delay(0, Duration.ZERO)).isEqualTo(Duration.ofMillis(100));
  }
}
