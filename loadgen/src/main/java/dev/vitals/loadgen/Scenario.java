package dev.vitals.loadgen;

import static dev.vitals.loadgen.Baseline.check;
import static java.util.Objects.requireNonNull;

import dev.vitals.common.config.Quantities;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the load generator plays: the services of one namespace, how they behave normally and the
 * incidents that strike them. Read from YAML by {@link #load}, {@link #builtIn} or {@link
 * #resolve}; the format is described in {@code docs/loadgen.md}.
 *
 * @param length how long the scenario lasts; the default duration of a simulated run
 * @param calls caller → callee → the share of the caller's requests that call it once; a callee is
 *     another service, or a database named {@code system/namespace} (e.g. {@code
 *     postgresql/payments}) that sends no telemetry of its own. A callee's failures fail the
 *     caller's request (502), and traces span both services.
 */
public record Scenario(
    String name,
    String namespace,
    Duration length,
    Baseline baseline,
    List<String> services,
    List<Incident> incidents,
    Map<String, Map<String, Double>> calls) {

  /** The scenarios shipped inside vitals. */
  public static final List<String> BUILT_IN = List.of("demo", "steady");

  static final Pattern SERVICE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");

  /** Names given to services beyond those a scenario lists, in order; then service-N. */
  private static final List<String> GENERATED_NAMES =
      List.of(
          "frontend",
          "checkout",
          "payments",
          "cart",
          "catalog",
          "search",
          "shipping",
          "accounts",
          "inventory",
          "recommendations",
          "notifications",
          "reviews",
          "currency",
          "ads",
          "email",
          "auth");

  public Scenario {
    requireNonNull(name, "name");
    requireNonNull(namespace, "namespace");
    requireNonNull(length, "length");
    requireNonNull(baseline, "baseline");
    services = List.copyOf(services);
    incidents = List.copyOf(incidents);
    check(length.toMillis() > 0, "length", Quantities.formatDurationMixed(length), "> 0s");
    check(!services.isEmpty(), "services", services, "at least one service");
    check(Set.copyOf(services).size() == services.size(), "services", services, "unique names");
    for (String s : services) {
      check(SERVICE_NAME.matcher(s).matches(), "services", s, "1 to 63 of A-Z a-z 0-9 _ . -");
    }
    for (Incident i : incidents) {
      check(services.contains(i.service()), "incident service", i.service(), "one of " + services);
    }
    calls = copy(calls);
    checkCalls(services, calls);
  }

  /** A scenario whose services do not call each other. */
  public Scenario(
      String name,
      String namespace,
      Duration length,
      Baseline baseline,
      List<String> services,
      List<Incident> incidents) {
    this(name, namespace, length, baseline, services, incidents, Map.of());
  }

  private static Map<String, Map<String, Double>> copy(Map<String, Map<String, Double>> calls) {
    Map<String, Map<String, Double>> out = new LinkedHashMap<>();
    if (calls != null) {
      calls.forEach((caller, callees) -> out.put(caller, Map.copyOf(callees)));
    }
    return java.util.Collections.unmodifiableMap(out);
  }

  private static void checkCalls(List<String> services, Map<String, Map<String, Double>> calls) {
    calls.forEach(
        (caller, callees) -> {
          check(services.contains(caller), "calls", caller, "a caller among " + services);
          callees.forEach(
              (callee, share) -> {
                check(
                    (services.contains(callee) && !callee.equals(caller)) || isDatabase(callee),
                    "calls." + caller,
                    callee,
                    "another service, or a database system/namespace");
                check(share > 0 && share <= 1, "calls." + caller + "." + callee, share, "0 to 1");
              });
        });
    for (String s : services) {
      check(!reaches(s, s, calls, new HashSet<>()), "calls", s, "no cycle of calls");
    }
  }

  private static boolean reaches(
      String from, String target, Map<String, Map<String, Double>> calls, Set<String> seen) {
    for (String callee : calls.getOrDefault(from, Map.of()).keySet()) {
      if (callee.equals(target) || (seen.add(callee) && reaches(callee, target, calls, seen))) {
        return true;
      }
    }
    return false;
  }

  /** A callee named {@code system/namespace}: a database without telemetry of its own. */
  static boolean isDatabase(String callee) {
    int slash = callee.indexOf('/');
    return slash > 0 && slash < callee.length() - 1;
  }

  /** A scenario of {@code count} services with generated names and no incidents. */
  public static Scenario steady(int count, Baseline baseline) {
    return new Scenario(
        "steady",
        "shop",
        Duration.ofHours(1),
        baseline,
        generatedNames(List.of(), count),
        List.of());
  }

  /**
   * A built-in scenario by name ({@link #BUILT_IN}) or a YAML file by path.
   *
   * @throws ScenarioException when the file cannot be read or is not a valid scenario
   */
  public static Scenario resolve(String nameOrPath) throws ScenarioException {
    if (BUILT_IN.contains(nameOrPath)) {
      return builtIn(nameOrPath);
    }
    Path path = Path.of(nameOrPath);
    if (!Files.exists(path)) {
      throw new ScenarioException(
          nameOrPath,
          List.of(
              "\""
                  + nameOrPath
                  + "\" is neither a file nor a built-in scenario (expected: a YAML file or one"
                  + " of "
                  + String.join(", ", BUILT_IN)
                  + ")"));
    }
    return load(path);
  }

  /** Reads a scenario file. */
  public static Scenario load(Path file) throws ScenarioException {
    String source = file.toString();
    try {
      String name = file.getFileName().toString().replaceFirst("\\.ya?ml$", "");
      return ScenarioParser.parse(Files.readString(file, StandardCharsets.UTF_8), source, name);
    } catch (IOException e) {
      throw new ScenarioException(source, List.of("cannot read the file: " + e.getMessage()));
    }
  }

  /** One of the scenarios in {@link #BUILT_IN}. */
  public static Scenario builtIn(String name) throws ScenarioException {
    String resource = name + ".yaml";
    try (InputStream in = Scenario.class.getResourceAsStream(resource)) {
      if (!BUILT_IN.contains(name) || in == null) {
        throw new ScenarioException(
            name,
            List.of("no built-in scenario \"" + name + "\" (expected: one of " + BUILT_IN + ")"));
      }
      return ScenarioParser.parse(
          new String(in.readAllBytes(), StandardCharsets.UTF_8), resource, name);
    } catch (IOException e) {
      throw new ScenarioException(resource, List.of("cannot read: " + e.getMessage()));
    }
  }

  /** Parses scenario YAML; {@code source} names it in error messages. */
  public static Scenario parse(String yaml, String source) throws ScenarioException {
    return ScenarioParser.parse(yaml, source, source);
  }

  /**
   * This scenario with {@code count} services: the first ones kept (with their incidents), more
   * added with generated names.
   */
  public Scenario withServiceCount(int count) {
    check(count > 0, "services", count, "> 0");
    List<String> kept = services.subList(0, Math.min(count, services.size()));
    List<Incident> still = incidents.stream().filter(i -> kept.contains(i.service())).toList();
    Map<String, Map<String, Double>> keptCalls = new LinkedHashMap<>();
    calls.forEach(
        (caller, callees) -> {
          if (kept.contains(caller)) {
            Map<String, Double> c = new LinkedHashMap<>(callees);
            c.keySet().removeIf(callee -> !kept.contains(callee) && !isDatabase(callee));
            keptCalls.put(caller, c);
          }
        });
    return new Scenario(
        name, namespace, length, baseline, generatedNames(kept, count), still, keptCalls);
  }

  public Scenario withBaseline(Baseline baseline) {
    return new Scenario(name, namespace, length, baseline, services, incidents, calls);
  }

  /** The incidents of one service. */
  public List<Incident> incidentsOf(String service) {
    return incidents.stream().filter(i -> i.service().equals(service)).toList();
  }

  static List<String> generatedNames(List<String> given, int count) {
    List<String> names = new ArrayList<>(given);
    Set<String> taken = new HashSet<>(given);
    for (int n = 0; names.size() < count; n++) {
      String candidate = n < GENERATED_NAMES.size() ? GENERATED_NAMES.get(n) : "service-" + (n + 1);
      if (taken.add(candidate)) {
        names.add(candidate);
      }
    }
    return names;
  }
}
