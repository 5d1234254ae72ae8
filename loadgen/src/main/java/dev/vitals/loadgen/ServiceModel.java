package dev.vitals.loadgen;

import io.opentelemetry.proto.resource.v1.Resource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.UUID;

/**
 * One simulated service: its routes, its process (start time, cumulative histograms) and its own
 * random stream, so that what one service does never changes what another draws.
 */
final class ServiceModel {

  /** How long a caller waits for an upstream before answering 504. */
  static final double TIMEOUT_SECONDS = 2.0;

  private final String name;
  private final String upstream;
  private final Baseline baseline;
  private final List<Incident> incidents;
  private final GeneratorSettings settings;
  private final SplittableRandom random;
  private final List<Route> routes;
  private final Resource resource;
  private final TreeMap<Integer, LatencyHistogram> series = new TreeMap<>();
  private Instant processStart;
  private boolean down;
  private List<Callee> callees = List.of();
  private boolean called;
  private double[] calleeFailure = new double[0];

  /**
   * A service (or database, {@code service} null) this one calls.
   *
   * @param share the share of this service's requests that call it
   */
  record Callee(String name, ServiceModel service, double share) {}

  ServiceModel(
      Scenario scenario,
      int index,
      SplittableRandom random,
      Instant start,
      GeneratorSettings settings) {
    List<String> services = scenario.services();
    this.name = services.get(index);
    this.upstream = services.size() > 1 ? services.get((index + 1) % services.size()) : "database";
    this.baseline = scenario.baseline();
    this.incidents = scenario.incidentsOf(name);
    this.settings = settings;
    this.random = random;
    this.processStart = start;
    this.routes = routes(name, baseline, random);
    this.resource = resource(scenario.namespace(), name, random);
  }

  String name() {
    return name;
  }

  String upstream() {
    return callees.isEmpty() ? upstream : callees.get(0).name();
  }

  /** Connects this service to its callees (at most 31), and marks them as called. */
  void connect(Map<String, ServiceModel> byName, Map<String, Double> calls) {
    List<Callee> out = new ArrayList<>();
    calls.forEach(
        (name, share) -> {
          ServiceModel target = byName.get(name);
          if (target != null) {
            target.called = true;
          }
          if (out.size() < 31) {
            out.add(new Callee(name, target, share));
          }
        });
    callees = List.copyOf(out);
  }

  List<Callee> callees() {
    return callees;
  }

  /** Whether other services call this one: its spans then have a caller. */
  boolean called() {
    return called;
  }

  /**
   * The share of its requests that fail {@code offset} into the run: its own (baseline and
   * incidents), and those failed by a failing callee.
   */
  double failureRatio(Duration offset) {
    double ok = 1 - Conditions.at(offset, baseline, incidents).errorRatio();
    for (Callee c : callees) {
      if (c.service() != null) {
        ok *= 1 - c.share() * c.service().failureRatio(offset);
      }
    }
    return 1 - ok;
  }

  List<Route> routes() {
    return routes;
  }

  Resource resource() {
    return resource;
  }

  Instant processStart() {
    return processStart;
  }

  SortedMap<Integer, LatencyHistogram> series() {
    return series;
  }

  /**
   * Simulates the requests of one step and adds them to the histograms; null when the service is
   * silent (down) during the step. A service that comes back is a restarted process: new start
   * time, histograms from zero.
   */
  StepRequests step(Instant start, Duration stepLength, Duration offset) {
    Conditions conditions = Conditions.at(offset, baseline, incidents);
    if (conditions.silent()) {
      down = true;
      return null;
    }
    if (down) {
      down = false;
      processStart = start;
      series.clear();
    }
    if (settings.temporality() == Temporality.DELTA) {
      series.values().forEach(LatencyHistogram::reset);
    }
    calleeFailure = new double[callees.size()];
    for (int i = 0; i < callees.size(); i++) {
      ServiceModel callee = callees.get(i).service();
      calleeFailure[i] = callee == null ? 0 : callee.failureRatio(offset);
    }
    return simulate(conditions, stepLength.toNanos());
  }

  private StepRequests simulate(Conditions conditions, long stepNanos) {
    Reservoir sampled = new Reservoir(settings.spansPerStep(), random);
    List<Request> failed = new ArrayList<>();
    long requests = 0;
    for (int r = 0; r < routes.size(); r++) {
      double mean = baseline.rate() * stepNanos / 1e9 * routes.get(r).weight();
      for (long n = poisson(mean); n > 0; n--) {
        Request request = request(r, conditions, stepNanos);
        histogram(request.seriesKey()).record(request.seconds());
        requests++;
        if (request.failed()) {
          failed.add(request);
        } else {
          sampled.offer(request);
        }
      }
    }
    return new StepRequests(requests, failed.size(), traced(sampled.kept()), traced(failed));
  }

  private Request request(int routeIndex, Conditions conditions, long stepNanos) {
    Route route = routes.get(routeIndex);
    long at = random.nextLong(stepNanos);
    int calledMask = 0;
    int failedMask = 0;
    for (int i = 0; i < callees.size(); i++) {
      if (random.nextDouble() < callees.get(i).share()) {
        calledMask |= 1 << i;
        if (calleeFailure[i] > 0 && random.nextDouble() < calleeFailure[i]) {
          failedMask |= 1 << i;
        }
      }
    }
    if (failedMask != 0) {
      return new Request(routeIndex, 502, at, okSeconds(route, conditions), calledMask, failedMask);
    }
    if (calledMask != 0) {
      Request own = ownRequest(route, routeIndex, conditions, at);
      return new Request(own.routeIndex(), own.status(), at, own.seconds(), calledMask, 0);
    }
    return ownRequest(route, routeIndex, conditions, at);
  }

