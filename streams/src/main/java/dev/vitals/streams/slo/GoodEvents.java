package dev.vitals.streams.slo;

import dev.vitals.schemas.signals.ServiceWindow;
import dev.vitals.streams.sketch.LatencySketch;

/**
 * Good and total events of one window under one SLO: for availability, requests that did not fail
 * out of all requests; for latency, requests at or below the threshold (from the window's latency
 * sketch) out of all the sketch counted. A window without a sketch adds nothing to a latency SLO.
 */
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
    if (l == null || l.sketch() == null || l.sketch().isEmpty()) {
      return new long[] {0, 0};
    }
    LatencySketch sketch;
    try {
      sketch = LatencySketch.fromBase64(l.sketch());
    } catch (RuntimeException e) {
      return new long[] {0, 0};
    }
    return new long[] {sketch.countAtOrBelow(threshold), sketch.count()};
  }
}
