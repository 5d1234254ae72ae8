package dev.vitals.bench.faults;

import java.util.ArrayList;
import java.util.List;

/** What the load client saw of a fault, from the ledger. */
final class ClientChecks {

  private static final long HANG_SLACK_MS = 3000;

  private final Ledger ledger;
  private final Settings settings;
  private final Journal journal;

  ClientChecks(Ledger ledger, Settings settings, Journal journal) {
    this.ledger = ledger;
    this.settings = settings;
    this.journal = journal;
  }

  /**
   * Measures the longest time a sender went without an acknowledgement, refusals, slowest answer.
   */
  void measure(String fault, long fromMs, long toMs) {
    List<Attempt> sent = ledger.sentBetween(fromMs, toMs);
    long refused = sent.stream().filter(a -> !a.acknowledged()).count();
    journal.measure(
        fault,
        "longest time a client went without an acknowledgement",
        ledger.longestGapMs(fromMs, toMs, settings.senders()) / 1000.0,
        "s");
    journal.measure(fault, "requests not acknowledged", (double) refused, "of " + sent.size());
    journal.measure(fault, "slowest answer", ledger.slowestAnswerMs(fromMs, toMs) / 1000.0, "s");
  }

  /** When the first request sent after {@code fromMs} was acknowledged; -1 when none yet. */
  long firstAckAfter(long fromMs) {
    return ledger.sentBetween(fromMs, Long.MAX_VALUE).stream()
        .filter(Attempt::acknowledged)
        .mapToLong(Attempt::answeredAtMs)
        .min()
        .orElse(-1);
  }

  /**
   * From {@code fromMs} (Kafka gone) to {@code toMs} (the first acknowledgement after its return)
   * ingest answered every request within {@code kafkaTimeout} + 3 s, and every refusal was a
   * retryable 503 carrying {@code Retry-After}: it never hung.
   */
  Check outageAnswers(String fault, long fromMs, long toMs) {
    long limit = settings.kafkaTimeout().toMillis() + HANG_SLACK_MS;
    List<Attempt> during = ledger.sentBetween(fromMs, toMs);
    List<String> wrong = new ArrayList<>();
    for (Attempt a : during) {
      boolean refusedRight = a.status() == 503 && a.retryAfter();
      if (!(a.acknowledged() || refusedRight) || a.latencyMs() > limit) {
        wrong.add(
            "request "
                + a.id()
                + ": "
                + (a.failure() != null ? a.failure() : a.status())
                + (a.retryAfter() ? " with" : " without")
                + " Retry-After after "
                + a.latencyMs()
                + " ms");
      }
    }
    long refused = during.stream().filter(a -> !a.acknowledged()).count();
    long slowest = during.stream().mapToLong(Attempt::latencyMs).max().orElse(0);
    String detail =
        wrong.isEmpty()
            ? during.size()
                + " requests from the outage to the first acknowledgement after it: "
                + refused
                + " answered 503 with Retry-After, the others 200; slowest answer "
                + slowest
                + " ms"
            : "wrong answers of " + during.size() + " requests " + Fetch.first(wrong);
    return new Check(
        fault,
        "ingest answers 503 + Retry-After, never hangs",
        refused > 0 && wrong.isEmpty(),
        0,
        detail);
  }
}
