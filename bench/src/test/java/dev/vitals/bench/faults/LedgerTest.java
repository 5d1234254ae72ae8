package dev.vitals.bench.faults;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LedgerTest {

  private final Ledger ledger = new Ledger();

  @Test
  void longestGapRunsFromTheFaultToTheFirstAcknowledgementAfterIt() {
    ledger.record(attempt(0, 1_000, 10, 200));
    ledger.record(attempt(0, 2_000, 5_000, 503)); // refused, answered at 7,000
    ledger.record(attempt(0, 8_000, 500, 200)); // acknowledged at 8,500
    ledger.record(attempt(0, 9_000, 100, 200));

    assertThat(ledger.longestGapMs(2_000, 9_500, 1)).isEqualTo(6_500);
  }

  @Test
  void aSenderWithoutAnyAcknowledgementWasBlindTheWholeTime() {
    ledger.record(attempt(0, 1_000, 10, 200));
    ledger.record(attempt(1, 1_500, 5_000, 503));

    assertThat(ledger.longestGapMs(1_000, 11_000, 2)).isEqualTo(10_000);
  }

  @Test
  void theSlowestAnswerShowsAHungRequest() {
    ledger.record(attempt(0, 1_000, 10, 200));
    ledger.record(attempt(1, 1_500, 15_000, Attempt.NO_ANSWER));

    assertThat(ledger.slowestAnswerMs(0, 2_000)).isEqualTo(15_000);
  }

  private Attempt attempt(int sender, long sentAtMs, long latencyMs, int status) {
    return new Attempt(
        ledger.nextId(), sender, 0, sentAtMs, 10, 0, sentAtMs, latencyMs, status, false, null);
  }
}
