package dev.vitals.streams.slo;

import java.util.Locale;

/** How numbers read in reasons and annotations. */
final class SloText {

  private SloText() {}

  /** {@code 14.4×}, {@code 0.52×}. */
  static String rate(double r) {
    return (r >= 10 ? String.format(Locale.ROOT, "%.1f", r) : String.format(Locale.ROOT, "%.2f", r))
            .replaceAll("\\.?0+$", "")
        + "×";
  }

  /** {@code 99.9%}. */
  static String percent(double ratio) {
    return String.format(Locale.ROOT, "%.4f", ratio * 100).replaceAll("\\.?0+$", "") + "%";
  }

  /** {@code 0.734s}. */
  static String seconds(double s) {
    return String.format(Locale.ROOT, "%.3fs", s);
  }
}
