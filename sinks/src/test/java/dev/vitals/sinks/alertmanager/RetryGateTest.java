package dev.vitals.sinks.alertmanager;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.common.retry.Backoff;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RetryGateTest {

  private static final Duration MIN = Duration.ofSeconds(1);
  private static final Duration MAX = Duration.ofSeconds(30);

  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

  private RetryGate gate(double random) {
    return new RetryGate(new Backoff(MIN, MAX, Clock.systemUTC(), () -> random), nanos::get);
  }

  private void advance(Duration d) {
    nanos.addAndGet(d.toNanos());
  }

  @Test
  void theFirstRetryWaitsTheWholeMinimumBackoffWhateverTheJitter() {
    for (double random : new double[] {0.0, 0.5, 0.999999}) {
      RetryGate gate = gate(random);
      assertThat(gate.open()).isTrue();

      assertThat(gate.failed(null)).isEqualTo(MIN);
      advance(MIN.minusMillis(1));
      assertThat(gate.open()).as("random %s, 1 ms before the minimum", random).isFalse();
      advance(Duration.ofMillis(1));
      assertThat(gate.open()).isTrue();
    }
  }

  @Test
  void consecutiveFailuresDoubleTheCeilingAndASuccessStartsOver() {
    RetryGate gate = gate(0.999999);
    assertThat(gate.failed(null)).isEqualTo(MIN);
    assertThat(gate.failed(null).toMillis()).isBetween(1990L, 2000L);
    assertThat(gate.failed(null).toMillis()).isBetween(3990L, 4000L);

    gate.succeeded();

    assertThat(gate.failed(null)).isEqualTo(MIN);
  }

  @Test
  void retryAfterIsWaitedExactlyUpToTheMaximum() {
    RetryGate gate = gate(0.0);
    assertThat(gate.failed(Duration.ofSeconds(5))).isEqualTo(Duration.ofSeconds(5));
    advance(Duration.ofMillis(4_999));
    assertThat(gate.open()).isFalse();
    advance(Duration.ofMillis(1));
    assertThat(gate.open()).isTrue();

    assertThat(gate.failed(Duration.ofHours(1))).isEqualTo(MAX);
  }
}
