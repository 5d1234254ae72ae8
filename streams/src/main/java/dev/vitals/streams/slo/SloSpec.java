package dev.vitals.streams.slo;

import static java.util.Objects.requireNonNull;

import dev.vitals.common.config.Quantities;
import java.time.Duration;

/**
 * One SLO of one service.
 *
 * @param name the SLO's name, the {@code slo} field and label ({@code availability}, {@code
 *     latency})
 * @param kind what counts as a good event
 * @param objective the target share of good events, in (0, 1)
 * @param threshold for a latency SLO, the slowest good request; null for availability
 * @param period the error-budget period, whole hours
 */
record SloSpec(String name, Kind kind, double objective, Duration threshold, Duration period) {

  enum Kind {
    /** Good: requests that did not fail. */
    AVAILABILITY,
    /** Good: requests answered within the threshold. */
    LATENCY
  }

  SloSpec {
    requireNonNull(name, "name");
    requireNonNull(kind, "kind");
    if (!name.matches("[a-zA-Z0-9_.-]+")) {
      throw new IllegalArgumentException(
          "name: \"" + name + "\" (expected: letters, digits, '_', '.', '-')");
    }
    requireObjective(objective, "objective");
    if (kind == Kind.LATENCY) {
      requirePositive(threshold, "threshold");
    } else if (threshold != null) {
      throw new IllegalArgumentException(
          "threshold: " + threshold + " (expected: none for an availability SLO)");
    }
    requirePeriod(period, "period");
  }

  /** 1 − objective: the share of events allowed to be bad. */
  double budget() {
    return 1 - objective;
  }

  static void requireObjective(double objective, String name) {
    if (!(objective > 0 && objective < 1)) {
      throw new IllegalArgumentException(name + ": " + objective + " (expected: > 0 and < 1)");
    }
  }

  static void requirePositive(Duration d, String name) {
    requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
    }
  }

  static void requirePeriod(Duration d, String name) {
    requirePositive(d, name);
    if (d.toMinutes() % 60 != 0 || d.toNanos() % 60_000_000_000L != 0) {
      throw new IllegalArgumentException(
          name
              + ": "
              + Quantities.formatDuration(d)
              + " (expected: whole hours, e.g. 30d or 672h)");
    }
  }
}
