package dev.vitals.common.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.DoublePredicate;

/**
 * The plain values of a configuration file, read from their text. Each function returns the value
 * or throws {@link IllegalArgumentException} with what is wrong and what was expected ({@code is
 * out of range (expected: an integer 1..64)}); {@link ConfigNode} puts the path and the quoted text
 * in front.
 */
final class Scalars {

  private Scalars() {}

  static boolean bool(String text) {
    String t = text.trim();
    if (t.equalsIgnoreCase("true") || t.equalsIgnoreCase("false")) {
      return Boolean.parseBoolean(t);
    }
    throw new IllegalArgumentException("is not a boolean (expected: true or false)");
  }

  /** A whole number in {@code min..max}; {@code 10.0} is 10. */
  static long integer(String text, long min, long max) {
    String expected =
        " (expected: an integer " + (max == Long.MAX_VALUE ? ">= " + min : min + ".." + max) + ")";
    long n;
    try {
      n = new BigDecimal(text.trim()).longValueExact();
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException("is not an integer" + expected, e);
    }
    if (n < min || n > max) {
      throw new IllegalArgumentException("is out of range" + expected);
    }
    return n;
  }

  static double number(String text, DoublePredicate ok, String expected) {
    double n;
    try {
      n = Double.parseDouble(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("is not a number (expected: " + expected + ")", e);
    }
    if (!ok.test(n)) {
      throw new IllegalArgumentException("is out of range (expected: " + expected + ")");
    }
    return n;
  }

  static long size(String text, long min, long max) {
    OptionalLong bytes = Quantities.parseSize(text);
    if (bytes.isEmpty()) {
      throw new IllegalArgumentException("is not a size (" + Quantities.EXPECTED_SIZE + ")");
    }
    if (bytes.getAsLong() < min || bytes.getAsLong() > max) {
      throw new IllegalArgumentException(
          "is out of range (expected: " + min + ".." + max + " bytes)");
    }
    return bytes.getAsLong();
  }

  /** A duration of 0 or more. */
  static Duration duration(String text) {
    Optional<Duration> d = Quantities.parseDuration(text);
    if (d.isEmpty()) {
      throw new IllegalArgumentException(
          "is not a duration (" + Quantities.EXPECTED_DURATION + ")");
    }
    if (d.get().isNegative()) {
      throw new IllegalArgumentException("is negative (expected: a duration of 0s or more)");
    }
    return d.get();
  }

  /** The constant named by the text, in any case. */
  static <E extends Enum<E>> E choice(String text, Class<E> type) {
    StringBuilder expected = new StringBuilder();
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(text.trim())) {
        return e;
      }
      expected.append(expected.length() == 0 ? "" : "|").append(e.name().toLowerCase(Locale.ROOT));
    }
    throw new IllegalArgumentException("is not one of " + expected);
  }
}
