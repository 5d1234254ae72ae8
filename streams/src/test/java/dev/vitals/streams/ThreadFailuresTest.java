package dev.vitals.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.Test;

class ThreadFailuresTest {

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final AtomicLong clock = new AtomicLong(1_000_000);
  private final ThreadFailures failures = new ThreadFailures(registry, clock::get);

  @Test
  void aThreadFailingInALoopIsCountedAndReportedForAMinuteAfterItsLastFailure() {
    assertThat(failures.recently()).isNull();

    for (int i = 0; i < 3; i++) {
      failures.failed(
          new StreamsException(
              "task 0_1 failed", new IllegalStateException("record timestamp refused")));
      clock.addAndGet(5_000);
    }

    assertThat(count()).isEqualTo(3);
    assertThat(failures.recently())
        .isEqualTo(
            "a stream thread failed 3 times in the last 60 s:"
                + " org.apache.kafka.streams.errors.StreamsException: task 0_1 failed"
                + " caused by java.lang.IllegalStateException: record timestamp refused");
    clock.addAndGet(50_000);
    assertThat(failures.recently()).startsWith("a stream thread failed once in the last 60 s");
    clock.addAndGet(5_000);
    assertThat(failures.recently()).as("60 s after the last failure").isNull();
    assertThat(count()).as("the counter keeps every failure").isEqualTo(3);
  }

  private double count() {
    return registry.scrape().stream()
        .filter(s -> s.getMetadata().getName().equals("vitals_streams_thread_failures"))
        .map(s -> ((CounterSnapshot) s).getDataPoints().get(0).getValue())
        .findFirst()
        .orElse(0.0);
  }
}
