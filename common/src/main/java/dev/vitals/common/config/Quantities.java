package dev.vitals.common.config;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations and sizes as people write them, the one grammar of every Vitals file and option.
 *
 * <p>A duration is, after trimming, one of:
 *
 * <ul>
 *   <li>one or more parts, each a number (fraction allowed) and a unit {@code ms}, {@code s},
 *       {@code m}, {@code h} or {@code d}, optionally with spaces between number and unit: {@code
 *       500ms}, {@code 1.5s}, {@code 10m}, {@code 1h30m}, {@code 30d}, {@code 5 s}; the parts add
 *       up;
 *   <li>a bare number, in seconds: {@code 30}, {@code 0.5};
 *   <li>ISO-8601: {@code PT10M}, {@code P1DT2H}.
 * </ul>
 *
 * Each may carry a sign ({@code -3d}); files that need a positive duration say so. Amounts are
 * exact to the nanosecond (rounded half up below it).
 *
 * <p>A size is a whole number of bytes with an optional unit, any case: {@code 1000000}, {@code
 * 512B}, {@code 64KiB}, {@code 64MiB}, {@code 1GiB}, {@code 5KB}, {@code 3MB}, {@code 1GB}.
 */
public final class Quantities {

  /** What an error says a duration looks like. */
  public static final String EXPECTED_DURATION =
      "expected: a duration such as 500ms, 90s, 10m, 1h30m, 30d";

  /** What an error says a size looks like. */
  public static final String EXPECTED_SIZE = "expected: a size such as 512B, 64KiB, 64MiB, 1GB";

  private static final String NUMBER = "\\d+(?:\\.\\d+)?";
  private static final String PART_TEXT = "(" + NUMBER + ")\\s*(ms|s|m|h|d)";
  private static final Pattern PARTS = Pattern.compile("([+-]?)((?:" + PART_TEXT + ")+)");
  private static final Pattern PART = Pattern.compile(PART_TEXT);
  private static final Pattern SECONDS = Pattern.compile("([+-]?)(" + NUMBER + ")");
  private static final Pattern ISO = Pattern.compile("[+-]?[Pp].*");
  private static final BigDecimal NANOS_PER_SECOND = BigDecimal.valueOf(1_000_000_000L);
  private static final Map<String, Long> UNIT_NANOS =
      Map.of(
          "ms", 1_000_000L,
          "s", 1_000_000_000L,
          "m", 60_000_000_000L,
          "h", 3_600_000_000_000L,
          "d", 86_400_000_000_000L);
  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([a-zA-Z]*)");
  private static final Map<String, Long> SIZE_UNITS =
      Map.of(
          "", 1L,
          "b", 1L,
          "kib", 1L << 10,
          "mib", 1L << 20,
          "gib", 1L << 30,
          "kb", 1_000L,
          "mb", 1_000_000L,
          "gb", 1_000_000_000L);

  private Quantities() {}

  /** The duration, or empty when the text is not one (or is beyond {@link Duration}'s range). */
  public static Optional<Duration> parseDuration(String text) {
    String t = text.strip();
    Matcher parts = PARTS.matcher(t);
    if (parts.matches()) {
      return sum(parts.group(1), PART.matcher(parts.group(2)));
    }
    Matcher seconds = SECONDS.matcher(t);
    if (seconds.matches()) {
      return exact(seconds.group(1), new BigDecimal(seconds.group(2)).multiply(NANOS_PER_SECOND));
    }
    return ISO.matcher(t).matches() ? iso(t) : Optional.empty();
  }

  /** Bytes, or empty when the text is not a size. */
  public static OptionalLong parseSize(String text) {
    Matcher m = SIZE.matcher(text.trim());
    if (!m.matches()) {
      return OptionalLong.empty();
    }
    Long unit = SIZE_UNITS.get(m.group(2).toLowerCase(Locale.ROOT));
    if (unit == null) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Math.multiplyExact(Long.parseLong(m.group(1)), unit));
    } catch (ArithmeticException | NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /**
   * The shortest exact spelling in one unit: {@code 0s}, {@code 1500ms}, {@code 90s}, {@code 5m},
   * {@code 3d}, {@code 0.25ms}. Record fields and alert labels use it, so it never changes.
   */
  public static String formatDuration(Duration d) {
    if (d.isNegative()) {
      return "-" + formatDuration(d.negated());
    }
    if (d.toNanosPart() % 1_000_000 != 0) {
      BigDecimal nanos = new BigDecimal(d.getSeconds()).multiply(NANOS_PER_SECOND);
      BigDecimal ms = nanos.add(BigDecimal.valueOf(d.getNano())).movePointLeft(6);
      return ms.stripTrailingZeros().toPlainString() + "ms";
    }
    long ms = d.toMillis();
    long[] units = {86_400_000, 3_600_000, 60_000, 1_000};
    String[] names = {"d", "h", "m", "s"};
    for (int i = 0; i < units.length; i++) {
      if (ms > 0 && ms % units[i] == 0) {
        return ms / units[i] + names[i];
      }
    }
    return ms == 0 ? "0s" : ms + "ms";
  }

  /** Mixed units, largest first, whole milliseconds: {@code 1h30m}, {@code 1s250ms}, {@code 0s}. */
  public static String formatDurationMixed(Duration d) {
    if (d.isZero()) {
      return "0s";
    }
    StringBuilder out = new StringBuilder(d.isNegative() ? "-" : "");
    Duration rest = d.abs();
    long[] amounts = {
      rest.toDays(),
      rest.toHoursPart(),
      rest.toMinutesPart(),
      rest.toSecondsPart(),
      rest.toMillisPart()
    };
    String[] units = {"d", "h", "m", "s", "ms"};
    for (int i = 0; i < amounts.length; i++) {
      if (amounts[i] > 0) {
        out.append(amounts[i]).append(units[i]);
      }
    }
    return out.toString();
  }

  /** The shortest exact spelling: {@code 64MiB}, {@code 1000000}. */
  public static String formatSize(long bytes) {
    long[] units = {1L << 30, 1L << 20, 1L << 10};
    String[] names = {"GiB", "MiB", "KiB"};
    for (int i = 0; i < units.length; i++) {
      if (bytes > 0 && bytes % units[i] == 0) {
        return bytes / units[i] + names[i];
      }
    }
    return Long.toString(bytes);
  }

  private static Optional<Duration> sum(String sign, Matcher part) {
    BigDecimal nanos = BigDecimal.ZERO;
    while (part.find()) {
      BigDecimal unit = BigDecimal.valueOf(UNIT_NANOS.get(part.group(2)));
      nanos = nanos.add(new BigDecimal(part.group(1)).multiply(unit));
    }
    return exact(sign, nanos);
  }

  private static Optional<Duration> exact(String sign, BigDecimal nanos) {
    BigDecimal[] split =
        nanos.setScale(0, RoundingMode.HALF_UP).divideAndRemainder(NANOS_PER_SECOND);
    try {
      Duration d = Duration.ofSeconds(split[0].longValueExact(), split[1].longValueExact());
      return Optional.of(sign.equals("-") ? d.negated() : d);
    } catch (ArithmeticException e) {
      return Optional.empty();
    }
  }

  private static Optional<Duration> iso(String text) {
    try {
      return Optional.of(Duration.parse(text));
    } catch (DateTimeParseException | ArithmeticException e) {
      return Optional.empty();
    }
  }
}
