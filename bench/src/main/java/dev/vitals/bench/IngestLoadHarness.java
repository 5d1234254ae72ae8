package dev.vitals.bench;

import dev.vitals.app.kafka.EmbeddedKafka;
import dev.vitals.ingest.IngestSettings;
import dev.vitals.ingest.IngestSettings.Limits;
import dev.vitals.ingest.IngestSettings.Listener;
import dev.vitals.ingest.IngestStage;
import dev.vitals.ingest.otlp.OtlpSignal;
import dev.vitals.ingest.pipeline.RecordSplitter;
import dev.vitals.schemas.Signal;
import dev.vitals.schemas.Topics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * End-to-end load on one machine: an embedded broker, Kafka's own {@code ProducerPerformance} as
 * the yardstick, then the ingest pipeline at saturation and under 3x overload, all in this process.
 * Prints a markdown table and writes it to {@code bench/RESULTS.md} (system property {@code
 * results}).
 *
 * <p>Usage: {@code java -cp bench/target/benchmarks.jar dev.vitals.bench.IngestLoadHarness [seconds
 * per phase, default 30]}; {@code -Dclients=N} sets the saturating client count (default 8).
 */
public final class IngestLoadHarness {

  private static final int PARTITIONS = 3;
  private static final String PERF_TOPIC = "perf";
  private static final long OVERLOAD_IN_FLIGHT = 64L << 20;
  private static final Duration WARMUP = Duration.ofSeconds(5);
  private static final int RAMP_STEP = 4;
  private static final int ROUNDS = 3;
  private static final long TIGHT_IN_FLIGHT = 4L << 20;

  private IngestLoadHarness() {}

  /** What one OTLP load phase measured, over its counted window. */
  record Phase(
      int clients,
      long maxInFlightBytes,
      double seconds,
      LoadClients load,
      double producedBytes,
      double cpuSeconds,
      double ingestCpuSeconds,
      long heapBaseline,
      long heapPeakUsed,
      long heapPeakAfterGc) {

    double points() {
      return load.ok.get() * (double) MetricsPayload.POINTS;
    }

    /** Several runs of the same load as one: counts and times add up, heap peaks take the max. */
    static Phase combine(List<Phase> runs) {
      Phase first = runs.get(0);
      return new Phase(
          first.clients,
          first.maxInFlightBytes,
          runs.stream().mapToDouble(Phase::seconds).sum(),
          LoadClients.merged(runs.stream().map(Phase::load).toList()),
          runs.stream().mapToDouble(Phase::producedBytes).sum(),
          runs.stream().mapToDouble(Phase::cpuSeconds).sum(),
          runs.stream().mapToDouble(Phase::ingestCpuSeconds).sum(),
          runs.stream().mapToLong(Phase::heapBaseline).min().orElse(0),
          runs.stream().mapToLong(Phase::heapPeakUsed).max().orElse(0),
          runs.stream().mapToLong(Phase::heapPeakAfterGc).max().orElse(0));
    }
  }

