package dev.vitals.app.loadgen;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.vitals.streams.internal.config.Quantities;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.DoublePredicate;

/**
 * Reads scenario YAML into a {@link Scenario}, collecting every problem (path, value, what was
 * expected) before failing. Unknown keys are errors, so a typo never silently does nothing.
 */
final class ScenarioParser {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Set<String> ROOT_KEYS =
      Set.of("name", "namespace", "length", "baseline", "services", "incidents", "calls");
  private static final Set<String> BASELINE_KEYS =
      Set.of("rate", "errorRatio", "latencyMedian", "latencySigma");
  private static final Set<String> SERVICES_KEYS = Set.of("count", "names");
  private static final Set<String> INCIDENT_KEYS = Set.of("type", "service", "at", "duration");
  private static final Map<Incident.Type, Set<String>> PARAMS =
      Map.of(
          Incident.Type.ERROR_SPIKE, Set.of("errorRatio"),
          Incident.Type.LATENCY_REGRESSION, Set.of("latencyFactor"),
          Incident.Type.SILENT, Set.of(),
          Incident.Type.SLOW_BURN, Set.of("errorRatio", "ramp"));
  private static final Duration DEFAULT_LENGTH = Duration.ofHours(1);
  private static final int MAX_SERVICES = 10_000;

  private final List<String> errors = new ArrayList<>();

  private ScenarioParser() {}

  static Scenario parse(String yaml, String source, String defaultName) throws ScenarioException {
    JsonNode root;
    try {
      root = YAML.readTree(yaml);
    } catch (JsonProcessingException e) {
      throw new ScenarioException(
          source, List.of("not valid YAML: " + e.getOriginalMessage().strip()));
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      throw new ScenarioException(source, List.of("the scenario is empty (expected: services)"));
    }
    ScenarioParser parser = new ScenarioParser();
    Scenario scenario = parser.scenario(root, defaultName);
    if (!parser.errors.isEmpty()) {
      throw new ScenarioException(source, parser.errors);
    }
    return scenario;
  }

  private Scenario scenario(JsonNode root, String defaultName) {
    if (!section(root, "(root)", ROOT_KEYS)) {
      return null;
    }
    String name = text(root, "", "name").orElse(defaultName);
    String namespace = text(root, "", "namespace").orElse("shop");
    Duration length = duration(root, "", "length", DEFAULT_LENGTH, false);
    Baseline baseline = baseline(root.path("baseline"));
    List<String> services = services(root.get("services"));
    List<Incident> incidents = incidents(root.path("incidents"), services);
    Map<String, Map<String, Double>> calls = calls(root.path("calls"), services);
    if (!errors.isEmpty()) {
      return null;
    }
    try {
      return new Scenario(name, namespace, length, baseline, services, incidents, calls);
    } catch (IllegalArgumentException e) {
      errors.add(e.getMessage());
      return null;
    }
  }

  private Baseline baseline(JsonNode node) {
    Baseline d = Baseline.DEFAULT;
    if (node.isMissingNode() || !section(node, "baseline", BASELINE_KEYS)) {
      return d;
    }
    double rate =
        number(node, "baseline.", "rate", d.rate(), r -> r >= 0 && r <= 1e6, "0 to 1000000");
    double ratio = ratio(node, "baseline.", "errorRatio", d.errorRatio());
    Duration median = duration(node, "baseline.", "latencyMedian", d.latencyMedian(), false);
    if (median.compareTo(Duration.ofMinutes(1)) > 0) {
      error("baseline.latencyMedian", quote(node.get("latencyMedian")), "at most 1m");
      median = d.latencyMedian();
    }
    double sigma =
        number(
            node, "baseline.", "latencySigma", d.latencySigma(), s -> s >= 0 && s <= 3, "0 to 3");
    return new Baseline(rate, ratio, median, sigma);
  }

  private List<String> services(JsonNode node) {
    if (node == null) {
      errors.add("services: missing (expected: a list of names, or count: and names:)");
      return List.of();
    }
    if (node.isArray()) {
      return validNames(node, "services");
    }
    if (!section(node, "services", SERVICES_KEYS)) {
      return List.of();
    }
    List<String> names =
        node.has("names") ? validNames(node.get("names"), "services.names") : List.of();
    double count =
        number(
            node,
            "services.",
            "count",
            names.size(),
            c -> c >= 1 && c <= MAX_SERVICES,
            "1 to " + MAX_SERVICES);
    if (count != Math.rint(count)) {
      error("services.count", node.get("count").asText(), "a whole number");
    } else if (count < names.size()) {
      error("services.count", (long) count, "at least the " + names.size() + " names listed");
    } else if (count == 0) {
      errors.add("services: no services (expected: names: or count:)");
    }
    return Scenario.generatedNames(names, (int) Math.max(count, names.size()));
  }

