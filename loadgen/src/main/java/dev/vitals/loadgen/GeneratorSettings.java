package dev.vitals.loadgen;

import static dev.vitals.loadgen.Baseline.check;
import static java.util.Objects.requireNonNull;

/**
 * How the generator shapes what it sends, apart from the scenario.
 *
 * @param exponentialScale the starting scale of exponential histograms
 * @param spansPerStep how many successful requests of a service become spans each step; as many
 *     failed ones are added (errors are kept preferentially, as a tail sampler would)
 * @param infoLogsPerStep how many access-log INFO records a service writes each step
 */
record GeneratorSettings(
    Temporality temporality,
    HistogramKind histogram,
    int exponentialScale,
    int spansPerStep,
    int infoLogsPerStep) {

  static final GeneratorSettings DEFAULT =
      new GeneratorSettings(Temporality.CUMULATIVE, HistogramKind.EXPLICIT, 6, 5, 2);

  GeneratorSettings {
    requireNonNull(temporality, "temporality");
    requireNonNull(histogram, "histogram");
    check(
        exponentialScale >= -10 && exponentialScale <= 20,
        "exponentialScale",
        exponentialScale,
        "-10 to 20");
    check(spansPerStep >= 0, "spansPerStep", spansPerStep, ">= 0");
    check(infoLogsPerStep >= 0, "infoLogsPerStep", infoLogsPerStep, ">= 0");
  }
}
