package dev.vitals.schemas.signals;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One evaluation of one SLO of one service: a record of {@code vitals.slo.v1}.
 *
 * @param slo the SLO's name, e.g. {@code availability} or {@code latency}
 * @param objective the target ratio of good events, e.g. 0.999
 * @param burnRates window ({@code 5m}, {@code 30m}, {@code 1h}, {@code 2h}, {@code 6h}, {@code 1d},
 *     {@code 3d}) to burn rate (error ratio ÷ (1 − objective))
 * @param errorBudgetRemaining the share of the period's error budget left; negative when overspent
 * @param period the error-budget period, e.g. {@code 30d}; may be null
 * @param goodEvents good events over the period (as far as it is kept)
 * @param totalEvents all events over the period
 * @param latencyThreshold for a latency SLO, the slowest good request in seconds; else null
 */
public record SloEvaluation(
    String tenant,
    String namespace,
    String service,
    String slo,
    double objective,
    Instant evaluatedAt,
    Map<String, Double> burnRates,
    double errorBudgetRemaining,
    @Nullable String period,
    long goodEvents,
    long totalEvents,
    @Nullable Double latencyThreshold) {

  public SloEvaluation {
    requireNonNull(tenant, "tenant");
    requireNonNull(namespace, "namespace");
    requireNonNull(service, "service");
    requireNonNull(slo, "slo");
    requireNonNull(evaluatedAt, "evaluatedAt");
    burnRates = burnRates == null ? Map.of() : Map.copyOf(burnRates);
  }

  /** An evaluation without the period's counts. */
  public SloEvaluation(
      String tenant,
      String namespace,
      String service,
      String slo,
      double objective,
      Instant evaluatedAt,
      Map<String, Double> burnRates,
      double errorBudgetRemaining) {
    this(
        tenant,
        namespace,
        service,
        slo,
        objective,
        evaluatedAt,
        burnRates,
        errorBudgetRemaining,
        null,
        0,
        0,
        null);
  }
}