  private List<String> validNames(JsonNode node, String path) {
    List<String> names = new ArrayList<>();
    if (!node.isArray()) {
      error(path, quote(node), "a list of service names");
      return names;
    }
    for (int i = 0; i < node.size(); i++) {
      JsonNode item = node.get(i);
      String at = path + "[" + i + "]";
      if (!item.isTextual() || !Scenario.SERVICE_NAME.matcher(item.asText()).matches()) {
        error(at, quote(item), "a service name of 1 to 63 of A-Z a-z 0-9 _ . -");
      } else if (names.contains(item.asText())) {
        error(at, quote(item), "a name not listed before");
      } else {
        names.add(item.asText());
      }
    }
    if (node.isEmpty()) {
      error(path, "[]", "at least one service");
    }
    return names;
  }

  /** {@code calls: {caller: {callee: share, …}, …}}; shares default to 1. */
  private Map<String, Map<String, Double>> calls(JsonNode node, List<String> services) {
    Map<String, Map<String, Double>> calls = new java.util.LinkedHashMap<>();
    if (node.isMissingNode() || node.isNull()) {
      return calls;
    }
    if (!node.isObject()) {
      error("calls", quote(node), "callers, each with its callees and shares");
      return calls;
    }
    node.properties()
        .forEach(
            caller -> {
              String p = "calls." + caller.getKey();
              if (!services.contains(caller.getKey())) {
                error("calls", "\"" + caller.getKey() + "\"", "a caller among " + services);
              }
              if (!caller.getValue().isObject()) {
                error(p, quote(caller.getValue()), "callees with shares, e.g. {payments: 1}");
                return;
              }
              Map<String, Double> callees = new java.util.LinkedHashMap<>();
              caller
                  .getValue()
                  .properties()
                  .forEach(
                      callee -> {
                        double share = callee.getValue().asDouble(Double.NaN);
                        if (!(share > 0 && share <= 1)) {
                          error(p + "." + callee.getKey(), quote(callee.getValue()), "0 to 1");
                          return;
                        }
                        if (!services.contains(callee.getKey())
                            && !Scenario.isDatabase(callee.getKey())) {
                          error(
                              p,
                              "\"" + callee.getKey() + "\"",
                              "another service, or a database system/namespace");
                          return;
                        }
                        callees.put(callee.getKey(), share);
                      });
              calls.put(caller.getKey(), callees);
            });
    return calls;
  }

  private List<Incident> incidents(JsonNode node, List<String> services) {
    List<Incident> incidents = new ArrayList<>();
    if (node.isMissingNode() || node.isNull()) {
      return incidents;
    }
    if (!node.isArray()) {
      error("incidents", quote(node), "a list of incidents");
      return incidents;
    }
    for (int i = 0; i < node.size(); i++) {
      incident(node.get(i), "incidents[" + i + "]", services).ifPresent(incidents::add);
    }
    return incidents;
  }

  private Optional<Incident> incident(JsonNode node, String path, List<String> services) {
    if (!node.isObject()) {
      error(path, quote(node), "an incident with type, service, at, duration");
      return Optional.empty();
    }
    Optional<Incident.Type> type = type(node, path);
    if (type.isPresent()) {
      Set<String> allowed = new java.util.HashSet<>(INCIDENT_KEYS);
      allowed.addAll(PARAMS.get(type.get()));
      unknownKeys(node, path, allowed, " of " + type.get().id());
    }
    String p = path + ".";
    Optional<String> service = text(node, p, "service");
    if (service.isEmpty() && !node.has("service")) {
      errors.add(p + "service: missing (expected: one of " + String.join(", ", services) + ")");
    }
    service
        .filter(s -> !services.isEmpty() && !services.contains(s))
        .ifPresent(s -> error(p + "service", quote(node.get("service")), "one of " + services));
    Duration at = duration(node, p, "at", null, true);
    Duration duration = duration(node, p, "duration", null, true);
    if (duration != null && duration.isZero()) {
      error(p + "duration", quote(node.get("duration")), "more than 0s");
      duration = null;
    }
    if (type.isEmpty()) {
      return Optional.empty();
    }
    return params(type.get(), node, p, service.orElse(null), at, duration);
  }