  public static void main(String[] args) throws Exception {
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    Locale.setDefault(Locale.ROOT);
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    Integer fixedClients = Integer.getInteger("clients");
    Path results = Path.of(System.getProperty("results", "bench/RESULTS.md"));
    byte[] body = MetricsPayload.request().toByteArray();
    List<RecordSplitter.Part> parts =
        new RecordSplitter(Limits.DEFAULT.maxRecordBytes() - 1024)
            .split(OtlpSignal.METRICS, OtlpSignal.METRICS.parse(body))
            .parts();
    int recordSize = parts.stream().mapToInt(p -> p.value().length).sum() / parts.size();

    Path dir = Files.createTempDirectory("vitals-bench");
    try (EmbeddedKafka kafka = startKafka(dir)) {
      createTopics(kafka.bootstrapServers());
      String bootstrap = kafka.bootstrapServers();
      log(
          "(a)+(b) ProducerPerformance and OTLP/HTTP in alternating rounds, record size "
              + recordSize
              + " B");
      double perfRate = producerRecordsPerSecond(bootstrap, recordSize);
      int clients = fixedClients != null ? fixedClients : saturatingClients(bootstrap, body);
      int slice = Math.max(5, seconds / ROUNDS);
      List<ProducerPerfRun.Result> perfRuns = new ArrayList<>();
      List<Phase> pipelineRuns = new ArrayList<>();
      List<String> roundRatios = new ArrayList<>();
      for (int round = 0; round < ROUNDS; round++) {
        long records = Math.max(2_000, (long) (perfRate * slice));
        ProducerPerfRun.Result perfRun =
            ProducerPerfRun.run(bootstrap, PERF_TOPIC, records, recordSize);
        perfRate = perfRun.records() / perfRun.wallSeconds();
        Phase pipelineRun =
            load(bootstrap, Limits.DEFAULT, clients, slice, body, Duration.ofSeconds(2));
        perfRuns.add(perfRun);
        pipelineRuns.add(pipelineRun);
        double ratio =
            pipelineRun.producedBytes()
                / pipelineRun.seconds()
                / (perfRun.recordsPerSecond() * recordSize);
        roundRatios.add(String.format("%.2f", ratio));
        log("round " + (round + 1) + ": ratio " + roundRatios.get(round));
      }
      ProducerPerfRun.Result perf = ProducerPerfRun.Result.combine(perfRuns);
      Phase saturation = Phase.combine(pipelineRuns);
      log("(c) OTLP/HTTP overload, " + 3 * clients + " clients");
      Limits overload =
          new Limits(
              16L << 20,
              OVERLOAD_IN_FLIGHT,
              Duration.ofSeconds(5),
              Duration.ofSeconds(1),
              1_000_000);
      Phase over = load(bootstrap, overload, 3 * clients, seconds, body);
      log("(d) OTLP/HTTP overload with the in-flight limit below the clients' demand");
      Limits tight =
          new Limits(
              1L << 20, TIGHT_IN_FLIGHT, Duration.ofSeconds(5), Duration.ofSeconds(1), 1_000_000);
      Phase throttled = load(bootstrap, tight, 3 * clients, Math.max(5, seconds / 3), body);
      String report =
          Report.markdown(
              body.length,
              parts.size(),
              recordSize,
              perf,
              saturation,
              String.join(", ", roundRatios),
              over,
              throttled);
      System.out.println(report);
      Files.writeString(results, replaceSection(results, Report.SECTION, report));
      log("written to " + results.toAbsolutePath());
    } finally {
      Harnesses.deleteRecursively(dir);
    }
  }

  /**
   * Warms the broker and the producer path with two short ProducerPerformance runs (the first one
   * cold) and returns the records/s of the second, to size the measured runs: the tool takes a
   * record count, not a duration.
   */
  private static double producerRecordsPerSecond(String bootstrap, int recordSize)
      throws Exception {
    ProducerPerfRun.Result cold = ProducerPerfRun.run(bootstrap, PERF_TOPIC, 2_000, recordSize);
    long records = Math.max(2_000, (long) (cold.records() / cold.wallSeconds() * 3));
    ProducerPerfRun.Result warm = ProducerPerfRun.run(bootstrap, PERF_TOPIC, records, recordSize);
    return warm.records() / warm.wallSeconds();
  }

  /**
   * The fewest clients that get within 10 % of the best throughput seen with 4, 8, 16 or 32 clients
   * (a short run each, which also warms up the JIT).
   */
  private static int saturatingClients(String bootstrap, byte[] body) throws Exception {
    int[] candidates = {4, 8, 16, 32};
    double[] rates = new double[candidates.length];
    double best = 0;
    for (int i = 0; i < candidates.length; i++) {
      Phase p =
          load(bootstrap, Limits.DEFAULT, candidates[i], RAMP_STEP, body, Duration.ofSeconds(2));
      rates[i] = p.points() / p.seconds();
      best = Math.max(best, rates[i]);
      log(String.format("ramp: %d clients -> %,.0f data points/s", candidates[i], rates[i]));
    }
    for (int i = 0; i < candidates.length; i++) {
      if (rates[i] >= 0.9 * best) {
        return candidates[i];
      }
    }
    return candidates[candidates.length - 1];
  }

