package dev.vitals.streams.slo;

import dev.vitals.common.config.Quantities;
import dev.vitals.schemas.ServiceKey;
import dev.vitals.schemas.signals.AlertEvent;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Builds the Alertmanager-shaped events of {@code vitals.alerts.v1}. */
final class AlertEvents {

  static final String ERROR_BUDGET_BURN = "VitalsErrorBudgetBurn";
  static final String LATENCY_BUDGET_BURN = "VitalsLatencyBudgetBurn";
  static final String SERVICE_SILENT = "VitalsServiceSilent";
  static final String SILENT_SEVERITY = "page";

  private final SloSettings settings;

  AlertEvents(SloSettings settings) {
    this.settings = settings;
  }

  /** What a burn alert shows besides its labels. */
  record BurnEvidence(
      List<BurnRates.Match> matches,
      BurnRates rates,
      List<Evidence.Operation> worst,
      Evidence.Samples samples) {}

  static String alertname(SloSpec spec) {
    return spec.kind() == SloSpec.Kind.LATENCY ? LATENCY_BUDGET_BURN : ERROR_BUDGET_BURN;
  }

  static Map<String, String> burnLabels(ServiceKey key, SloSpec spec, String severity) {
    Map<String, String> labels = serviceLabels(key, alertname(spec), severity);
    labels.put("slo", spec.name());
    return labels;
  }

  static Map<String, String> silentLabels(ServiceKey key) {
    return serviceLabels(key, SERVICE_SILENT, SILENT_SEVERITY);
  }

  /**
   * A burn alert; with a verdict on its likely cause (services on the dependency graph), its labels
   * {@code cause} and {@code cause_kind} and, when a callee explains it, the annotation {@code
   * likely_cause} with the numbers.
   */
  AlertEvent burnFiring(
      ServiceKey key,
      SloSpec spec,
      String severity,
      Instant at,
      BurnEvidence e,
      LikelyCause.Verdict verdict) {
    Map<String, String> labels = burnLabels(key, spec, severity);
    if (verdict != null) {
      labels.putAll(verdict.labels(key));
    }
    BurnRates.Match first = e.matches().get(0);
    Map<String, String> a = new LinkedHashMap<>();
    a.put("summary", summary(key, spec, first.longRate()));
    a.put("description", description(key, spec, e));
    a.put("burn_rates", e.rates().text());
    a.put(
        "windows",
        e.matches().stream().map(m -> m.describe(spec.name())).collect(Collectors.joining("; ")));
    a.put("budget_remaining", SloText.percent(e.rates().budgetRemaining()));
    a.put("worst_operations", worst(e.worst(), spec.kind() == SloSpec.Kind.LATENCY));
    a.put("sample_errors", String.join("\n", e.samples().errors()));
    a.put("exemplar_trace_ids", String.join(",", e.samples().traces()));
    if (verdict != null && verdict.evidence() != null) {
      a.put(LikelyCause.ANNOTATION, verdict.evidence());
    }
    return event(labels, a, at);
  }

  AlertEvent silentFiring(ServiceKey key, int windows, Instant since, Instant at) {
    Map<String, String> a = new LinkedHashMap<>();
    a.put("summary", displayName(key) + " stopped reporting");
    a.put(
        "description",
        "No requests, logs or spans from "
            + key
            + " for "
            + windows
            + " consecutive windows, since "
            + since
            + ".");
    return event(silentLabels(key), a, at);
  }

  /**
   * The resolved step of a firing alert: same labels and annotations, ended at {@code at}, or at
   * its start when {@code at} is earlier. That happens when a late correction of a window older
   * than the alert resolves it (a silence that was only delayed data); Alertmanager refuses an
   * alert that ends before it starts, and would keep the firing one until it expires.
   */
  static AlertEvent resolved(AlertEvent firing, Instant at) {
    Instant endsAt = at.isBefore(firing.startsAt()) ? firing.startsAt() : at;
    return new AlertEvent(
        firing.fingerprint(),
        AlertEvent.Status.resolved,
        firing.labels(),
        firing.annotations(),
        firing.startsAt(),
        endsAt,
        firing.generatorUrl());
  }

  String statusPageUrl(ServiceKey key) {
    return settings.statusPageBaseUrl()
        + "/#/services/"
        + encode(key.tenant())
        + "/"
        + (key.namespace().equals("-") ? "%2D" : encode(key.namespace())) // "-" means "none"
        + "/"
        + encode(key.name());
  }

  private AlertEvent event(
      Map<String, String> labels, Map<String, String> annotations, Instant at) {
    ServiceKey key =
        new ServiceKey(
            labels.get("tenant"), labels.getOrDefault("namespace", ""), labels.get("service"));
    annotations.put(
        "runbook_url", settings.effectiveRunbookBaseUrl() + "/" + labels.get("alertname") + ".md");
    annotations.put("status_page_url", statusPageUrl(key));
    return new AlertEvent(
        Fingerprint.of(labels),
        AlertEvent.Status.firing,
        labels,
        annotations,
        at,
        null,
        statusPageUrl(key));
  }

  private static Map<String, String> serviceLabels(
      ServiceKey key, String alertname, String severity) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("alertname", alertname);
    labels.put("severity", severity);
    labels.put("tenant", key.tenant());
    if (!key.namespace().isEmpty()) {
      labels.put("namespace", key.namespace());
    }
    labels.put("service", key.name());
    return labels;
  }

  private static String summary(ServiceKey key, SloSpec spec, double rate) {
    String what =
        spec.kind() == SloSpec.Kind.LATENCY
            ? "latency budget (requests over " + Quantities.formatDuration(spec.threshold()) + ")"
            : "error budget";
    return displayName(key)
        + " is burning its "
        + spec.name()
        + " "
        + what
        + " "
        + SloText.rate(rate)
        + " too fast";
  }

  private static String description(ServiceKey key, SloSpec spec, BurnEvidence e) {
    BurnRates.Match m = e.matches().get(0);
    double rate = m.longRate();
    Duration left = rate > 0 ? Duration.ofSeconds((long) (spec.period().toSeconds() / rate)) : null;
    return spec.name()
        + " SLO "
        + SloText.percent(spec.objective())
        + " over "
        + Quantities.formatDuration(spec.period())
        + " of "
        + key
        + ": "
        + m.describe(spec.name())
        + ". At this rate a full budget lasts "
        + (left == null ? "forever" : human(left))
        + "; "
        + SloText.percent(e.rates().budgetRemaining())
        + " of it is left.";
  }

  /** Errors for availability SLOs; the highest window p99 for latency SLOs. */
  private static String worst(List<Evidence.Operation> ops, boolean latency) {
    return ops.stream().map(o -> describe(o, latency)).collect(Collectors.joining("; "));
  }

  private static String describe(Evidence.Operation o, boolean latency) {
    return latency
        ? o.name() + ": p99 up to " + SloText.seconds(o.p99()) + " (last hour)"
        : o.name() + ": " + o.errors() + " errors of " + o.requests() + " requests (last hour)";
  }

  private static String human(Duration d) {
    if (d.toDays() >= 2) {
      return d.toDays() + "d";
    }
    if (d.toHours() >= 2) {
      return d.toHours() + "h";
    }
    return Math.max(1, d.toMinutes()) + "m";
  }

  private static String displayName(ServiceKey key) {
    return key.namespace().isEmpty() ? key.name() : key.namespace() + "/" + key.name();
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
