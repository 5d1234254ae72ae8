package dev.vitals.app;

import dev.vitals.common.config.Quantities;
import dev.vitals.loadgen.Baseline;
import dev.vitals.loadgen.HistogramKind;
import dev.vitals.loadgen.Loadgen;
import dev.vitals.loadgen.OtlpHttpSender;
import dev.vitals.loadgen.Runner;
import dev.vitals.loadgen.Scenario;
import dev.vitals.loadgen.ScenarioException;
import dev.vitals.loadgen.Sender;
import dev.vitals.loadgen.Temporality;
import java.io.PrintStream;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vitals loadgen}: realistic OTLP traffic for N services with scripted incidents. */
@Command(
    name = "loadgen",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Sends realistic OTLP/HTTP traffic (http.server.request.duration histograms, server spans,"
          + " logs) for the services of a scenario, with its scripted incidents, in real time or"
          + " in simulated time. See docs/loadgen.md."
    })
public final class LoadgenCommand implements Callable<Integer> {

  @Option(
      names = "--endpoint",
      paramLabel = "URL",
      description =
          "OTLP/HTTP base URL; /v1/metrics, /v1/traces, /v1/logs are appended. Default: ${DEFAULT-VALUE}.")
  String endpoint = OtlpHttpSender.DEFAULT_ENDPOINT.toString();

  @Option(
      names = "--scenario",
      paramLabel = "FILE|NAME",
      description =
          "A scenario YAML file, or a built-in one: demo, steady. Default: ${DEFAULT-VALUE}.")
  String scenario = "demo";

  @Option(
      names = "--services",
      paramLabel = "N",
      description = "Number of services: the scenario's first N, or more with generated names.")
  @Nullable Integer services;

  @Option(
      names = "--rate",
      paramLabel = "PER_SECOND",
      description = "Requests per second per service (overrides the scenario).")
  @Nullable Double rate;

  @Option(
      names = "--error-ratio",
      paramLabel = "RATIO",
      description = "Baseline share of 5xx answers, e.g. 0.0005 (overrides the scenario).")
  @Nullable Double errorRatio;

  @Option(
      names = "--duration",
      paramLabel = "DURATION",
      description =
          "Stop after this much event time. Default: until interrupted in real time; when"
              + " fast-forwarding, until caught up with the present (--start in the past) or the"
              + " scenario's length.")
  @Nullable String duration;

  @Option(
      names = "--step",
      paramLabel = "DURATION",
      description = "Event time between two exports of a service. Default: ${DEFAULT-VALUE}.")
  String step = "10s";

  @Option(
      names = "--seed",
      description =
          "Random seed; the same seed, scenario and start send the same data. Default: ${DEFAULT-VALUE}.")
  long seed = Loadgen.DEFAULT_SEED;

  @Option(
      names = "--simulated",
      description = "Fast-forward event time: send steps as fast as ingest takes them.")
  boolean simulated;

  @Option(
      names = "--start",
      paramLabel = "WHEN",
      description =
          "Event time of the start, relative to now (-3d, -90m) or an instant (2025-01-31T00:00:00Z). Needs --simulated or --speed. Default: now.")
  @Nullable String start;

  @Option(
      names = "--speed",
      paramLabel = "FACTOR",
      description =
          "Fast-forward at this many event seconds per wall second (implies --simulated).")
  @Nullable Double speed;

  @Option(
      names = "--then-realtime",
      description = "Once a fast-forwarded run catches up with the present, go on in real time.")
  boolean thenRealtime;

  @Option(
      names = "--temporality",
      paramLabel = "cumulative|delta",
      description = "Histogram temporality. Default: ${DEFAULT-VALUE}.")
  String temporality = "cumulative";

  @Option(
      names = "--histogram",
      paramLabel = "explicit|exponential",
      description = "Histogram kind. Default: ${DEFAULT-VALUE}.")
  String histogram = "explicit";

  @Option(
      names = "--scale",
      description = "Starting scale of exponential histograms. Default: ${DEFAULT-VALUE}.")
  int scale = 6;

