package dev.vitals.sinks.influx;

import dev.vitals.sinks.series.SeriesSample;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * InfluxDB line protocol: {@code measurement[,tag=value…] value=<float> <timestamp>}, tags sorted
 * by key and empty ones left out, names escaped as the protocol requires.
 */
final class LineProtocol {

  private final TimeUnit precision;

  LineProtocol(TimeUnit precision) {
    this.precision = precision;
  }

  /**
   * The precision a write URL asks for in its {@code precision} query parameter: {@code ns}
   * (default), {@code us}/{@code u}/{@code µ}, {@code ms}, {@code s}, {@code m}, {@code h}.
   */
  static TimeUnit precision(String query) {
    if (query != null) {
      for (String pair : query.split("&", -1)) {
        if (pair.startsWith("precision=")) {
          return unit(pair.substring("precision=".length()));
        }
      }
    }
    return TimeUnit.NANOSECONDS;
  }

  private static TimeUnit unit(String p) {
    switch (p.toLowerCase(Locale.ROOT)) {
      case "ns":
        return TimeUnit.NANOSECONDS;
      case "us":
      case "u":
      case "µ":
        return TimeUnit.MICROSECONDS;
      case "ms":
        return TimeUnit.MILLISECONDS;
      case "s":
        return TimeUnit.SECONDS;
      case "m":
        return TimeUnit.MINUTES;
      case "h":
        return TimeUnit.HOURS;
      default:
        throw new IllegalArgumentException(
            "precision: " + p + " (expected: ns, us, u, µ, ms, s, m or h)");
    }
  }

  /**
   * Appends one line, or nothing for a value line protocol cannot carry (NaN, infinity, a native
   * histogram: Influx destinations get classic buckets).
   */
  void append(StringBuilder out, SeriesSample sample) {
    if (!Double.isFinite(sample.value()) || sample.type() == SeriesSample.Type.HISTOGRAM) {
      return;
    }
    escapeMeasurement(out, sample.name());
    for (Map.Entry<String, String> tag : sample.labels().entrySet()) {
      if (!tag.getKey().isEmpty() && !tag.getValue().isEmpty()) {
        out.append(',');
        escapeKey(out, tag.getKey());
        out.append('=');
        escapeKey(out, tag.getValue());
      }
    }
    out.append(" value=").append(sample.value()).append(' ');
    out.append(precision.convert(sample.timestampMs(), TimeUnit.MILLISECONDS)).append('\n');
  }

  /** Measurement: comma and space are escaped. */
  static void escapeMeasurement(StringBuilder out, String s) {
    escape(out, s, false);
  }

  /** Tag key, tag value, field key: comma, equals sign and space are escaped. */
  static void escapeKey(StringBuilder out, String s) {
    escape(out, s, true);
  }

  private static void escape(StringBuilder out, String s, boolean equals) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\n' || c == '\r') {
        out.append("\\ "); // a newline ends a point and cannot be escaped: it becomes a space
      } else if (c == '\\') {
        // literal unless it would escape what follows: then it is escaped itself
        boolean ambiguous = i + 1 == s.length() || special(s.charAt(i + 1), equals);
        out.append(ambiguous ? "\\\\" : "\\");
      } else {
        if (c == ',' || c == ' ' || (equals && c == '=')) {
          out.append('\\');
        }
        out.append(c);
      }
    }
  }

  private static boolean special(char c, boolean equals) {
    return c == ',' || c == ' ' || c == '\\' || c == '\n' || c == '\r' || (equals && c == '=');
  }
}