  private static Phase load(String bootstrap, Limits limits, int clients, int seconds, byte[] body)
      throws Exception {
    return load(bootstrap, limits, clients, seconds, body, WARMUP);
  }

  private static Phase load(
      String bootstrap, Limits limits, int clients, int seconds, byte[] body, Duration warmup)
      throws Exception {
    PrometheusRegistry registry = new PrometheusRegistry();
    IngestSettings settings =
        IngestSettings.defaults()
            .withListeners(new Listener("localhost", 0), new Listener("localhost", 0))
            .withLimits(limits);
    try (IngestStage ingest =
            IngestStage.start(
                settings, Map.<String, Object>of("bootstrap.servers", bootstrap), registry);
        HeapSampler heap = new HeapSampler()) {
      LoadClients load = new LoadClients(ingest.httpPort(), body);
      load.start(clients);
      Thread.sleep(warmup.toMillis());
      double bytes = Harnesses.counter(registry, "vitals_ingest_produced_bytes");
      long cpu = Cpu.processNanos();
      long ingestCpu = Cpu.ingestThreadsNanos();
      long started = System.nanoTime();
      load.startCounting();
      Thread.sleep(seconds * 1_000L);
      load.close();
      double wall = (System.nanoTime() - started) / 1e9;
      return new Phase(
          clients,
          limits.maxInFlightBytes(),
          wall,
          load,
          Harnesses.counter(registry, "vitals_ingest_produced_bytes") - bytes,
          (Cpu.processNanos() - cpu) / 1e9,
          (Cpu.ingestThreadsNanos() - ingestCpu) / 1e9,
          heap.baseline,
          heap.peakUsed(),
          heap.peakAfterGc());
    }
  }

  /**
   * The results file with the section that starts at {@code heading} (up to the next {@code ## }
   * heading) replaced by {@code section}, or appended when the file has none; other benchmarks'
   * sections stay as they are.
   */
  public static String replaceSection(Path file, String heading, String section)
      throws java.io.IOException {
    String text = Files.exists(file) ? Files.readString(file) : "# Benchmark results\n";
    int start = text.indexOf(heading + "\n");
    if (start < 0) {
      return text.stripTrailing() + "\n\n" + section.stripTrailing() + "\n";
    }
    int end = text.indexOf("\n## ", start + heading.length());
    String rest = end < 0 ? "" : text.substring(end + 1);
    return text.substring(0, start)
        + section.stripTrailing()
        + "\n"
        + (rest.isEmpty() ? "" : "\n" + rest);
  }

  private static EmbeddedKafka startKafka(Path dir) throws IOException {
    return EmbeddedKafka.builder()
        .setDataDir(dir)
        .setPort(Harnesses.freePort())
        .setControllerPort(Harnesses.freePort())
        .setBrokerProperty("log.segment.bytes", String.valueOf(256 << 20))
        .setBrokerProperty("log.retention.bytes", String.valueOf(1L << 30))
        .setBrokerProperty("log.retention.check.interval.ms", "10000")
        .start();
  }

  private static void createTopics(String bootstrap) throws Exception {
    try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", bootstrap))) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(PERF_TOPIC, PARTITIONS, (short) 1),
                  new NewTopic(Topics.DEFAULT.raw(Signal.METRICS), PARTITIONS, (short) 1)))
          .all()
          .get();
    }
  }

  private static void log(String message) {
    System.err.println("[harness] " + message);
  }
}
