package dev.vitals.loadgen;

import static dev.vitals.loadgen.Baseline.check;
import static java.util.Objects.requireNonNull;

import dev.vitals.common.config.Quantities;
import java.time.Duration;
import java.util.Locale;

/**
 * Something that goes wrong with one service from {@code at} (after the start of the run) for
 * {@code duration}.
 *
 * @param errorRatio the share of 5xx answers during an {@code error_spike}, or the one a {@code
 *     slow_burn} climbs to; 0 for the other types
 * @param latencyFactor how much slower every route is during a {@code latency_regression}; 1 for
 *     the other types
 * @param ramp how long a {@code slow_burn} takes to climb from the baseline to its error ratio;
 *     zero for the other types
 */
public record Incident(
    Type type,
    String service,
    Duration at,
    Duration duration,
    double errorRatio,
    double latencyFactor,
    Duration ramp) {

  /** The kinds of incident, with the names a scenario file uses for them. */
  public enum Type {
    /** The service answers a share of its requests with 5xx. */
    ERROR_SPIKE,
    /** Every route of the service gets slower by a factor. */
    LATENCY_REGRESSION,
    /** The service sends nothing (it is down); it comes back as a restarted process. */
    SILENT,
    /** The error ratio climbs slowly to a level that burns the budget a few times too fast. */
    SLOW_BURN;

    /** The name in scenario files: {@code error_spike}, ... */
    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public Incident {
    requireNonNull(type, "type");
    requireNonNull(service, "service");
    requireNonNull(at, "at");
    requireNonNull(duration, "duration");
    requireNonNull(ramp, "ramp");
    check(!at.isNegative(), "at", Quantities.formatDurationMixed(at), ">= 0s");
    check(duration.toMillis() > 0, "duration", Quantities.formatDurationMixed(duration), "> 0s");
    check(errorRatio >= 0 && errorRatio <= 1, "errorRatio", errorRatio, "a ratio from 0 to 1");
    check(latencyFactor > 0 && latencyFactor <= 1000, "latencyFactor", latencyFactor, "0 to 1000");
    check(!ramp.isNegative(), "ramp", Quantities.formatDurationMixed(ramp), ">= 0s");
  }

  public static Incident errorSpike(String service, Duration at, Duration duration, double ratio) {
    return new Incident(Type.ERROR_SPIKE, service, at, duration, ratio, 1, Duration.ZERO);
  }

  public static Incident latencyRegression(
      String service, Duration at, Duration duration, double factor) {
    return new Incident(Type.LATENCY_REGRESSION, service, at, duration, 0, factor, Duration.ZERO);
  }

  public static Incident silent(String service, Duration at, Duration duration) {
    return new Incident(Type.SILENT, service, at, duration, 0, 1, Duration.ZERO);
  }

  public static Incident slowBurn(
      String service, Duration at, Duration duration, double ratio, Duration ramp) {
    return new Incident(Type.SLOW_BURN, service, at, duration, ratio, 1, ramp);
  }

  /** When the incident is over, as an offset from the start of the run. */
  public Duration end() {
    return at.plus(duration);
  }

  /** True when the incident is under way {@code offset} after the start of the run. */
  public boolean covers(Duration offset) {
    return offset.compareTo(at) >= 0 && offset.compareTo(end()) < 0;
  }

  /** The error ratio this incident imposes at {@code offset}, given the baseline's. */
  double errorRatioAt(Duration offset, double baseline) {
    if (type == Type.ERROR_SPIKE) {
      return errorRatio;
    }
    if (type != Type.SLOW_BURN || ramp.isZero() || offset.compareTo(at.plus(ramp)) >= 0) {
      return type == Type.SLOW_BURN ? errorRatio : baseline;
    }
    double progress = (double) offset.minus(at).toMillis() / ramp.toMillis();
    return baseline + (errorRatio - baseline) * progress;
  }
}
