package dev.vitals.streams.slo;

import dev.vitals.common.config.Quantities;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Burn rates and budget of one SLO, read from its running sums. */
final class BurnRates {

  private static final List<String> NAMES = RollingCounts.windowNames();

  private final SloState state;
  private final double budget;

  BurnRates(SloState state, SloSpec spec) {
    this.state = state;
    this.budget = spec.budget();
  }

  /** A rule whose two windows both burn faster than its factor. */
  record Match(AlertRule rule, double longRate, double shortRate) {
    String describe(String slo) {
      return slo
          + " burn "
          + Quantities.formatDuration(rule.longWindow())
          + "="
          + SloText.rate(longRate)
          + " "
          + Quantities.formatDuration(rule.shortWindow())
          + "="
          + SloText.rate(shortRate)
          + " ("
          + rule.severity()
          + " ≥ "
          + SloText.rate(rule.factor())
          + ")";
    }
  }

  /** Error ratio ÷ (1 − objective) over burn window {@code i}; 0 when the window is empty. */
  double rate(int i) {
    long total = state.total[i];
    return total <= 0 ? 0 : (double) (total - state.good[i]) / total / budget;
  }

  /** Window name ({@code 5m} .. {@code 3d}) to burn rate. */
  Map<String, Double> all() {
    Map<String, Double> out = new LinkedHashMap<>();
    for (int i = 0; i < NAMES.size(); i++) {
      out.put(NAMES.get(i), Math.max(0, rate(i)));
    }
    return out;
  }

  /** Share of the period's budget left: 1 − bad ÷ (total × (1 − objective)); 1 with no events. */
  double budgetRemaining() {
    long total = state.periodTotal;
    return total <= 0 ? 1 : 1 - (double) (total - state.periodGood) / total / budget;
  }

  /**
   * The rules that fire now. A rule never fires while either window holds fewer than {@code
   * minEvents} events. A ticket rule also waits until the SLO has as much history as its short
   * window: its factors (1×, 3×) are within the noise of a service's first minutes, which would
   * otherwise stand for its whole long window. Page rules do not wait: 6× and 14.4× over at least
   * {@code minEvents} events is not noise, and a service (or a Vitals) that starts failing must
   * page within minutes, not after its first 5 or 30 minutes of history.
   */
  List<Match> matches(List<AlertRule> rules, long minEvents) {
    List<Match> out = new ArrayList<>();
    long history = state.clockMinute - state.firstMinute;
    for (AlertRule r : rules) {
      int l = SloSettings.BURN_WINDOWS.indexOf(r.longWindow());
      int s = SloSettings.BURN_WINDOWS.indexOf(r.shortWindow());
      boolean enoughHistory = r.isPage() || history >= r.shortWindow().toMinutes();
      if (enoughHistory
          && state.total[l] >= minEvents
          && state.total[s] >= minEvents
          && rate(l) > r.factor()
          && rate(s) > r.factor()) {
        out.add(new Match(r, rate(l), rate(s)));
      }
    }
    return out;
  }

  /** {@code 5m=0.5× 30m=0.4× ...}. */
  String text() {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < NAMES.size(); i++) {
      b.append(i == 0 ? "" : " ").append(NAMES.get(i)).append('=').append(SloText.rate(rate(i)));
    }
    return b.toString();
  }
}
