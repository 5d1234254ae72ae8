package dev.vitals.streams.slo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.vitals.streams.internal.config.Quantities;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Reads the SLO file (YAML). Every key is optional; what is left out comes from {@link
 * SloSettings}. Unknown keys are errors, and every error is reported at once with its path.
 *
 * <pre>{@code
 * defaults:                 # the SLOs of every service not listed under services
 *   period: 30d             # error-budget period, whole hours
 *   slos:
 *     availability: {objective: 0.999}
 *     latency: {objective: 0.99, threshold: 500ms}   # a threshold makes it a latency SLO
 * alerting:
 *   minEvents: 10           # both windows of a rule need this many events
 *   resolveAfter: 5m        # condition false this long before an alert resolves
 *   silentWindows: 2        # silent windows before SILENT and VitalsServiceSilent
 *   rules:                  # replaces the whole table
 *     - {severity: page, long: 1h, short: 5m, factor: 14.4}
 *     - {severity: page, long: 6h, short: 30m, factor: 6}
 *     - {severity: ticket, long: 1d, short: 2h, factor: 3}
 *     - {severity: ticket, long: 3d, short: 6h, factor: 1}
 * services:                 # first match wins; its slos replace the defaults
 *   - name: checkout
 *     tenant: acme          # optional: any tenant when left out
 *     namespace: shop       # optional: any namespace when left out
 *     period: 28d           # optional
 *     slos:
 *       availability: {objective: 0.9995}
 *       latency: {objective: 0.95, threshold: 300ms}
 *       latency-slow: {type: latency, objective: 0.999, threshold: 2s}
 * }</pre>
 *
 * An SLO is a latency SLO when it has a {@code threshold} (seconds, or {@code 300ms}) or {@code
 * type: latency}, else an availability SLO. Rule windows must be among 5m, 30m, 1h, 2h, 6h, 1d, 3d.
 */
final class SloFile {

  private static final YAMLMapper YAML = new YAMLMapper();

  private final SloSettings settings;
  private final List<String> errors = new ArrayList<>();

  private SloFile(SloSettings settings) {
    this.settings = settings;
  }

  /**
   * Parses the text of an SLO file.
   *
   * @throws IllegalArgumentException listing every error with its path
   */
  static SloConfig parse(String yaml, SloSettings settings) {
    SloFile file = new SloFile(settings);
    SloConfig config = file.read(yaml);
    if (!file.errors.isEmpty()) {
      throw new IllegalArgumentException("invalid SLO file: " + String.join("; ", file.errors));
    }
    return config;
  }

  private SloConfig read(String yaml) {
    JsonNode root;
    try {
      root = YAML.readTree(yaml);
    } catch (IOException e) {
      errors.add("not YAML: " + e.getMessage().lines().findFirst().orElse(""));
      return null;
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      return SloConfig.of(settings);
    }
    if (!root.isObject()) {
      errors.add("(root): expected a mapping");
      return null;
    }
    keys(root, "", Set.of("defaults", "alerting", "services"));
    JsonNode defaults = root.path("defaults");
    keys(defaults, "defaults", Set.of("period", "slos"));
    Duration period = period(defaults.get("period"), "defaults.period", settings.period());
    List<SloSpec> defaultSlos =
        defaults.has("slos")
            ? slos(defaults.get("slos"), "defaults.slos", period)
            : withPeriod(SloConfig.of(settings).defaults(), period);
    List<SloConfig.ServiceSlos> services = services(root.path("services"), period);
    SloConfig.AlertPolicy policy = alerting(root.path("alerting"));
    return errors.isEmpty() ? new SloConfig(defaultSlos, services, policy) : null;
  }

  private static List<SloSpec> withPeriod(List<SloSpec> slos, Duration period) {
    List<SloSpec> out = new ArrayList<>();
    for (SloSpec s : slos) {
      out.add(new SloSpec(s.name(), s.kind(), s.objective(), s.threshold(), period));
    }
    return out;
  }

  private List<SloConfig.ServiceSlos> services(JsonNode node, Duration defaultPeriod) {
    List<SloConfig.ServiceSlos> out = new ArrayList<>();
    if (node.isMissingNode() || node.isNull()) {
      return out;
    }
    if (!node.isArray()) {
      errors.add("services: expected a list");
      return out;
    }
    for (int i = 0; i < node.size(); i++) {
      String path = "services[" + i + "]";
      JsonNode s = node.get(i);
      keys(s, path, Set.of("tenant", "namespace", "name", "period", "slos"));
      String name = text(s.get("name"), path + ".name", null);
      if (name == null) {
        errors.add(path + ".name: missing (expected: the service name)");
      }
      Duration period = period(s.get("period"), path + ".period", defaultPeriod);
      if (!s.has("slos")) {
        errors.add(path + ".slos: missing (expected: at least one SLO)");
      }
      List<SloSpec> slos = slos(s.path("slos"), path + ".slos", period);
      if (name != null) {
        out.add(
            new SloConfig.ServiceSlos(
                text(s.get("tenant"), path + ".tenant", null),
                text(s.get("namespace"), path + ".namespace", null),
                name,
                slos));
      }
    }
    return out;
  }

