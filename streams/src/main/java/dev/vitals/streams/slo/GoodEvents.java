package dev.vitals.streams.slo;

import dev.vitals.schemas.signals.ServiceWindow;

/** Good and total events of one window under one SLO. */
final class GoodEvents {

  private GoodEvents() {}

  /** {@code {good, total}}. */
  static long[] of(ServiceWindow w, SloSpec spec) {
    if (spec.kind() == SloSpec.Kind.AVAILABILITY) {
      long errors = Math.min(w.errors(), w.requests());
      return new long[] {w.requests() - errors, w.requests()};
    }
    return latency(w, spec.threshold().toNanos() / 1e9);
  }

  private static long[] latency(ServiceWindow w, double threshold) {
    ServiceWindow.Latency l = w.latency();
    if (l == null || w.requests() == 0) {
      return new long[] {0, 0};
    }
    // Interim until the latency sketch lands: a piecewise-linear CDF through the quantiles.
    double[] x = {0, l.p50(), l.p90(), l.p99(), l.max()};
    double[] y = {0, 0.5, 0.9, 0.99, 1};
    double share = 1;
    for (int i = 1; i < x.length; i++) {
      if (threshold < x[i]) {
        double span = x[i] - x[i - 1];
        share = span <= 0 ? y[i - 1] : y[i - 1] + (y[i] - y[i - 1]) * (threshold - x[i - 1]) / span;
        break;
      }
    }
    long total = w.requests();
    return new long[] {Math.round(share * total), total};
  }
}
