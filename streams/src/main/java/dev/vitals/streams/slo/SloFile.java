package dev.vitals.streams.slo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vitals.common.config.ConfigErrors;
import dev.vitals.common.config.ConfigNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

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
 * An SLO is a latency SLO when it has a {@code threshold} or {@code type: latency}, else an
 * availability SLO. Durations are in the grammar of {@link dev.vitals.common.config.Quantities} (a
 * bare number is seconds). Rule windows must be among 5m, 30m, 1h, 2h, 6h, 1d, 3d.
 */
final class SloFile {

  private static final String SLOS_EXPECTED = "SLO names, each with its SLO below it";
  private static final String RULE_EXPECTED = "severity, long, short and factor";

  private final SloSettings settings;
  private final ConfigErrors errors;

  private SloFile(SloSettings settings, ConfigErrors errors) {
    this.settings = settings;
    this.errors = errors;
  }

  /**
   * Parses the text of an SLO file.
   *
   * @throws IllegalArgumentException listing every error with its path
   */
  static SloConfig parse(String yaml, SloSettings settings) {
    ConfigErrors errors = new ConfigErrors();
    ObjectNode tree = ConfigNode.tree(yaml, errors);
    SloConfig config = null;
    if (tree != null && tree.isEmpty()) {
      config = SloConfig.of(settings);
    } else if (tree != null) {
      config = new SloFile(settings, errors).read(ConfigNode.root(errors, tree));
      errors.checkUnknownKeys();
    }
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException("invalid SLO file: " + String.join("; ", errors.list()));
    }
    return config;
  }

  private SloConfig read(ConfigNode root) {
    ConfigNode defaults = root.section("defaults");
    Duration period = period(defaults, settings.period());
    List<SloSpec> defaultSlos =
        defaults.has("slos")
            ? slos(defaults.section("slos", SLOS_EXPECTED), period)
            : withPeriod(SloConfig.of(settings).defaults(), period);
    defaults.allow("slos");
    List<SloConfig.ServiceSlos> services = services(root.sections("services"), period);
    SloConfig.AlertPolicy policy = alerting(root.section("alerting"));
    return errors.isEmpty() ? new SloConfig(defaultSlos, services, policy) : null;
  }

  private static List<SloSpec> withPeriod(List<SloSpec> slos, Duration period) {
    List<SloSpec> out = new ArrayList<>();
    for (SloSpec s : slos) {
      out.add(new SloSpec(s.name(), s.kind(), s.objective(), s.threshold(), period));
    }
    return out;
  }

  private List<SloConfig.ServiceSlos> services(List<ConfigNode> entries, Duration period) {
    List<SloConfig.ServiceSlos> out = new ArrayList<>();
    for (ConfigNode s : entries) {
      String name = s.string("name", null);
      if (name == null) {
        s.error("name", "missing (expected: the service name)");
      }
      String tenant = s.string("tenant", null);
      String namespace = s.string("namespace", null);
      Duration servicePeriod = period(s, period);
      if (!s.has("slos")) {
        s.error("slos", "missing (expected: at least one SLO)");
      }
      List<SloSpec> slos = slos(s.section("slos", SLOS_EXPECTED), servicePeriod);
      if (name != null) {
        out.add(new SloConfig.ServiceSlos(tenant, namespace, name, slos));
      }
    }
    return out;
  }

  private List<SloSpec> slos(ConfigNode slos, Duration period) {
    List<SloSpec> out = new ArrayList<>();
    for (String name : slos.keys()) {
      ConfigNode slo = slos.section(name);
      SloSpec spec = slo.present() ? slo(name, slo, period) : null;
      if (spec != null) {
        out.add(spec);
      }
    }
    return out;
  }

  private SloSpec slo(String name, ConfigNode n, Duration period) {
    n.allow("type", "objective", "threshold", "period");
    if (!n.has("objective")) {
      n.error("objective", "missing (expected: a ratio such as 0.999)");
      return null;
    }
    double objective = n.number("objective", Double.NaN, x -> true, "a ratio such as 0.999");
    String type = n.string("type", n.has("threshold") ? "latency" : "availability");
    SloSpec.Kind kind;
    if ("latency".equals(type)) {
      kind = SloSpec.Kind.LATENCY;
    } else if ("availability".equals(type)) {
      kind = SloSpec.Kind.AVAILABILITY;
    } else {
      n.error("type", "\"" + type + "\" (expected: availability or latency)");
      return null;
    }
    Duration threshold =
        kind == SloSpec.Kind.LATENCY ? n.duration("threshold", settings.latencyThreshold()) : null;
    Duration p = period(n, period);
    return n.buildField(() -> new SloSpec(name, kind, objective, threshold, p), null);
  }

  private SloConfig.AlertPolicy alerting(ConfigNode a) {
    SloConfig.AlertPolicy base = SloConfig.AlertPolicy.of(settings);
    List<AlertRule> rules = a.has("rules") ? rules(a.sections("rules")) : base.rules();
    a.allow("rules");
    long minEvents = a.longInteger("minEvents", base.minEvents(), 0, Long.MAX_VALUE);
    Duration resolveAfter = a.duration("resolveAfter", base.resolveAfter());
    int silent = a.integer("silentWindows", base.silentWindows(), 1, Integer.MAX_VALUE);
    return new SloConfig.AlertPolicy(rules, minEvents, resolveAfter, silent);
  }

  private List<AlertRule> rules(List<ConfigNode> entries) {
    List<AlertRule> out = new ArrayList<>();
    for (ConfigNode r : entries) {
      String severity = r.string("severity", null);
      Duration lng = r.duration("long", null);
      Duration shrt = r.duration("short", null);
      double factor = r.number("factor", Double.NaN, x -> true, "a number such as 14.4");
      for (String key : List.of("severity", "long", "short", "factor")) {
        if (!r.has(key)) {
          r.error(key, "missing (expected: " + RULE_EXPECTED + ")");
        }
      }
      AlertRule rule =
          lng == null || shrt == null || severity == null
              ? null
              : r.buildField(() -> new AlertRule(severity, lng, shrt, factor), null);
      if (rule != null) {
        out.add(rule);
      }
    }
    return out;
  }

  /** An error-budget period: a duration of whole hours, reported at its path when not. */
  private static Duration period(ConfigNode n, Duration fallback) {
    Duration d = n.duration("period", fallback);
    return n.buildField(
        () -> {
          SloSpec.requirePeriod(d, "period");
          return d;
        },
        fallback);
  }
}