  /** The incident with its type's parameters, all read (and checked) even when others are bad. */
  private Optional<Incident> params(
      Incident.Type type, JsonNode node, String p, String service, Duration at, Duration length) {
    int before = errors.size();
    double ratio = 0;
    double factor = 1;
    Duration ramp = Duration.ZERO;
    if (type == Incident.Type.ERROR_SPIKE || type == Incident.Type.SLOW_BURN) {
      ratio = requiredRatio(node, p);
    }
    if (type == Incident.Type.LATENCY_REGRESSION) {
      factor =
          required(
              node,
              p,
              "latencyFactor",
              f -> f > 0 && f <= 1000,
              "more than 0 and at most 1000, e.g. 3 for three times slower");
    }
    if (type == Incident.Type.SLOW_BURN) {
      Duration whole = length == null ? Duration.ZERO : length;
      ramp = duration(node, p, "ramp", whole.dividedBy(4), false);
      if (length != null && ramp.compareTo(length) > 0) {
        error(
            p + "ramp",
            quote(node.get("ramp")),
            "at most the duration, " + Quantities.formatDurationMixed(length));
      }
    }
    if (errors.size() > before || service == null || at == null || length == null) {
      return Optional.empty();
    }
    return Optional.of(new Incident(type, service, at, length, ratio, factor, ramp));
  }

  private Optional<Incident.Type> type(JsonNode node, String path) {
    List<String> ids = new ArrayList<>();
    for (Incident.Type t : Incident.Type.values()) {
      ids.add(t.id());
    }
    JsonNode value = node.get("type");
    if (value == null) {
      errors.add(path + ".type: missing (expected: one of " + String.join(", ", ids) + ")");
      return Optional.empty();
    }
    for (Incident.Type t : Incident.Type.values()) {
      if (t.id().equals(value.asText().toLowerCase(Locale.ROOT).replace('-', '_'))) {
        return Optional.of(t);
      }
    }
    error(path + ".type", quote(value), "one of " + String.join(", ", ids));
    return Optional.empty();
  }

  private double requiredRatio(JsonNode node, String p) {
    return required(node, p, "errorRatio", r -> r >= 0 && r <= 1, "a ratio from 0 to 1, e.g. 0.25");
  }

  private double required(
      JsonNode node, String p, String key, DoublePredicate ok, String expected) {
    if (!node.has(key)) {
      errors.add(p + key + ": missing (expected: " + expected + ")");
      return Double.NaN;
    }
    return number(node, p, key, Double.NaN, ok, expected);
  }

  private double ratio(JsonNode node, String p, String key, double defaultValue) {
    return number(node, p, key, defaultValue, r -> r >= 0 && r <= 1, "a ratio from 0 to 1");
  }

  private double number(
      JsonNode node,
      String p,
      String key,
      double defaultValue,
      DoublePredicate ok,
      String expected) {
    JsonNode value = node.get(key);
    if (value == null) {
      return defaultValue;
    }
    if (!value.isNumber()) {
      error(p + key, quote(value), "a number, " + expected);
      return defaultValue;
    }
    if (!ok.test(value.doubleValue())) {
      error(p + key, value.asText(), expected);
      return defaultValue;
    }
    return value.doubleValue();
  }

  private Duration duration(
      JsonNode node, String p, String key, Duration defaultValue, boolean required) {
    JsonNode value = node.get(key);
    if (value == null) {
      if (required) {
        errors.add(p + key + ": missing (" + Quantities.EXPECTED_DURATION + ")");
      }
      return defaultValue;
    }
    Optional<Duration> parsed =
        value.isValueNode() ? Quantities.parseDuration(value.asText()) : Optional.empty();
    if (parsed.isEmpty() || parsed.get().isNegative()) {
      errors.add(
          p
              + key
              + ": "
              + quote(value)
              + " is not a duration ("
              + Quantities.EXPECTED_DURATION
              + ")");
      return required ? null : defaultValue;
    }
    return parsed.get();
  }

  private Optional<String> text(JsonNode node, String p, String key) {
    JsonNode value = node.get(key);
    if (value == null) {
      return Optional.empty();
    }
    if (!value.isTextual() || value.asText().isBlank()) {
      error(p + key, quote(value), "a non-empty string");
      return Optional.empty();
    }
    return Optional.of(value.asText());
  }

  private boolean section(JsonNode node, String path, Set<String> keys) {
    if (!node.isObject()) {
      error(path, quote(node), "keys " + String.join(", ", sorted(keys)) + " below it");
      return false;
    }
    unknownKeys(node, path.equals("(root)") ? "" : path, keys, "");
    return true;
  }

  private void unknownKeys(JsonNode node, String path, Set<String> allowed, String of) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!allowed.contains(key)) {
        String at = path.isEmpty() ? key : path + "." + key;
        errors.add(
            at
                + ": unknown key"
                + of
                + " (expected: one of "
                + String.join(", ", sorted(allowed))
                + ")");
      }
    }
  }

  private void error(String path, Object value, String expected) {
    errors.add(path + ": " + value + " (expected: " + expected + ")");
  }

  private static List<String> sorted(Set<String> keys) {
    return keys.stream().sorted().toList();
  }

  private static String quote(JsonNode value) {
    if (value == null) {
      return "null";
    }
    return value.isTextual() ? "\"" + value.asText() + "\"" : value.toString();
  }
}
