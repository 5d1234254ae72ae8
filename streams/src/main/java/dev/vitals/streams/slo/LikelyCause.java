package dev.vitals.streams.slo;

import dev.vitals.schemas.ServiceKey;
import dev.vitals.schemas.signals.EdgeWindow;
import dev.vitals.schemas.signals.Health;
import dev.vitals.schemas.signals.ServiceWindow;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Is it us or something we call? For a service whose SLO alert fires, looks at its calls to other
 * services (its downstream edges) in the same windows as its own requests, over the last {@link
 * #LOOKBACK}: a callee whose failed calls account for at least half of the service's failed
 * requests (availability), or whose calls are at least half as slow at p99 as the service itself
 * (latency), is its likely cause. The verdict always carries the numbers it rests on, and the
 * callee's own health; no callee explains the alert when none passes, or when the windows hold no
 * calls.
 */
final class LikelyCause {

  static final Duration LOOKBACK = Duration.ofMinutes(5);
  static final double MOST = 0.5;

  /** The label with the likely cause: the callee's name ({@code namespace/name} with one). */
  static final String CAUSE_LABEL = "cause";

  /** {@code downstream} when a callee explains the alert, {@code self} when none does. */
  static final String CAUSE_KIND_LABEL = "cause_kind";

  static final String ANNOTATION = "likely_cause";

  private static final DateTimeFormatter HH_MM =
      DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);

  /**
   * @param callee null when no callee explains the alert
   * @param evidence the numbers; null without a callee
   */
  record Verdict(ServiceKey callee, String evidence) {

    /** Labels for Alertmanager: {@code cause} and {@code cause_kind}. */
    Map<String, String> labels(ServiceKey self) {
      Map<String, String> labels = new LinkedHashMap<>();
      labels.put(CAUSE_LABEL, display(callee == null ? self : callee));
      labels.put(CAUSE_KIND_LABEL, callee == null ? "self" : "downstream");
      return labels;
    }
  }

  private LikelyCause() {}

  /**
   * With {@code upstream} (the windows of calls to the service) holding failures, the service's
   * failed requests are counted from them: spans on both sides, so a sampler that keeps some traces
   * (or every failed one) thins both sides alike, where the service windows may count every request
   * from metrics.
   *
   * @param own the service's service-level windows (any; those of the edge windows' starts count)
   * @param upstream the windows of calls to the service (edges whose server it is)
   * @param downstream the windows of the service's calls to others (edges whose client it is)
   * @param health the current health of a service, or null
   * @param to the end of the window the alert was evaluated on
   */
  static Verdict of(
      ServiceKey self,
      List<ServiceWindow> own,
      List<EdgeWindow> upstream,
      List<EdgeWindow> downstream,
      Function<ServiceKey, Health> health,
      boolean latency,
      Instant to) {
    Instant from = to.minus(LOOKBACK);
    Set<Instant> starts = new HashSet<>();
    Map<ServiceKey, Calls> byCallee = new LinkedHashMap<>();
    for (EdgeWindow e : downstream) {
      if (e.windowEnd().isAfter(from) && !e.windowEnd().isAfter(to)) {
        starts.add(e.windowStart());
        ServiceKey callee = new ServiceKey(e.tenant(), e.server().namespace(), e.server().name());
        byCallee.computeIfAbsent(callee, Calls::new).add(e);
      }
    }
    Calls mine = new Calls(self);
    for (ServiceWindow w : own) {
      if (w.operation() == null && starts.contains(w.windowStart())) {
        mine.add(w);
      }
    }
    Calls traced = new Calls(self);
    for (EdgeWindow e : upstream) {
      if (starts.contains(e.windowStart())) {
        traced.add(e);
      }
    }
    if (!latency && traced.errors > 0) {
      traced.from = mine.from;
      traced.to = mine.to;
      traced.fromSpans = true;
      mine = traced;
    }
    Calls best = null;
    for (Calls c : byCallee.values()) {
      if (explains(c, mine, latency) && (best == null || worse(c, best, latency))) {
        best = c;
      }
    }
    if (best == null) {
      return new Verdict(null, null);
    }
    return new Verdict(best.key, evidence(self, mine, best, health.apply(best.key), latency));
  }

  /**
   * Failed calls against failed requests when both are counted from spans (its callers' spans hold
   * its failed requests), else error ratio against error ratio: the service windows may count every
   * request from metrics while the calls are a sample of traces.
   */
  private static boolean explains(Calls callee, Calls mine, boolean latency) {
    if (latency) {
      return mine.p99 > 0 && callee.p99 >= MOST * mine.p99;
    }
    if (mine.errors == 0 || callee.errors == 0) {
      return false;
    }
    if (mine.fromSpans) {
      return callee.errors >= MOST * mine.errors;
    }
    return callee.ratio() >= MOST * mine.ratio();
  }

  private static boolean worse(Calls a, Calls b, boolean latency) {
    return latency ? a.p99 > b.p99 : a.errors > b.errors;
  }

  private static String evidence(
      ServiceKey self, Calls mine, Calls callee, Health health, boolean latency) {
    String who = display(callee.key);
    String me = display(self);
    String when = "in the " + mine.minutes() + " min to " + HH_MM.format(mine.to) + " UTC";
    String numbers =
        latency
            ? String.format(
                Locale.ROOT,
                "%s: %s's calls to it took up to %s at p99 %s (%,d calls); %s's own p99 was up to %s",
                who,
                me,
                SloText.seconds(callee.p99),
                when,
                callee.requests,
                me,
                SloText.seconds(mine.p99))
            : mine.fromSpans
                ? String.format(
                    Locale.ROOT,
                    "%s: %s of %s's %,d calls to it failed %s, %,d failed calls against %,d failed"
                        + " requests of %s's own (%,d traced requests)",
                    who,
                    percent(callee.errors, callee.requests),
                    me,
                    callee.requests,
                    when,
                    callee.errors,
                    mine.errors,
                    me,
                    mine.requests)
                : String.format(
                    Locale.ROOT,
                    "%s: %s of %s's %,d traced calls to it failed %s, while %s of %s's %,d"
                        + " requests failed",
                    who,
                    percent(callee.errors, callee.requests),
                    me,
                    callee.requests,
                    when,
                    percent(mine.errors, mine.requests),
                    me,
                    mine.requests);
    return numbers + "; " + healthText(who, health);
  }

  private static String healthText(String who, Health health) {
    if (health == null) {
      return who + " reports no health of its own (no spans or metrics from it)";
    }
    String text = who + " is " + health.status();
    if (health.since() != null) {
      text += " since " + HH_MM.format(health.since()) + " UTC";
    }
    if (!health.reasons().isEmpty()) {
      text += " (" + health.reasons().get(0) + ")";
    }
    return text;
  }

  private static String percent(long part, long whole) {
    return whole == 0 ? "0 %" : String.format(Locale.ROOT, "%.0f %%", 100.0 * part / whole);
  }

  static String display(ServiceKey key) {
    return key.namespace().isEmpty() ? key.name() : key.namespace() + "/" + key.name();
  }

  /** Calls (or requests) summed over windows. */
  private static final class Calls {
    final ServiceKey key;
    long requests;
    long errors;
    double p99;
    boolean fromSpans;
    Instant from = Instant.MAX;
    Instant to = Instant.MIN;

    Calls(ServiceKey key) {
      this.key = key;
    }

    void add(EdgeWindow e) {
      requests += e.requests();
      errors += e.errors();
      ServiceWindow.Latency l = e.clientLatency() != null ? e.clientLatency() : e.serverLatency();
      if (l != null) {
        p99 = Math.max(p99, l.p99());
      }
    }

    void add(ServiceWindow w) {
      requests += w.requests();
      errors += w.errors();
      if (w.latency() != null) {
        p99 = Math.max(p99, w.latency().p99());
      }
      from = from.isBefore(w.windowStart()) ? from : w.windowStart();
      to = to.isAfter(w.windowEnd()) ? to : w.windowEnd();
    }

    double ratio() {
      return requests == 0 ? 0 : (double) errors / requests;
    }

    long minutes() {
      return to.isBefore(from) ? 0 : Math.max(1, Duration.between(from, to).toMinutes());
    }
  }
}
