package dev.vitals.loadgen;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vitals.common.config.ConfigErrors;
import dev.vitals.common.config.ConfigNode;
import dev.vitals.common.config.Quantities;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.DoublePredicate;

/**
 * Reads scenario YAML into a {@link Scenario}, collecting every problem (path, value, what was
 * expected) before failing. Unknown keys are errors, so a typo never silently does nothing.
 */
final class ScenarioParser {

  private static final Map<Incident.Type, List<String>> PARAMS =
      Map.of(
          Incident.Type.ERROR_SPIKE, List.of("errorRatio"),
          Incident.Type.LATENCY_REGRESSION, List.of("latencyFactor"),
          Incident.Type.SILENT, List.of(),
          Incident.Type.SLOW_BURN, List.of("errorRatio", "ramp"));
  private static final Duration DEFAULT_LENGTH = Duration.ofHours(1);
  private static final int MAX_SERVICES = 10_000;
  private static final String RATIO = "a ratio from 0 to 1";

  private final ConfigErrors errors;

  private ScenarioParser(ConfigErrors errors) {
    this.errors = errors;
  }

  static Scenario parse(String yaml, String source, String defaultName) throws ScenarioException {
    ConfigErrors errors = new ConfigErrors();
    ObjectNode tree = ConfigNode.tree(yaml, errors);
    if (tree == null) {
      throw new ScenarioException(source, errors.list());
    }
    if (tree.isEmpty()) {
      throw new ScenarioException(source, List.of("the scenario is empty (expected: services)"));
    }
    Scenario scenario =
        new ScenarioParser(errors).scenario(ConfigNode.root(errors, tree), defaultName);
    errors.checkUnknownKeys();
    if (!errors.isEmpty()) {
      throw new ScenarioException(source, errors.list());
    }
    return scenario;
  }

  private Scenario scenario(ConfigNode root, String defaultName) {
    String name = text(root, "name").orElse(defaultName);
    String namespace = text(root, "namespace").orElse("shop");
    Duration length = duration(root, "length", DEFAULT_LENGTH, false);
    Baseline baseline = baseline(root.section("baseline"));
    List<String> services = services(root);
    List<Incident> incidents = incidents(root, services);
    Map<String, Map<String, Double>> calls =
        calls(root.section("calls", "callers, each with its callees and shares"), services);
    if (!errors.isEmpty()) {
      return null;
    }
    return root.buildField(
        () -> new Scenario(name, namespace, length, baseline, services, incidents, calls), null);
  }

  private Baseline baseline(ConfigNode b) {
    Baseline d = Baseline.DEFAULT;
    double rate = b.number("rate", d.rate(), r -> r >= 0 && r <= 1e6, "0 to 1000000");
    double ratio = b.number("errorRatio", d.errorRatio(), ScenarioParser::isRatio, RATIO);
    Duration median = duration(b, "latencyMedian", d.latencyMedian(), false);
    if (median.compareTo(Duration.ofMinutes(1)) > 0) {
      b.error("latencyMedian", quote(median) + " (expected: at most 1m)");
      median = d.latencyMedian();
    }
    double sigma = b.number("latencySigma", d.latencySigma(), s -> s >= 0 && s <= 3, "0 to 3");
    return new Baseline(rate, ratio, median, sigma);
  }

  private static boolean isRatio(double r) {
    return r >= 0 && r <= 1;
  }

  private List<String> services(ConfigNode root) {
    if (!root.has("services")) {
      root.error("services", "missing (expected: a list of names, or count: and names:)");
      return List.of();
    }
    if (root.isList("services")) {
      return validNames(root, "services");
    }
    ConfigNode s = root.section("services", "a list of names, or count: and names:");
    if (!s.present()) {
      return List.of();
    }
    List<String> names = s.has("names") ? validNames(s, "names") : List.of();
    s.allow("names");
    double count =
        s.number("count", names.size(), c -> c >= 1 && c <= MAX_SERVICES, "1 to " + MAX_SERVICES);
    if (count != Math.rint(count)) {
      s.error("count", quote(count) + " (expected: a whole number)");
    } else if (count < names.size()) {
      s.error(
          "count", (long) count + " (expected: at least the " + names.size() + " names listed)");
    } else if (count == 0) {
      root.error("services", "no services (expected: names: or count:)");
    }
    return Scenario.generatedNames(names, (int) Math.max(count, names.size()));
  }

  private static List<String> validNames(ConfigNode parent, String key) {
    List<String> names = new ArrayList<>();
    List<String> items = parent.strings(key);
    for (int i = 0; i < items.size(); i++) {
      String item = items.get(i);
      String at = key + "[" + i + "]";
      if (item == null) {
        continue;
      }
      if (!Scenario.SERVICE_NAME.matcher(item).matches()) {
        parent.error(
            at, quote(item) + " (expected: a service name of 1 to 63 of A-Z a-z 0-9 _ . -)");
      } else if (names.contains(item)) {
        parent.error(at, quote(item) + " (expected: a name not listed before)");
      } else {
        names.add(item);
      }
    }
    if (items.isEmpty() && parent.isList(key)) {
      parent.error(key, "[] (expected: at least one service)");
    }
    return names;
  }

  /** {@code calls: {caller: {callee: share, …}, …}}. */
  private static Map<String, Map<String, Double>> calls(ConfigNode calls, List<String> services) {
    Map<String, Map<String, Double>> out = new LinkedHashMap<>();
    for (String caller : calls.keys()) {
      if (!services.contains(caller)) {
        calls.error(null, quote(caller) + " (expected: a caller among " + services + ")");
      }
      ConfigNode callees = calls.section(caller, "callees with shares, e.g. {payments: 1}");
      if (callees.present()) {
        out.put(caller, callees(callees, services));
      }
    }
    return out;
  }