  private List<SloSpec> slos(JsonNode node, String path, Duration period) {
    List<SloSpec> out = new ArrayList<>();
    if (!node.isObject()) {
      if (!node.isMissingNode()) {
        errors.add(path + ": expected a mapping of SLO name to SLO");
      }
      return out;
    }
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      SloSpec spec = slo(e.getKey(), e.getValue(), path + "." + e.getKey(), period);
      if (spec != null) {
        out.add(spec);
      }
    }
    return out;
  }

  private SloSpec slo(String name, JsonNode node, String path, Duration period) {
    keys(node, path, Set.of("type", "objective", "threshold", "period"));
    if (!node.has("objective")) {
      errors.add(path + ".objective: missing (expected: a ratio such as 0.999)");
      return null;
    }
    String type =
        text(node.get("type"), path + ".type", node.has("threshold") ? "latency" : "availability");
    SloSpec.Kind kind;
    if ("latency".equals(type)) {
      kind = SloSpec.Kind.LATENCY;
    } else if ("availability".equals(type)) {
      kind = SloSpec.Kind.AVAILABILITY;
    } else {
      errors.add(path + ".type: \"" + type + "\" (expected: availability or latency)");
      return null;
    }
    Duration threshold =
        kind == SloSpec.Kind.LATENCY
            ? duration(node.get("threshold"), path + ".threshold", settings.latencyThreshold())
            : null;
    return build(
        path,
        () ->
            new SloSpec(
                name,
                kind,
                node.get("objective").asDouble(Double.NaN),
                threshold,
                period(node.get("period"), path + ".period", period)));
  }

  private SloConfig.AlertPolicy alerting(JsonNode node) {
    SloConfig.AlertPolicy base = SloConfig.AlertPolicy.of(settings);
    if (node.isMissingNode() || node.isNull()) {
      return base;
    }
    keys(node, "alerting", Set.of("minEvents", "resolveAfter", "silentWindows", "rules"));
    List<AlertRule> rules = node.has("rules") ? rules(node.get("rules")) : base.rules();
    long minEvents = number(node.get("minEvents"), "alerting.minEvents", base.minEvents());
    int silent =
        (int) number(node.get("silentWindows"), "alerting.silentWindows", base.silentWindows());
    if (silent < 1) {
      errors.add("alerting.silentWindows: " + silent + " (expected: >= 1)");
    }
    return new SloConfig.AlertPolicy(
        rules,
        minEvents,
        duration(node.get("resolveAfter"), "alerting.resolveAfter", base.resolveAfter()),
        Math.max(1, silent));
  }

  private List<AlertRule> rules(JsonNode node) {
    List<AlertRule> out = new ArrayList<>();
    if (!node.isArray()) {
      errors.add("alerting.rules: expected a list");
      return out;
    }
    for (int i = 0; i < node.size(); i++) {
      String path = "alerting.rules[" + i + "]";
      JsonNode r = node.get(i);
      keys(r, path, Set.of("severity", "long", "short", "factor"));
      Duration lng = duration(r.get("long"), path + ".long", null);
      Duration shrt = duration(r.get("short"), path + ".short", null);
      String severity = text(r.get("severity"), path + ".severity", null);
      double factor = r.path("factor").asDouble(Double.NaN);
      if (lng == null || shrt == null || severity == null) {
        errors.add(path + ": expected severity, long, short and factor");
        continue;
      }
      AlertRule rule = build(path, () -> new AlertRule(severity, lng, shrt, factor));
      if (rule != null) {
        out.add(rule);
      }
    }
    return out;
  }

  private <T> T build(String path, Supplier<T> constructor) {
    try {
      return constructor.get();
    } catch (IllegalArgumentException | NullPointerException e) {
      errors.add(path + "." + e.getMessage());
      return null;
    }
  }

  private void keys(JsonNode node, String path, Set<String> allowed) {
    if (node.isMissingNode() || node.isNull()) {
      return;
    }
    if (!node.isObject()) {
      errors.add((path.isEmpty() ? "(root)" : path) + ": expected a mapping");
      return;
    }
    Map<String, Boolean> unknown = new LinkedHashMap<>();
    node.fieldNames().forEachRemaining(k -> unknown.put(k, !allowed.contains(k)));
    unknown.forEach(
        (k, bad) -> {
          if (bad) {
            errors.add(
                (path.isEmpty() ? "" : path + ".")
                    + k
                    + ": unknown key (expected one of "
                    + String.join(", ", new java.util.TreeSet<>(allowed))
                    + ")");
          }
        });
  }

  private String text(JsonNode node, String path, String fallback) {
    if (node == null || node.isNull()) {
      return fallback;
    }
    if (!node.isValueNode()) {
      errors.add(path + ": expected text");
      return fallback;
    }
    return node.asText();
  }

  private long number(JsonNode node, String path, long fallback) {
    if (node == null || node.isNull()) {
      return fallback;
    }
    if (!node.canConvertToLong() || node.asLong() < 0) {
      errors.add(path + ": " + node + " (expected: a whole number >= 0)");
      return fallback;
    }
    return node.asLong();
  }

  /** An error-budget period: a duration of whole hours, reported at its path when not. */
  private Duration period(JsonNode node, String path, Duration fallback) {
    Duration d = duration(node, path, fallback);
    try {
      SloSpec.requirePeriod(d, path);
      return d;
    } catch (IllegalArgumentException e) {
      errors.add(e.getMessage());
      return fallback;
    }
  }

  private Duration duration(JsonNode node, String path, Duration fallback) {
    if (node == null || node.isNull()) {
      return fallback;
    }
    Optional<Duration> d =
        node.isValueNode() ? Quantities.parseDuration(node.asText()) : Optional.empty();
    if (d.isEmpty() || d.get().isNegative()) {
      errors.add(
          path
              + ": \""
              + node.asText()
              + "\" is not a duration ("
              + Quantities.EXPECTED_DURATION
              + ")");
      return fallback;
    }
    return d.get();
  }
}
