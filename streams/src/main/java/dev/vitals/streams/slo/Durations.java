package dev.vitals.streams.slo;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as the SLO file writes them: {@code 300ms}, {@code 10s}, {@code 5m}, {@code 1h}, {@code
 * 30d}.
 */
final class Durations {

  private static final Pattern TEXT = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(ms|s|m|h|d)");

  private Durations() {}

  /**
   * Parses a duration; a bare number is seconds.
   *
   * @throws IllegalArgumentException naming the text and the expected form
   */
  static Duration parse(String text) {
    String t = text.trim();
    Matcher m = TEXT.matcher(t);
    double amount;
    String unit;
    if (m.matches()) {
      amount = Double.parseDouble(m.group(1));
      unit = m.group(2);
    } else if (t.matches("[0-9]+(\\.[0-9]+)?")) {
      amount = Double.parseDouble(t);
      unit = "s";
    } else {
      throw new IllegalArgumentException(
          "\"" + text + "\" (expected: a number and a unit, e.g. 300ms, 10s, 5m, 1h, 30d)");
    }
    return Duration.ofNanos(Math.round(amount * unitNanos(unit)));
  }

  /** The short form used in record fields and labels: {@code 5m}, {@code 1h}, {@code 3d}. */
  static String format(Duration d) {
    long s = d.getSeconds();
    if (d.getNano() != 0 || s == 0) {
      return d.toMillis() + "ms";
    }
    if (s % 86_400 == 0) {
      return s / 86_400 + "d";
    }
    if (s % 3600 == 0) {
      return s / 3600 + "h";
    }
    if (s % 60 == 0) {
      return s / 60 + "m";
    }
    return s + "s";
  }

  private static double unitNanos(String unit) {
    switch (unit) {
      case "ms":
        return 1e6;
      case "s":
        return 1e9;
      case "m":
        return 60e9;
      case "h":
        return 3600e9;
      default:
        return 86_400e9;
    }
  }
}