  @Option(
      names = "--spans-per-step",
      paramLabel = "N",
      description =
          "Spans sampled per service and step (plus as many failed requests). Default: ${DEFAULT-VALUE}.")
  int spansPerStep = 5;

  @Option(names = "--gzip", description = "Compress request bodies with gzip.")
  boolean gzip;

  @Option(names = "--token", description = "Bearer token (Authorization: Bearer ...).")
  @Nullable String token;

  @Option(names = "--tenant", description = "Tenant, sent as X-Scope-OrgID.")
  @Nullable String tenant;

  @Option(
      names = "--parallelism",
      paramLabel = "N",
      description = "Requests in flight at once. Default: ${DEFAULT-VALUE}.")
  int parallelism = 8;

  Clock clock = Clock.systemUTC();
  PrintStream out = System.out;
  PrintStream err = System.err;

  @Override
  public Integer call() throws Exception {
    List<String> errors = new ArrayList<>();
    Optional<Scenario> played = scenario(errors);
    Plan plan = plan(played.orElse(null), errors);
    if (!errors.isEmpty()) {
      err.println("vitals loadgen: " + errors.size() + " error(s):");
      errors.forEach(e -> err.println("  " + e));
      return Vitals.EXIT_CONFIG;
    }
    OtlpHttpSender sender = sender();
    try (Loadgen loadgen = loadgen(played.get(), plan, sender)) {
      Runner runner =
          new Runner(
              loadgen,
              plan.pace,
              speed == null ? 1 : speed,
              plan.end,
              thenRealtime,
              clock,
              d -> Thread.sleep(d.toMillis()),
              out,
              sender::retries);
      out.println(describe(played.get(), plan));
      CountDownLatch finished = new CountDownLatch(1);
      Thread hook = new Thread(() -> stopAndWait(runner, finished), "loadgen-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      Loadgen.Stats stats;
      try {
        stats = runner.run();
      } finally {
        finished.countDown();
      }
      return stats.exportsFailed() == 0 ? Vitals.EXIT_OK : Vitals.EXIT_FAILURE;
    }
  }

  private static void stopAndWait(Runner runner, CountDownLatch finished) {
    runner.stop();
    try {
      finished.await(15, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private Optional<Scenario> scenario(List<String> errors) {
    try {
      Scenario s = Scenario.resolve(scenario);
      if (services != null) {
        s = s.withServiceCount(services);
      }
      Baseline b = s.baseline();
      if (rate != null) {
        b = b.withRate(rate);
      }
      if (errorRatio != null) {
        b = b.withErrorRatio(errorRatio);
      }
      return Optional.of(s.withBaseline(b));
    } catch (ScenarioException e) {
      e.errors().forEach(line -> errors.add("scenario " + e.source() + ": " + line));
    } catch (IllegalArgumentException e) {
      errors.add(e.getMessage());
    }
    return Optional.empty();
  }

  /** Start, end and pacing of the run. */
  record Plan(
      Instant start,
      @Nullable Instant end,
      Runner.Pace pace,
      Duration step,
      Temporality temporality,
      HistogramKind histogram) {}

  Plan plan(@Nullable Scenario s, List<String> errors) {
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    boolean fast = simulated || speed != null;
    Duration stepLength = positive("--step", step, errors).orElse(Loadgen.DEFAULT_STEP);
    Optional<Duration> length =
        duration == null ? Optional.empty() : positive("--duration", duration, errors);
    Instant begin = now;
    if (start != null) {
      if (!fast) {
        errors.add("--start: \"" + start + "\" (expected: only with --simulated or --speed)");
      }
      begin = startTime(now, errors);
    }
    if (speed != null && !(speed > 0)) {
      errors.add("--speed: " + speed + " (expected: > 0)");
    }
    if (thenRealtime && !fast) {
      errors.add("--then-realtime (expected: only with --simulated or --speed)");
    }
    Instant end = null;
    if (length.isPresent()) {
      end = begin.plus(length.get());
    } else if (fast && !begin.isBefore(now) && s != null) {
      end = begin.plus(s.length());
    }
    Runner.Pace pace =
        !fast ? Runner.Pace.REAL_TIME : speed == null ? Runner.Pace.FAST : Runner.Pace.SPEED;
    Temporality t =
        choice("--temporality", temporality, Temporality.values(), errors, Temporality.CUMULATIVE);
    HistogramKind h =
        choice("--histogram", histogram, HistogramKind.values(), errors, HistogramKind.EXPLICIT);
    checkEndpoint(errors);
    if (parallelism < 1) {
      errors.add("--parallelism: " + parallelism + " (expected: >= 1)");
    }
    if (spansPerStep < 0) {
      errors.add("--spans-per-step: " + spansPerStep + " (expected: >= 0)");
    }
    if (scale < -10 || scale > 20) {
      errors.add("--scale: " + scale + " (expected: -10 to 20)");
    }
    return new Plan(begin, end, pace, stepLength, t, h);
  }

  private Instant startTime(Instant now, List<String> errors) {
    Optional<Duration> relative = Quantities.parseDuration(start);
    if (relative.isPresent()) {
      return now.plus(relative.get());
    }
    try {
      return Instant.parse(start);
    } catch (DateTimeParseException e) {
      errors.add(
          "--start: \""
              + start
              + "\" (expected: an offset from now such as -3d or an instant such as 2025-01-31T00:00:00Z)");
      return now;
    }
  }

  private static Optional<Duration> positive(String option, String text, List<String> errors) {
    Optional<Duration> d = Quantities.parseDuration(text);
    if (d.isEmpty() || d.get().toMillis() <= 0) {
      errors.add(
          option
              + ": \""
              + text
              + "\" ("
              + Quantities.EXPECTED_DURATION.replace("expected: a", "expected: a positive")
              + ")");
      return Optional.empty();
    }
    return d;
  }

  private static <E extends Enum<E>> E choice(
      String option, String text, E[] values, List<String> errors, E fallback) {
    List<String> names = new ArrayList<>();
    for (E v : values) {
      String name = v.name().toLowerCase(Locale.ROOT);
      if (name.equals(text.toLowerCase(Locale.ROOT))) {
        return v;
      }
      names.add(name);
    }
    errors.add(option + ": \"" + text + "\" (expected: one of " + String.join(", ", names) + ")");
    return fallback;
  }

  private void checkEndpoint(List<String> errors) {
    try {
      OtlpHttpSender.builder().endpoint(URI.create(endpoint));
    } catch (IllegalArgumentException e) {
      errors.add("--endpoint: \"" + endpoint + "\" (expected: an http:// or https:// URL)");
    }
  }

  private OtlpHttpSender sender() {
    return OtlpHttpSender.builder()
        .endpoint(URI.create(endpoint))
        .gzip(gzip)
        .token(token)
        .tenant(tenant)
        .build();
  }

  private Loadgen loadgen(Scenario s, Plan plan, Sender sender) {
    return Loadgen.builder()
        .scenario(s)
        .seed(seed)
        .startTime(plan.start)
        .step(plan.step)
        .sender(sender)
        .temporality(plan.temporality)
        .histogram(plan.histogram)
        .exponentialScale(scale)
        .spansPerStep(spansPerStep)
        .parallelism(parallelism)
        .build();
  }

  private String describe(Scenario s, Plan plan) {
    return String.format(
        Locale.ROOT,
        "loadgen scenario=%s services=%d incidents=%d rate=%s/s error-ratio=%s endpoint=%s"
            + " pace=%s start=%s end=%s step=%s seed=%d",
        s.name(),
        s.services().size(),
        s.incidents().size(),
        s.baseline().rate(),
        s.baseline().errorRatio(),
        endpoint,
        plan.pace.name().toLowerCase(Locale.ROOT) + (speed == null ? "" : "x" + speed),
        plan.start,
        plan.end == null
            ? (plan.pace == Runner.Pace.REAL_TIME ? "interrupted" : "caught-up")
            : plan.end,
        Quantities.formatDurationMixed(plan.step),
        seed);
  }
}
