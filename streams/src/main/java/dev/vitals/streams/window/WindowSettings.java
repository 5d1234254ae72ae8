package dev.vitals.streams.window;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How the service-window topology cuts time and bounds its state.
 *
 * @param windowSize length of the tumbling event-time windows
 * @param grace how long after its end a window still takes records before it closes
 * @param correctionHorizon how long after its end a closed window is kept and re-emitted with a
 *     higher revision when a late record arrives; later records are counted and dropped
 * @param forgetAfter a service (or series) that sent nothing for this long gets no more silent
 *     windows and is forgotten
 * @param maxFutureSkew records further ahead of the task's clock are dropped
 * @param firstPointMaxAge a first cumulative point whose start is at most this old counts from zero
 * @param punctuateInterval how often wall-clock time closes windows and emits corrections
 * @param idleAfter a partition without records for this long is idle: only then does wall-clock
 *     time move its clock (and close its windows); while records arrive, event time alone does
 * @param maxServicesPerTenant services tracked per tenant (per task); more go to {@code
 *     otel.metric.overflow}
 * @param maxOperationsPerService operations per service; more go to {@code otel.metric.overflow}
 * @param maxSeriesPerService cumulative series converted to deltas per service; more are dropped
 * @param maxSampleErrors error log messages kept per window
 * @param maxExemplars trace ids kept per window
 */
