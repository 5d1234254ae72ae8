package dev.vitals.loadgen;

import static dev.vitals.loadgen.Baseline.check;
import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Plays a {@link Scenario}: step after step of event time, every service's requests become the OTLP
 * metrics, spans and logs its SDK would export, handed to a {@link Sender}.
 *
 * <p>What is generated depends only on (seed, scenario, start time, step, settings), never on the
 * wall clock or on how sending went: pacing in real time is the caller's business.
 *
 * <pre>{@code
 * try (Loadgen loadgen = Loadgen.builder()
 *     .scenario(Scenario.builtIn("demo")).seed(1).startTime(start).step(Duration.ofSeconds(10))
 *     .sender(OtlpHttpSender.builder().build()).build()) {
 *   loadgen.runUntil(Instant.now());
 * }
 * }</pre>
 */
public final class Loadgen implements AutoCloseable {

  public static final Duration DEFAULT_STEP = Duration.ofSeconds(10);
  public static final long DEFAULT_SEED = 1;

  private final Scenario scenario;
  private final Instant startTime;
  private final Duration step;
  private final Sender sender;
  private final GeneratorSettings settings;
  private final List<ServiceModel> services;
  private final ExecutorService pool;
  private long steps;
  private long requests;
  private long errors;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();

  private Loadgen(Builder b) {
    this.scenario = b.scenario;
    this.startTime = b.startTime;
    this.step = b.step;
    this.sender = b.sender;
    this.settings = b.settings();
    SplittableRandom root = new SplittableRandom(b.seed);
    List<ServiceModel> models = new ArrayList<>();
    for (int i = 0; i < scenario.services().size(); i++) {
      models.add(new ServiceModel(scenario, i, root.split(), startTime, settings));
    }
    Map<String, ServiceModel> byName = new java.util.HashMap<>();
    models.forEach(m -> byName.put(m.name(), m));
    for (ServiceModel m : models) {
      m.connect(byName, scenario.calls().getOrDefault(m.name(), Map.of()));
    }
    this.services = List.copyOf(models);
    this.pool =
        b.parallelism > 1 ? Executors.newFixedThreadPool(b.parallelism, Loadgen::thread) : null;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Generates the next step of every service and sends it; returns what was sent. */
  public synchronized Step runStep() {
    Instant start = nextStepStart();
    Instant end = start.plus(step);
    Duration offset = Duration.between(startTime, start);
    List<OtlpExport> exports = new ArrayList<>();
    long stepRequests = 0;
    long stepErrors = 0;
    for (ServiceModel service : services) {
      ServiceModel.StepRequests r = service.step(start, step, offset);
      if (r != null) {
        exports.addAll(new StepExports(service, settings, start, end, r).exports());
        stepRequests += r.requests();
        stepErrors += r.errors();
      }
    }
    send(exports);
    steps++;
    requests += stepRequests;
    errors += stepErrors;
    return new Step(steps - 1, start, end, exports, stepRequests, stepErrors);
  }

  /** Runs {@code n} steps back to back. */
  public Stats runSteps(long n) {
    for (long i = 0; i < n; i++) {
      runStep();
    }
    return stats();
  }

  /** Runs steps back to back while a step would end at or before {@code end}. */
  public Stats runUntil(Instant end) {
    while (!nextStepStart().plus(step).isAfter(end)) {
      runStep();
    }
    return stats();
  }

  /** Where the next step starts in event time (its data is stamped with its end). */
  public synchronized Instant nextStepStart() {
    return startTime.plus(step.multipliedBy(steps));
  }

  public Instant startTime() {
    return startTime;
  }

  public Duration step() {
    return step;
  }

  public Scenario scenario() {
    return scenario;
  }

  public synchronized Stats stats() {
    return new Stats(steps, nextStepStart(), requests, errors, sent.get(), failed.get());
  }

  /** Stops the sending threads, if any; idempotent. */
  @Override
  public void close() {
    if (pool != null) {
      pool.shutdownNow();
    }
  }

  private void send(List<OtlpExport> exports) {
    if (pool == null) {
      exports.forEach(this::sendOne);
      return;
    }
    List<Future<?>> futures = new ArrayList<>();
    for (OtlpExport e : exports) {
      futures.add(pool.submit(() -> sendOne(e)));
    }
    for (Future<?> f : futures) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (ExecutionException e) {
        failed.incrementAndGet();
      }
    }
  }

