package dev.vitals.bench.faults;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the load client sent and how each request was answered: the truth every exactness check
 * compares against. Only requests answered 200 count as acknowledged.
 */
final class Ledger {

  private final AtomicLong ids = new AtomicLong(1);
  private final List<Attempt> attempts = new ArrayList<>();

  long nextId() {
    return ids.getAndIncrement();
  }

  synchronized void record(Attempt a) {
    attempts.add(a);
  }

  synchronized List<Attempt> snapshot() {
    return List.copyOf(attempts);
  }

  /** Requests sent at or after {@code fromMs} and before {@code toMs}. */
  synchronized List<Attempt> sentBetween(long fromMs, long toMs) {
    return attempts.stream().filter(a -> a.sentAtMs() >= fromMs && a.sentAtMs() < toMs).toList();
  }

  /**
   * The longest time any one sender went without an acknowledgement between {@code fromMs} and
   * {@code toMs}: how long the clients saw the fault.
   */
  long longestGapMs(long fromMs, long toMs, int senders) {
    List<Attempt> sent = sentBetween(fromMs - 60_000, toMs);
    long worst = 0;
    for (int s = 0; s < senders; s++) {
      long last = fromMs;
      for (Attempt a : sent) {
        long at = a.answeredAtMs();
        if (a.sender() == s && a.acknowledged() && at >= fromMs && at <= toMs) {
          worst = Math.max(worst, at - last);
          last = at;
        }
      }
      worst = Math.max(worst, toMs - last);
    }
    return worst;
  }

  /** The slowest answer of a request sent between the two times (a hung request shows here). */
  long slowestAnswerMs(long fromMs, long toMs) {
    return sentBetween(fromMs, toMs).stream().mapToLong(Attempt::latencyMs).max().orElse(0);
  }
}
