package dev.vitals.streams.slo;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Settings of the SLO, health and alert topology. Everything but the file path, the URLs and the
 * store sizes can also be set in the SLO file, which wins; see {@link SloFile} for its format.
 *
 * @param sloFile the YAML SLO file, polled for changes every {@code reloadInterval}; null for
 *     defaults only
 * @param availabilityObjective objective of the default {@code availability} SLO (0.999)
 * @param latencyObjective objective of the default {@code latency} SLO (0.99)
 * @param latencyThreshold threshold of the default {@code latency} SLO (500ms)
 * @param period the error-budget period, whole hours (30d)
 * @param alertRules the multi-window, multi-burn-rate table ({@link AlertRule#DEFAULTS})
 * @param minEvents a rule fires only when both its windows hold at least this many events (10)
 * @param resolveAfter a firing alert resolves once its condition has been false this long (5m)
 * @param silentWindows consecutive silent windows that make a service SILENT and fire {@code
 *     VitalsServiceSilent} (2)
 * @param statusPageBaseUrl base of the status page links (http://localhost:8080)
 * @param runbookBaseUrl base of {@code runbook_url}; the alert name and {@code .md} are appended;
 *     empty (the default) for the runbooks the query server serves, {@code
 *     <statusPageBaseUrl>/runbooks}
 * @param reloadInterval how often the SLO file's modification time is checked (10s, wall clock)
 * @param correctionHorizon how long a window's contribution is kept so that a revision can replace
 *     it (2h); an older revision is added as if new
 * @param recentWindows service-level windows kept per service in the {@code windows-recent} store
 *     (180)
 */
public record SloSettings(
    Path sloFile,
    double availabilityObjective,
    double latencyObjective,
    Duration latencyThreshold,
    Duration period,
    List<AlertRule> alertRules,
    long minEvents,
    Duration resolveAfter,
    int silentWindows,
    String statusPageBaseUrl,
    String runbookBaseUrl,
    Duration reloadInterval,
    Duration correctionHorizon,
    int recentWindows) {

  /** The burn-rate windows kept for every SLO, shortest first. */
  public static final List<Duration> BURN_WINDOWS =
      List.of(
          Duration.ofMinutes(5),
          Duration.ofMinutes(30),
          Duration.ofHours(1),
          Duration.ofHours(2),
          Duration.ofHours(6),
          Duration.ofDays(1),
          Duration.ofDays(3));

  public static final double DEFAULT_AVAILABILITY_OBJECTIVE = 0.999;
  public static final double DEFAULT_LATENCY_OBJECTIVE = 0.99;
  public static final Duration DEFAULT_LATENCY_THRESHOLD = Duration.ofMillis(500);
  public static final Duration DEFAULT_PERIOD = Duration.ofDays(30);
  public static final long DEFAULT_MIN_EVENTS = 10;
  public static final Duration DEFAULT_RESOLVE_AFTER = Duration.ofMinutes(5);
  public static final int DEFAULT_SILENT_WINDOWS = 2;
  public static final String DEFAULT_STATUS_PAGE_BASE_URL = "http://localhost:8080";

  /** Where the query server serves the runbooks, under {@link #statusPageBaseUrl}. */
  public static final String RUNBOOKS_PATH = "/runbooks";

  public static final Duration DEFAULT_RELOAD_INTERVAL = Duration.ofSeconds(10);
  public static final Duration DEFAULT_CORRECTION_HORIZON = Duration.ofHours(2);
  public static final int DEFAULT_RECENT_WINDOWS = 180;

  public SloSettings {
    SloSpec.requireObjective(availabilityObjective, "availabilityObjective");
    SloSpec.requireObjective(latencyObjective, "latencyObjective");
    SloSpec.requirePositive(latencyThreshold, "latencyThreshold");
    SloSpec.requirePeriod(period, "period");
    alertRules = List.copyOf(requireNonNull(alertRules, "alertRules"));
    if (minEvents < 0) {
      throw new IllegalArgumentException("minEvents: " + minEvents + " (expected: >= 0)");
    }
    requireNonNull(resolveAfter, "resolveAfter");
    if (resolveAfter.isNegative()) {
      throw new IllegalArgumentException("resolveAfter: " + resolveAfter + " (expected: >= 0)");
    }
    if (silentWindows < 1) {
      throw new IllegalArgumentException("silentWindows: " + silentWindows + " (expected: >= 1)");
    }
    statusPageBaseUrl = trimSlash(requireNonNull(statusPageBaseUrl, "statusPageBaseUrl"));
    runbookBaseUrl = runbookBaseUrl == null ? "" : trimSlash(runbookBaseUrl.strip());
    SloSpec.requirePositive(reloadInterval, "reloadInterval");
    SloSpec.requirePositive(correctionHorizon, "correctionHorizon");
    if (recentWindows < 1) {
      throw new IllegalArgumentException("recentWindows: " + recentWindows + " (expected: >= 1)");
    }
  }

  /** The base of {@code runbook_url}: the configured one, else the query server's runbooks. */
  public String effectiveRunbookBaseUrl() {
    return runbookBaseUrl.isEmpty() ? statusPageBaseUrl + RUNBOOKS_PATH : runbookBaseUrl;
  }

  /** Defaults only, no SLO file. */
  public static SloSettings defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.sloFile = sloFile;
    b.availabilityObjective = availabilityObjective;
    b.latencyObjective = latencyObjective;
    b.latencyThreshold = latencyThreshold;
    b.period = period;
    b.alertRules = alertRules;
    b.minEvents = minEvents;
    b.resolveAfter = resolveAfter;
    b.silentWindows = silentWindows;
    b.statusPageBaseUrl = statusPageBaseUrl;
    b.runbookBaseUrl = runbookBaseUrl;
    b.reloadInterval = reloadInterval;
    b.correctionHorizon = correctionHorizon;
    b.recentWindows = recentWindows;
    return b;
  }

  private static String trimSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  /** Builds {@link SloSettings}; every setting starts at its {@code DEFAULT_*}. */
  public static final class Builder {
    private Path sloFile;
    private double availabilityObjective = DEFAULT_AVAILABILITY_OBJECTIVE;
    private double latencyObjective = DEFAULT_LATENCY_OBJECTIVE;
    private Duration latencyThreshold = DEFAULT_LATENCY_THRESHOLD;
    private Duration period = DEFAULT_PERIOD;
    private List<AlertRule> alertRules = AlertRule.DEFAULTS;
    private long minEvents = DEFAULT_MIN_EVENTS;
    private Duration resolveAfter = DEFAULT_RESOLVE_AFTER;
    private int silentWindows = DEFAULT_SILENT_WINDOWS;
    private String statusPageBaseUrl = DEFAULT_STATUS_PAGE_BASE_URL;
    private String runbookBaseUrl = "";
    private Duration reloadInterval = DEFAULT_RELOAD_INTERVAL;
    private Duration correctionHorizon = DEFAULT_CORRECTION_HORIZON;
    private int recentWindows = DEFAULT_RECENT_WINDOWS;

    private Builder() {}

    public Builder sloFile(Path v) {
      sloFile = v;
      return this;
    }

    public Builder availabilityObjective(double v) {
      availabilityObjective = v;
      return this;
    }

    public Builder latencyObjective(double v) {
      latencyObjective = v;
      return this;
    }

    public Builder latencyThreshold(Duration v) {
      latencyThreshold = v;
      return this;
    }

    public Builder period(Duration v) {
      period = v;
      return this;
    }

    public Builder minEvents(long v) {
      minEvents = v;
      return this;
    }

    public Builder resolveAfter(Duration v) {
      resolveAfter = v;
      return this;
    }

    public Builder silentWindows(int v) {
      silentWindows = v;
      return this;
    }

    public Builder statusPageBaseUrl(String v) {
      statusPageBaseUrl = v;
      return this;
    }

    public Builder runbookBaseUrl(String v) {
      runbookBaseUrl = v;
      return this;
    }

    public Builder reloadInterval(Duration v) {
      reloadInterval = v;
      return this;
    }

    public Builder recentWindows(int v) {
      recentWindows = v;
      return this;
    }

    public SloSettings build() {
      return new SloSettings(
          sloFile,
          availabilityObjective,
          latencyObjective,
          latencyThreshold,
          period,
          alertRules,
          minEvents,
          resolveAfter,
          silentWindows,
          statusPageBaseUrl,
          runbookBaseUrl,
          reloadInterval,
          correctionHorizon,
          recentWindows);
    }
  }
}