  private void sendOne(OtlpExport export) {
    boolean ok;
    try {
      ok = sender.send(export);
    } catch (RuntimeException e) {
      ok = false;
    }
    (ok ? sent : failed).incrementAndGet();
  }

  private static Thread thread(Runnable r) {
    Thread t = new Thread(r, "loadgen-sender");
    t.setDaemon(true);
    return t;
  }

  /**
   * One step of event time, [start, end), as sent.
   *
   * @param exports every request sent, service by service (metrics, traces, logs)
   * @param requests the requests simulated over all services
   * @param errors those of them answered 5xx
   */
  public record Step(
      long index,
      Instant start,
      Instant end,
      List<OtlpExport> exports,
      long requests,
      long errors) {}

  /**
   * Totals since the start.
   *
   * @param eventTime where event time stands: the end of the last step
   * @param exportsSent export requests the sender delivered
   * @param exportsFailed export requests it gave up on
   */
  public record Stats(
      long steps,
      Instant eventTime,
      long requests,
      long errors,
      long exportsSent,
      long exportsFailed) {}

  /** Named defaults: the built-in steady scenario's shape, seed 1, 10 s steps, now. */
  public static final class Builder {
    private Scenario scenario = Scenario.steady(8, Baseline.DEFAULT);
    private long seed = DEFAULT_SEED;
    private Instant startTime;
    private Duration step = DEFAULT_STEP;
    private Sender sender;
    private Temporality temporality = GeneratorSettings.DEFAULT.temporality();
    private HistogramKind histogram = GeneratorSettings.DEFAULT.histogram();
    private int exponentialScale = GeneratorSettings.DEFAULT.exponentialScale();
    private int spansPerStep = GeneratorSettings.DEFAULT.spansPerStep();
    private int infoLogsPerStep = GeneratorSettings.DEFAULT.infoLogsPerStep();
    private int parallelism = 1;

    private Builder() {}

    public Builder scenario(Scenario scenario) {
      this.scenario = requireNonNull(scenario, "scenario");
      return this;
    }

    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** The start of event time: the first step starts here; default now. */
    public Builder startTime(Instant startTime) {
      this.startTime = requireNonNull(startTime, "startTime");
      return this;
    }

    public Builder step(Duration step) {
      check(step.toMillis() >= 1, "step", step, ">= 1ms");
      this.step = step;
      return this;
    }

    /** Where requests go; required. */
    public Builder sender(Sender sender) {
      this.sender = requireNonNull(sender, "sender");
      return this;
    }

    public Builder temporality(Temporality temporality) {
      this.temporality = requireNonNull(temporality, "temporality");
      return this;
    }

    public Builder histogram(HistogramKind histogram) {
      this.histogram = requireNonNull(histogram, "histogram");
      return this;
    }

    /** The starting scale of exponential histograms (default 6); lowered to fit 160 buckets. */
    public Builder exponentialScale(int scale) {
      this.exponentialScale = scale;
      return this;
    }

    /** Successful requests per service and step kept as spans (default 5); as many failed ones. */
    public Builder spansPerStep(int spans) {
      this.spansPerStep = spans;
      return this;
    }

    /** Access-log INFO records per service and step (default 2). */
    public Builder infoLogsPerStep(int logs) {
      this.infoLogsPerStep = logs;
      return this;
    }

    /** How many requests are sent at once (default 1: one after the other, in order). */
    public Builder parallelism(int parallelism) {
      check(parallelism >= 1, "parallelism", parallelism, ">= 1");
      this.parallelism = parallelism;
      return this;
    }

    public Loadgen build() {
      requireNonNull(sender, "sender");
      if (startTime == null) {
        startTime = Instant.now();
      }
      return new Loadgen(this);
    }

    private GeneratorSettings settings() {
      return new GeneratorSettings(
          temporality, histogram, exponentialScale, spansPerStep, infoLogsPerStep);
    }
  }
}