  private static Map<String, Double> callees(ConfigNode callees, List<String> services) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (String callee : callees.keys()) {
      if (!callees.has(callee)) {
        callees.error(callee, "missing (expected: a share, 0 to 1)");
        continue;
      }
      double share = callees.number(callee, Double.NaN, s -> s > 0 && s <= 1, "0 to 1");
      if (Double.isNaN(share)) {
        continue;
      }
      if (!services.contains(callee) && !Scenario.isDatabase(callee)) {
        callees.error(
            null, quote(callee) + " (expected: another service, or a database system/namespace)");
        continue;
      }
      out.put(callee, share);
    }
    return out;
  }

  private List<Incident> incidents(ConfigNode root, List<String> services) {
    List<Incident> incidents = new ArrayList<>();
    for (ConfigNode n :
        root.sections("incidents", "an incident with type, service, at, duration")) {
      incident(n, services).ifPresent(incidents::add);
    }
    return incidents;
  }

  private Optional<Incident> incident(ConfigNode n, List<String> services) {
    Optional<Incident.Type> type = type(n);
    if (type.isPresent()) {
      n.describedAs(type.get().id());
    } else {
      PARAMS.values().forEach(keys -> n.allow(keys.toArray(String[]::new)));
    }
    Optional<String> service = text(n, "service");
    if (service.isEmpty() && !n.has("service")) {
      n.error("service", "missing (expected: one of " + String.join(", ", services) + ")");
    }
    service
        .filter(s -> !services.isEmpty() && !services.contains(s))
        .ifPresent(s -> n.error("service", quote(s) + " (expected: one of " + services + ")"));
    Duration at = duration(n, "at", null, true);
    Duration duration = duration(n, "duration", null, true);
    if (duration != null && duration.isZero()) {
      n.error("duration", quote(duration) + " (expected: more than 0s)");
      duration = null;
    }
    if (type.isEmpty()) {
      return Optional.empty();
    }
    return params(type.get(), n, service.orElse(null), at, duration);
  }

  /** The incident with its type's parameters, all read (and checked) even when others are bad. */
  private Optional<Incident> params(
      Incident.Type type, ConfigNode n, String service, Duration at, Duration length) {
    int before = errors.list().size();
    double ratio = 0;
    double factor = 1;
    Duration ramp = Duration.ZERO;
    if (type == Incident.Type.ERROR_SPIKE || type == Incident.Type.SLOW_BURN) {
      ratio = required(n, "errorRatio", ScenarioParser::isRatio, RATIO + ", e.g. 0.25");
    }
    if (type == Incident.Type.LATENCY_REGRESSION) {
      factor =
          required(
              n,
              "latencyFactor",
              f -> f > 0 && f <= 1000,
              "more than 0 and at most 1000, e.g. 3 for three times slower");
    }
    if (type == Incident.Type.SLOW_BURN) {
      Duration whole = length == null ? Duration.ZERO : length;
      ramp = duration(n, "ramp", whole.dividedBy(4), false);
      if (length != null && ramp.compareTo(length) > 0) {
        n.error(
            "ramp",
            quote(ramp)
                + " (expected: at most the duration, "
                + Quantities.formatDurationMixed(length)
                + ")");
      }
    }
    if (errors.list().size() > before || service == null || at == null || length == null) {
      return Optional.empty();
    }
    return Optional.of(new Incident(type, service, at, length, ratio, factor, ramp));
  }

  private static Optional<Incident.Type> type(ConfigNode n) {
    List<String> ids = new ArrayList<>();
    for (Incident.Type t : Incident.Type.values()) {
      ids.add(t.id());
    }
    String expected = " (expected: one of " + String.join(", ", ids) + ")";
    if (!n.has("type")) {
      n.error("type", "missing" + expected);
      return Optional.empty();
    }
    String value = n.string("type", "");
    for (Incident.Type t : Incident.Type.values()) {
      if (t.id().equals(value.toLowerCase(Locale.ROOT).replace('-', '_'))) {
        return Optional.of(t);
      }
    }
    n.error("type", quote(value) + expected);
    return Optional.empty();
  }

  private static double required(ConfigNode n, String key, DoublePredicate ok, String expected) {
    if (!n.has(key)) {
      n.error(key, "missing (expected: " + expected + ")");
      n.allow(key);
      return Double.NaN;
    }
    return n.number(key, Double.NaN, ok, expected);
  }

  private static Duration duration(
      ConfigNode n, String key, Duration defaultValue, boolean required) {
    if (!n.has(key)) {
      if (required) {
        n.error(key, "missing (" + Quantities.EXPECTED_DURATION + ")");
      }
      n.allow(key);
      return defaultValue;
    }
    return n.duration(key, required ? null : defaultValue);
  }

  private static Optional<String> text(ConfigNode n, String key) {
    String value = n.string(key, null);
    if (value != null && value.isBlank()) {
      n.error(key, quote(value) + " (expected: a non-empty string)");
      return Optional.empty();
    }
    return Optional.ofNullable(value);
  }

  private static String quote(Object value) {
    return "\"" + value + "\"";
  }

  private static String quote(Duration d) {
    return quote(Quantities.formatDurationMixed(d));
  }
}
