package dev.vitals.app.loadgen;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write them: {@code 500ms}, {@code 90s}, {@code 10m}, {@code 1h30m}, {@code
 * 3d}, optionally signed ({@code -3d}); ISO-8601 ({@code PT10M}) is accepted too.
 */
final class Durations {

  static final String EXPECTED = "expected: a duration such as 90s, 10m, 1h30m, 3d";

  private static final Pattern WHOLE = Pattern.compile("([+-]?)((?:\\d+(?:ms|s|m|h|d))+)");
  private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");

  private Durations() {}

  /** The duration, or empty when the text is not one. */
  static Optional<Duration> parse(String text) {
    String t = text.strip();
    Matcher whole = WHOLE.matcher(t);
    if (!whole.matches()) {
      return iso(t);
    }
    Duration total = Duration.ZERO;
    Matcher part = PART.matcher(whole.group(2));
    try {
      while (part.find()) {
        total = total.plus(unit(part.group(2)).multipliedBy(Long.parseLong(part.group(1))));
      }
    } catch (ArithmeticException | NumberFormatException e) {
      return Optional.empty();
    }
    return Optional.of(whole.group(1).equals("-") ? total.negated() : total);
  }

  /** The shortest of the forms {@link #parse} reads: {@code 1h30m}, {@code 250ms}, {@code 0s}. */
  static String format(Duration d) {
    if (d.isZero()) {
      return "0s";
    }
    StringBuilder out = new StringBuilder(d.isNegative() ? "-" : "");
    Duration rest = d.abs();
    long[] amounts = {
      rest.toDays(), rest.toHoursPart(), rest.toMinutesPart(), rest.toSecondsPart()
    };
    String[] units = {"d", "h", "m", "s"};
    for (int i = 0; i < amounts.length; i++) {
      if (amounts[i] > 0) {
        out.append(amounts[i]).append(units[i]);
      }
    }
    if (rest.toMillisPart() > 0) {
      out.append(rest.toMillisPart()).append("ms");
    }
    return out.toString();
  }

  private static Duration unit(String unit) {
    switch (unit) {
      case "ms":
        return Duration.ofMillis(1);
      case "s":
        return Duration.ofSeconds(1);
      case "m":
        return Duration.ofMinutes(1);
      case "h":
        return Duration.ofHours(1);
      default:
        return Duration.ofDays(1);
    }
  }

  private static Optional<Duration> iso(String text) {
    try {
      return Optional.of(Duration.parse(text));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }
}