  private Request ownRequest(Route route, int routeIndex, Conditions conditions, long at) {
    if (random.nextDouble() < conditions.errorRatio()) {
      int status = serverError(random.nextDouble());
      return new Request(routeIndex, status, at, errorSeconds(status, route, conditions));
    }
    if (random.nextDouble() < route.notFoundRatio()) {
      return new Request(routeIndex, 404, at, route.medianSeconds() * 0.4 * spread());
    }
    return new Request(routeIndex, 200, at, okSeconds(route, conditions));
  }

  private double okSeconds(Route route, Conditions conditions) {
    return route.medianSeconds() * conditions.latencyFactor() * spread();
  }

  private double errorSeconds(int status, Route route, Conditions conditions) {
    switch (status) {
      case 504:
        return TIMEOUT_SECONDS * (1 + 0.01 * Math.abs(random.nextGaussian()));
      case 503:
        return 0.002 * spread();
      default:
        return okSeconds(route, conditions);
    }
  }

  /** A lognormal factor with median 1. */
  private double spread() {
    return Math.exp(baseline.latencySigma() * random.nextGaussian());
  }

  /** 500 40 %, 502 15 %, 503 20 %, 504 25 %. */
  static int serverError(double u) {
    if (u < 0.40) {
      return 500;
    }
    if (u < 0.55) {
      return 502;
    }
    return u < 0.75 ? 503 : 504;
  }

  private long poisson(double mean) {
    if (mean <= 0) {
      return 0;
    }
    if (mean > 30) {
      return Math.max(0, Math.round(mean + Math.sqrt(mean) * random.nextGaussian()));
    }
    double limit = Math.exp(-mean);
    double product = random.nextDouble();
    long n = 0;
    while (product > limit) {
      product *= random.nextDouble();
      n++;
    }
    return n;
  }

  private LatencyHistogram histogram(int key) {
    return series.computeIfAbsent(
        key,
        k ->
            settings.histogram() == HistogramKind.EXPLICIT
                ? new ExplicitHistogram(ExplicitHistogram.ADVISED_BOUNDS)
                : new ExponentialHistogram(settings.exponentialScale()));
  }

  private List<TracedRequest> traced(List<Request> requests) {
    List<TracedRequest> out = new ArrayList<>(requests.size());
    for (Request r : requests) {
      out.add(new TracedRequest(r, random.nextLong(), random.nextLong(), random.nextLong() | 1));
    }
    return out;
  }

  private static List<Route> routes(String service, Baseline baseline, SplittableRandom random) {
    List<String> names = Route.namesFor(service);
    double[] weights = new double[names.size()];
    double total = 0;
    for (int i = 0; i < weights.length; i++) {
      weights[i] = random.nextDouble(0.5, 2.0);
      total += weights[i];
    }
    double median = baseline.latencyMedian().toNanos() / 1e9;
    List<Route> routes = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      String[] methodPath = names.get(i).split(" ", 2);
      boolean lookup = methodPath[0].equals("GET") && methodPath[1].contains("{");
      double routeMedian = median * Math.exp(random.nextDouble(Math.log(0.5), Math.log(2.0)));
      routes.add(
          new Route(
              methodPath[0], methodPath[1], weights[i] / total, lookup ? 0.02 : 0, routeMedian));
    }
    return List.copyOf(routes);
  }

  private static Resource resource(String namespace, String name, SplittableRandom random) {
    UUID instance = new UUID(random.nextLong(), random.nextLong());
    String version = "1." + random.nextInt(20) + "." + random.nextInt(10);
    return Resource.newBuilder()
        .addAttributes(Otlp.attr("service.name", name))
        .addAttributes(Otlp.attr("service.namespace", namespace))
        .addAttributes(Otlp.attr("service.instance.id", instance.toString()))
        .addAttributes(Otlp.attr("service.version", version))
        .addAttributes(Otlp.attr("deployment.environment.name", "loadgen"))
        .addAttributes(Otlp.attr("telemetry.sdk.name", "opentelemetry"))
        .addAttributes(Otlp.attr("telemetry.sdk.language", "java"))
        .addAttributes(Otlp.attr("telemetry.sdk.version", "1.49.0"))
        .build();
  }

  /**
   * What one step produced besides the histograms.
   *
   * @param sampled successful requests kept as spans (a uniform sample)
   * @param failed every failed request
   */
  record StepRequests(
      long requests, long errors, List<TracedRequest> sampled, List<TracedRequest> failed) {}

  /** A uniform sample of fixed size (Vitter's algorithm R). */
  private static final class Reservoir {
    private final int size;
    private final SplittableRandom random;
    private final List<Request> kept = new ArrayList<>();
    private long seen;

    Reservoir(int size, SplittableRandom random) {
      this.size = size;
      this.random = random;
    }

    void offer(Request r) {
      seen++;
      if (kept.size() < size) {
        kept.add(r);
        return;
      }
      long j = random.nextLong(seen);
      if (j < size) {
        kept.set((int) j, r);
      }
    }

    List<Request> kept() {
      return kept;
    }
  }
}