public record WindowSettings(
    Duration windowSize,
    Duration grace,
    Duration correctionHorizon,
    Duration forgetAfter,
    Duration maxFutureSkew,
    Duration firstPointMaxAge,
    Duration punctuateInterval,
    Duration idleAfter,
    int maxServicesPerTenant,
    int maxOperationsPerService,
    int maxSeriesPerService,
    int maxSampleErrors,
    int maxExemplars) {

  public static final Duration DEFAULT_WINDOW_SIZE = Duration.ofMinutes(1);
  public static final Duration DEFAULT_GRACE = Duration.ofSeconds(10);
  public static final Duration DEFAULT_CORRECTION_HORIZON = Duration.ofMinutes(10);
  public static final Duration DEFAULT_FORGET_AFTER = Duration.ofHours(24);
  public static final Duration DEFAULT_MAX_FUTURE_SKEW = Duration.ofHours(1);
  public static final Duration DEFAULT_FIRST_POINT_MAX_AGE = Duration.ofMinutes(10);
  public static final Duration DEFAULT_PUNCTUATE_INTERVAL = Duration.ofSeconds(1);
  public static final Duration DEFAULT_IDLE_AFTER = Duration.ofSeconds(30);
  public static final int DEFAULT_MAX_SERVICES_PER_TENANT = 1000;
  public static final int DEFAULT_MAX_OPERATIONS_PER_SERVICE = 100;
  public static final int DEFAULT_MAX_SERIES_PER_SERVICE = 10_000;
  public static final int DEFAULT_MAX_SAMPLE_ERRORS = 3;
  public static final int DEFAULT_MAX_EXEMPLARS = 3;

  public static final WindowSettings DEFAULTS = builder().build();

  public WindowSettings {
    positive("windowSize", windowSize);
    notNegative("grace", grace);
    notNegative("correctionHorizon", correctionHorizon);
    positive("forgetAfter", forgetAfter);
    positive("maxFutureSkew", maxFutureSkew);
    notNegative("firstPointMaxAge", firstPointMaxAge);
    positive("punctuateInterval", punctuateInterval);
    positive("idleAfter", idleAfter);
    if (windowSize.toMillis() < 1) {
      throw new IllegalArgumentException("windowSize: " + windowSize + " (expected: >= 1ms)");
    }
    atLeast("maxServicesPerTenant", maxServicesPerTenant, 1);
    atLeast("maxOperationsPerService", maxOperationsPerService, 0);
    atLeast("maxSeriesPerService", maxSeriesPerService, 0);
    atLeast("maxSampleErrors", maxSampleErrors, 0);
    atLeast("maxExemplars", maxExemplars, 0);
    if (correctionHorizon.compareTo(grace) < 0) {
      throw new IllegalArgumentException(
          "correctionHorizon: " + correctionHorizon + " (expected: >= grace " + grace + ")");
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from these settings. */
  public Builder toBuilder() {
    return new Builder()
        .windowSize(windowSize)
        .grace(grace)
        .correctionHorizon(correctionHorizon)
        .forgetAfter(forgetAfter)
        .maxFutureSkew(maxFutureSkew)
        .firstPointMaxAge(firstPointMaxAge)
        .punctuateInterval(punctuateInterval)
        .idleAfter(idleAfter)
        .maxServicesPerTenant(maxServicesPerTenant)
        .maxOperationsPerService(maxOperationsPerService)
        .maxSeriesPerService(maxSeriesPerService)
        .maxSampleErrors(maxSampleErrors)
        .maxExemplars(maxExemplars);
  }

  long windowMs() {
    return windowSize.toMillis();
  }

  private static void positive(String name, Duration d) {
    requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
    }
  }

  private static void notNegative(String name, Duration d) {
    requireNonNull(d, name);
    if (d.isNegative()) {
      throw new IllegalArgumentException(name + ": " + d + " (expected: >= 0)");
    }
  }

  private static void atLeast(String name, int value, int min) {
    if (value < min) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: >= " + min + ")");
    }
  }

  /** Builds {@link WindowSettings}; every setting starts at its {@code DEFAULT_*}. */
  public static final class Builder {
    private Duration windowSize = DEFAULT_WINDOW_SIZE;
    private Duration grace = DEFAULT_GRACE;
    private Duration correctionHorizon = DEFAULT_CORRECTION_HORIZON;
    private Duration forgetAfter = DEFAULT_FORGET_AFTER;
    private Duration maxFutureSkew = DEFAULT_MAX_FUTURE_SKEW;
    private Duration firstPointMaxAge = DEFAULT_FIRST_POINT_MAX_AGE;
    private Duration punctuateInterval = DEFAULT_PUNCTUATE_INTERVAL;
    private Duration idleAfter = DEFAULT_IDLE_AFTER;
    private int maxServicesPerTenant = DEFAULT_MAX_SERVICES_PER_TENANT;
    private int maxOperationsPerService = DEFAULT_MAX_OPERATIONS_PER_SERVICE;
    private int maxSeriesPerService = DEFAULT_MAX_SERIES_PER_SERVICE;
    private int maxSampleErrors = DEFAULT_MAX_SAMPLE_ERRORS;
    private int maxExemplars = DEFAULT_MAX_EXEMPLARS;

    private Builder() {}

    public Builder windowSize(Duration v) {
      windowSize = v;
      return this;
    }

    public Builder grace(Duration v) {
      grace = v;
      return this;
    }

    public Builder correctionHorizon(Duration v) {
      correctionHorizon = v;
      return this;
    }

    public Builder forgetAfter(Duration v) {
      forgetAfter = v;
      return this;
    }

    public Builder maxFutureSkew(Duration v) {
      maxFutureSkew = v;
      return this;
    }

    public Builder firstPointMaxAge(Duration v) {
      firstPointMaxAge = v;
      return this;
    }

    public Builder punctuateInterval(Duration v) {
      punctuateInterval = v;
      return this;
    }

    public Builder idleAfter(Duration v) {
      idleAfter = v;
      return this;
    }

    public Builder maxServicesPerTenant(int v) {
      maxServicesPerTenant = v;
      return this;
    }

    public Builder maxOperationsPerService(int v) {
      maxOperationsPerService = v;
      return this;
    }

    public Builder maxSeriesPerService(int v) {
      maxSeriesPerService = v;
      return this;
    }

    public Builder maxSampleErrors(int v) {
      maxSampleErrors = v;
      return this;
    }

    public Builder maxExemplars(int v) {
      maxExemplars = v;
      return this;
    }

    public WindowSettings build() {
      return new WindowSettings(
          windowSize,
          grace,
          correctionHorizon,
          forgetAfter,
          maxFutureSkew,
          firstPointMaxAge,
          punctuateInterval,
          idleAfter,
          maxServicesPerTenant,
          maxOperationsPerService,
          maxSeriesPerService,
          maxSampleErrors,
          maxExemplars);
    }
  }
}
