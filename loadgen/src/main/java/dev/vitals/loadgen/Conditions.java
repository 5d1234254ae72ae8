package dev.vitals.loadgen;

import java.time.Duration;
import java.util.List;

/**
 * How one service behaves at one moment, after its incidents: overlapping incidents combine (the
 * highest error ratio, the product of latency factors; silence wins).
 */
record Conditions(boolean silent, double errorRatio, double latencyFactor) {

  static Conditions at(Duration offset, Baseline baseline, List<Incident> incidents) {
    boolean silent = false;
    double errorRatio = baseline.errorRatio();
    double latencyFactor = 1;
    for (Incident i : incidents) {
      if (!i.covers(offset)) {
        continue;
      }
      silent |= i.type() == Incident.Type.SILENT;
      errorRatio = Math.max(errorRatio, i.errorRatioAt(offset, baseline.errorRatio()));
      latencyFactor *= i.latencyFactor();
    }
    return new Conditions(silent, errorRatio, latencyFactor);
  }
}
