package dev.vitals.bench.faults;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * Polls a condition until it holds or a deadline passes, and turns the outcome into a {@link Check}
 * that says how long it took and, when it did not hold at once, what was wrong at first. The
 * condition answers what is still wrong, or an empty string; an exception counts as wrong.
 */
final class Awaiting {

  private static final long POLL_MS = 1000;

  private Awaiting() {}

  static Check check(
      String fault, String name, Duration deadline, Supplier<String> problem, Supplier<String> ok) {
    long started = System.nanoTime();
    long end = started + deadline.toNanos();
    String firstProblem = null;
    while (true) {
      String last;
      try {
        last = problem.get();
      } catch (RuntimeException e) {
        last = e.getMessage() == null ? e.toString() : e.getMessage();
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      if (last.isEmpty()) {
        String waited = firstProblem == null ? "" : " (at first: " + firstProblem + ")";
        return new Check(fault, name, true, seconds, ok.get() + waited);
      }
      firstProblem = firstProblem == null ? last : firstProblem;
      if (System.nanoTime() > end || Thread.currentThread().isInterrupted()) {
        return new Check(fault, name, false, seconds, last);
      }
      Pause.millis(POLL_MS);
    }
  }

  /** Seconds until {@code problem} answers empty, or -1 after the deadline. */
  static double seconds(Duration deadline, Supplier<String> problem) {
    Check c = check("", "", deadline, problem, () -> "");
    return c.passed() ? c.seconds() : -1;
  }
}
