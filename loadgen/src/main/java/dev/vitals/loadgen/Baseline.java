package dev.vitals.loadgen;

import static java.util.Objects.requireNonNull;

import dev.vitals.common.config.Quantities;
import java.time.Duration;

/**
 * How every service behaves when no incident touches it.
 *
 * @param rate requests per second of one service, on average (Poisson)
 * @param errorRatio the share of requests answered 5xx
 * @param latencyMedian the typical median latency of a route; each route draws its own median
 *     between half and twice this
 * @param latencySigma the spread of the lognormal latency (the standard deviation of its log)
 */
public record Baseline(
    double rate, double errorRatio, Duration latencyMedian, double latencySigma) {

  public static final Baseline DEFAULT = new Baseline(20, 0.0005, Duration.ofMillis(60), 0.5);

  public Baseline {
    requireNonNull(latencyMedian, "latencyMedian");
    check(rate >= 0 && rate <= 1_000_000, "rate", rate, "0 to 1000000 requests per second");
    check(errorRatio >= 0 && errorRatio <= 1, "errorRatio", errorRatio, "a ratio from 0 to 1");
    check(
        latencyMedian.toNanos() > 0 && latencyMedian.compareTo(Duration.ofMinutes(1)) <= 0,
        "latencyMedian",
        Quantities.formatDurationMixed(latencyMedian),
        "more than 0 and at most 1m");
    check(latencySigma >= 0 && latencySigma <= 3, "latencySigma", latencySigma, "0 to 3");
  }

  public Baseline withRate(double rate) {
    return new Baseline(rate, errorRatio, latencyMedian, latencySigma);
  }

  public Baseline withErrorRatio(double errorRatio) {
    return new Baseline(rate, errorRatio, latencyMedian, latencySigma);
  }

  static void check(boolean ok, String name, Object value, String expected) {
    if (!ok) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: " + expected + ")");
    }
  }
}
