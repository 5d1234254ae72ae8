package dev.vitals.streams.slo;

import static java.util.Objects.requireNonNull;

import dev.vitals.common.config.Quantities;
import java.time.Duration;
import java.util.List;

/**
 * One row of the multi-window, multi-burn-rate table: fires when the burn rate over {@code
 * longWindow} AND over {@code shortWindow} both exceed {@code factor}.
 *
 * @param severity {@code page} or {@code ticket}; rows of one severity are combined with OR and
 *     raise one alert per SLO
 * @param longWindow one of {@link SloSettings#BURN_WINDOWS}
 * @param shortWindow one of {@link SloSettings#BURN_WINDOWS}, shorter than the long window
 * @param factor the burn rate both windows must exceed (error ratio ÷ (1 − objective))
 */
public record AlertRule(String severity, Duration longWindow, Duration shortWindow, double factor) {

  /** The SRE Workbook's table plus Sloth's 1d/2h row, for a 30-day period. */
  public static final List<AlertRule> DEFAULTS =
      List.of(
          new AlertRule("page", Duration.ofHours(1), Duration.ofMinutes(5), 14.4),
          new AlertRule("page", Duration.ofHours(6), Duration.ofMinutes(30), 6),
          new AlertRule("ticket", Duration.ofDays(1), Duration.ofHours(2), 3),
          new AlertRule("ticket", Duration.ofDays(3), Duration.ofHours(6), 1));

  public AlertRule {
    requireNonNull(severity, "severity");
    requireNonNull(longWindow, "longWindow");
    requireNonNull(shortWindow, "shortWindow");
    if (!severity.matches("[a-z][a-z0-9_]*")) {
      throw new IllegalArgumentException(
          "severity: \"" + severity + "\" (expected: lower-case word, e.g. page or ticket)");
    }
    requireWindow(longWindow, "longWindow");
    requireWindow(shortWindow, "shortWindow");
    if (shortWindow.compareTo(longWindow) >= 0) {
      throw new IllegalArgumentException(
          "shortWindow: "
              + Quantities.formatDuration(shortWindow)
              + " (expected: shorter than longWindow "
              + Quantities.formatDuration(longWindow)
              + ")");
    }
    if (!(factor > 0) || Double.isInfinite(factor)) {
      throw new IllegalArgumentException("factor: " + factor + " (expected: > 0)");
    }
  }

  private static void requireWindow(Duration window, String name) {
    if (!SloSettings.BURN_WINDOWS.contains(window)) {
      throw new IllegalArgumentException(
          name
              + ": "
              + Quantities.formatDuration(window)
              + " (expected: one of 5m, 30m, 1h, 2h, 6h, 1d, 3d)");
    }
  }

  /** True for rules of severity {@code page}: they wake someone up, and fire without history. */
  public boolean isPage() {
    return severity.equals("page");
  }
}
