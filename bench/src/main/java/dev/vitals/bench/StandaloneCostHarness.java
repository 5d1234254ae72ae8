package dev.vitals.bench;

import dev.vitals.app.Vitals;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The whole {@code vitals standalone} (embedded broker, ingest, streams; no demo) as an operator
 * runs it, in this process so that every thread's CPU time can be read by name, loaded at
 * saturation with OTLP/HTTP protobuf requests of 1,000 histogram points (10 services of 100 series,
 * cumulative, each service's event time moving on 10 s per export) by closed-loop clients. Reports
 * CPU-seconds per million data points for ingest's threads, the streams threads, the broker's
 * threads and the JVM's own (GC, JIT), and the total of the process without the load clients.
 *
 * <p>Accounting: the load runs for the measured phase, then stops, and the phase ends once the
 * streams consumer groups have no lag left: all CPU between the start and that end is charged to
 * the points acknowledged in the phase, so a pipeline that falls behind pays for its backlog.
 *
 * <p>Usage: {@code java -cp bench/target/benchmarks.jar dev.vitals.bench.StandaloneCostHarness
 * [seconds, default 60] [explicit|exponential]}; {@code -Dclients=N} (default 8), {@code
 * -Dservices=N} (default 1000), {@code -DclientProperties="commit.interval.ms: 1000"} (YAML flow
 * entries for {@code kafka.clientProperties}: Kafka client and Streams settings to compare), {@code
 * -Dwarmup=S} (seconds of load before the measured phase, default 20).
 */
public final class StandaloneCostHarness {

  private static final int SERVICES_PER_REQUEST = 10;
  private static final int POINTS_PER_REQUEST =
      SERVICES_PER_REQUEST * StreamsInput.SERIES_PER_SERVICE;

  /**
   * The default warm-up. The JIT is still compiling the pipeline's code for two minutes or more on
   * a 2-core machine (bench/RESULTS.md); {@code -Dwarmup=180} measures the process after that, and
   * the report shows the compiler's and the collectors' time within the phase either way.
   */
  private static final int WARMUP_SECONDS = 20;

  private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(5);
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  /** One client for every phase: its selector thread lives through them all and is counted. */
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** CPU of load-client threads that ended, added by each before it ends. */
  private static final AtomicLong ENDED_CLIENTS_NANOS = new AtomicLong();

  private StandaloneCostHarness() {}

  public static void main(String[] args) throws Exception {
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    Locale.setDefault(Locale.ROOT);
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 60;
    StreamsInput.Kind kind =
        args.length > 1
            ? StreamsInput.Kind.valueOf(args[1].toUpperCase(Locale.ROOT))
            : StreamsInput.Kind.EXPLICIT;
    int clients = Integer.getInteger("clients", 8);
    int services = Integer.getInteger("services", 1000);
    Duration warmup = Duration.ofSeconds(Integer.getInteger("warmup", WARMUP_SECONDS));

    Path dir = Files.createTempDirectory("vitals-bench-standalone");
    int kafkaPort = Harnesses.freePort();
    int http = Harnesses.freePort();
    int admin = Harnesses.freePort();
    Path config = dir.resolve("vitals.yaml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "kafka:",
            "  bootstrapServers: localhost:" + kafkaPort,
            "  clientProperties: {" + System.getProperty("clientProperties", "") + "}",
            "ingest:",
            "  grpc: {host: 127.0.0.1, port: " + Harnesses.freePort() + "}",
            "  http: {host: 127.0.0.1, port: " + http + "}",
            "admin: {host: 127.0.0.1, port: " + admin + "}",
            "standalone:",
            "  dataDir: " + dir.resolve("data"),
            "  kafkaPort: " + kafkaPort,
            "  controllerPort: " + Harnesses.freePort(),
            "streams:",
            "  stateDir: " + dir.resolve("streams"),
            "  query: {host: 127.0.0.1, port: " + Harnesses.freePort() + "}",
            ""));
    Thread standalone =
        new Thread(
            () -> Vitals.run("standalone", "--config", config.toString(), "--no-demo"),
            "standalone-cli");
    standalone.setDaemon(true);
    standalone.start();
    HttpClient probe = HttpClient.newHttpClient();
    awaitReady(probe, URI.create("http://127.0.0.1:" + admin + "/readyz"));
    log("standalone ready; " + kind + ", " + services + " services, " + clients + " clients");

    Requests requests = new Requests(new StreamsInput(kind, services, 0, 0), services);
    URI endpoint = URI.create("http://127.0.0.1:" + http + "/v1/metrics");
    try (Admin kafka = Admin.create(Map.of("bootstrap.servers", "localhost:" + kafkaPort))) {
      log("warm-up " + warmup.toSeconds() + " s");
      load(endpoint, requests, clients, warmup);
      drain(kafka);
      Map<Long, ThreadCpu> before = threadCpu();
      long cpuBefore = Cpu.processNanos();
      JvmTime jvmBefore = JvmTime.now();
      long startNanos = System.nanoTime();
      log("measuring " + seconds + " s");
      long acknowledged = load(endpoint, requests, clients, Duration.ofSeconds(seconds));
      double loadSeconds = (System.nanoTime() - startNanos) / 1e9;
      long lagAtStop = lag(kafka);
      double drainSeconds = drain(kafka);
      Map<Long, ThreadCpu> after = threadCpu();
      long cpuAfter = Cpu.processNanos();
      JvmTime jvm = JvmTime.now().minus(jvmBefore);
      report(
          kind,
          services,
          clients,
          acknowledged * (double) POINTS_PER_REQUEST,
          loadSeconds,
          lagAtStop,
          drainSeconds,
          spent(before, after),
          cpuAfter - cpuBefore,
          jvm);
    }
    System.exit(0);
  }

  /** One export per service in turn, ten services to a request, each service's time moving on. */
  private static final class Requests {
    private final StreamsInput input;
    private final int services;
    private final long[] nextNanos;
    private int cursor;

    Requests(StreamsInput input, int services) {
      this.input = input;
      this.services = services;
      this.nextNanos = new long[services];
      long start = (System.currentTimeMillis() - Duration.ofMinutes(10).toMillis()) * 1_000_000L;
      java.util.Arrays.fill(nextNanos, start);
    }

    synchronized byte[] next() {
      ExportMetricsServiceRequest.Builder request = ExportMetricsServiceRequest.newBuilder();
      for (int i = 0; i < SERVICES_PER_REQUEST; i++) {
        int s = cursor;
        cursor = (cursor + 1) % services;
        nextNanos[s] += StreamsInput.ROUND_SECONDS * 1_000_000_000L;
        request.addResourceMetrics(input.next(s, nextNanos[s]).getResourceMetrics(0));
      }
      return request.build().toByteArray();
    }
  }

  /** Closed-loop clients for {@code duration}; returns the requests answered 200. */
  private static long load(URI endpoint, Requests requests, int clients, Duration duration)
      throws InterruptedException {
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong ok = new AtomicLong();
    AtomicLong refused = new AtomicLong();
    HttpClient http = HTTP;
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      Thread t =
          new Thread(
              () -> {
                while (!stop.get()) {
                  HttpRequest request =
                      HttpRequest.newBuilder(endpoint)
                          .timeout(Duration.ofSeconds(30))
                          .header("Content-Type", "application/x-protobuf")
                          .POST(HttpRequest.BodyPublishers.ofByteArray(requests.next()))
                          .build();
                  try {
                    int status =
                        http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                    if (status == 200) {
                      ok.incrementAndGet();
                    } else {
                      refused.incrementAndGet();
                      Thread.sleep(10); // deliberate: a short back-off keeps the pressure on
                    }
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                  } catch (java.io.IOException e) {
                    refused.incrementAndGet();
                  }
                }
                ENDED_CLIENTS_NANOS.addAndGet(THREADS.getCurrentThreadCpuTime());
              },
              "load-client-" + c);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
    Thread.sleep(duration.toMillis()); // deliberate: the phase's length
    stop.set(true);
    for (Thread t : threads) {
      t.join(TimeUnit.SECONDS.toMillis(40));
    }
    if (refused.get() > 0) {
      log("answers other than 200: " + refused.get());
    }
    return ok.get();
  }

  /** Waits until the streams groups consumed everything; returns how long that took. */
  private static double drain(Admin kafka) throws Exception {
    long start = System.nanoTime();
    long deadline = start + DRAIN_TIMEOUT.toNanos();
    long lag = lag(kafka);
    while (lag > 0 && System.nanoTime() < deadline) {
      Thread.sleep(500); // deliberate: polling the groups' offsets
      lag = lag(kafka);
    }
    if (lag > 0) {
      throw new IllegalStateException(
          "streams still " + lag + " records behind after " + DRAIN_TIMEOUT);
    }
    return (System.nanoTime() - start) / 1e9;
  }

  /**
   * Records not yet consumed by the streams' groups, on the topics ingest writes ({@code otlp_*}):
   * ingest's producer is not transactional, so those topics hold no transaction markers.
   */
  private static long lag(Admin kafka) throws Exception {
    long lag = 0;
    for (GroupListing group : kafka.listGroups().all().get()) {
      Map<TopicPartition, OffsetAndMetadata> committed =
          kafka.listConsumerGroupOffsets(group.groupId()).partitionsToOffsetAndMetadata().get();
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      committed.keySet().stream()
          .filter(tp -> tp.topic().startsWith("otlp_"))
          .forEach(tp -> latest.put(tp, OffsetSpec.latest()));
      if (latest.isEmpty()) {
        continue;
      }
      Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
          kafka.listOffsets(latest).all().get();
      for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> e : ends.entrySet()) {
        OffsetAndMetadata c = committed.get(e.getKey());
        long behind = e.getValue().offset() - (c == null ? 0 : c.offset());
        lag += Math.max(0, behind);
      }
    }
    return lag;
  }

  /**
   * The JIT compilers' and the garbage collectors' accumulated time as the JVM reports it: elapsed
   * time of compilations and of collections (pauses and, for G1, its concurrent cycles' pauses),
   * not CPU time; they show how much of the JVM's row is warm-up and how much is garbage.
   */
  private record JvmTime(long compileMs, long gcMs) {
    static JvmTime now() {
      long gc = 0;
      for (var bean : ManagementFactory.getGarbageCollectorMXBeans()) {
        gc += Math.max(0, bean.getCollectionTime());
      }
      var compiler = ManagementFactory.getCompilationMXBean();
      long compile =
          compiler != null && compiler.isCompilationTimeMonitoringSupported()
              ? compiler.getTotalCompilationTime()
              : 0;
      return new JvmTime(compile, gc);
    }

    JvmTime minus(JvmTime earlier) {
      return new JvmTime(compileMs - earlier.compileMs, gcMs - earlier.gcMs);
    }
  }

  /** CPU nanoseconds of every live thread, by thread id, with its name. */
  private record ThreadCpu(String name, long nanos) {}

  private static Map<Long, ThreadCpu> threadCpu() {
    Map<Long, ThreadCpu> cpu = new HashMap<>();
    for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
      if (info != null) {
        long nanos = THREADS.getThreadCpuTime(info.getThreadId());
        if (nanos > 0) {
          cpu.put(info.getThreadId(), new ThreadCpu(info.getThreadName(), nanos));
        }
      }
    }
    cpu.put(-1L, new ThreadCpu("load-client-ended", ENDED_CLIENTS_NANOS.get()));
    return cpu;
  }

  /**
   * CPU seconds spent between two snapshots, by thread name: threads alive at both count the
   * difference, threads started since count all of theirs, ended load clients count what they added
   * before ending; other threads that ended in between are in no row (the JVM's row takes them).
   */
  private static Map<String, Double> spent(
      Map<Long, ThreadCpu> before, Map<Long, ThreadCpu> after) {
    Map<String, Double> spent = new HashMap<>();
    after.forEach(
        (id, now) -> {
          ThreadCpu then = before.get(id);
          long nanos = now.nanos() - (then == null ? 0 : then.nanos());
          spent.merge(now.name(), nanos / 1e9, Double::sum);
        });
    return spent;
  }

  /** Which part of the process a thread works for, by its name. */
  static String group(String thread) {
    if (Cpu.isIngest(thread)) {
      return "ingest";
    }
    if (thread.contains("StreamThread")
        || thread.startsWith("vitals-streams")
        || thread.startsWith("vitals-query")
        || thread.contains("| vitals-streams")) {
      return "streams";
    }
    if (thread.startsWith("load-client-") || thread.startsWith("HttpClient-")) {
      return "load clients";
    }
    if (thread.equals("main") || thread.startsWith("kafka-admin-client-thread")) {
      return "harness";
    }
    return "broker";
  }

  private static void report(
      StreamsInput.Kind kind,
      int services,
      int clients,
      double points,
      double loadSeconds,
      long lagAtStop,
      double drainSeconds,
      Map<String, Double> byThread,
      long processNanos,
      JvmTime jvmTime) {
    Map<String, Double> cpu = new LinkedHashMap<>();
    for (String g : List.of("ingest", "streams", "broker", "load clients", "harness")) {
      cpu.put(g, 0.0);
    }
    byThread.forEach((thread, seconds) -> cpu.merge(group(thread), seconds, Double::sum));
    double threads = cpu.values().stream().mapToDouble(Double::doubleValue).sum();
    double jvm = Math.max(0, processNanos / 1e9 - threads);
    double standalone = processNanos / 1e9 - cpu.get("load clients") - cpu.get("harness");
    double perMillion = 1e6 / points;
    StringBuilder out = new StringBuilder();
    out.append("### Whole standalone process at saturation (")
        .append(kind.name().toLowerCase(Locale.ROOT))
        .append(")\n\n")
        .append(Machine.describe())
        .append("\n\n| Measure | Value |\n|---|---|\n");
    row(out, "Load", clients + " clients, " + services + " services, 1,000 points per request");
    row(out, "Data points acknowledged", String.format("%,.0f in %.1f s", points, loadSeconds));
    row(out, "Data points/s", String.format("%,.0f", points / loadSeconds));
    row(out, "Streams lag when the load stopped", String.format("%,d records", lagAtStop));
    row(out, "Time to consume it", String.format("%.1f s", drainSeconds));
    for (Map.Entry<String, Double> e : cpu.entrySet()) {
      row(
          out,
          "CPU-s per 1M points: " + e.getKey() + " threads",
          String.format("%.2f", e.getValue() * perMillion));
    }
    row(
        out,
        "CPU-s per 1M points: JVM (GC, JIT, ended threads)",
        String.format("%.2f", jvm * perMillion));
    row(
        out,
        "In the phase: JIT compilation, collections (elapsed s)",
        String.format("%.1f, %.1f", jvmTime.compileMs() / 1e3, jvmTime.gcMs() / 1e3));
    row(
        out,
        "**CPU-s per 1M points: the standalone process** (all but load clients and harness)",
        String.format("**%.2f**", standalone * perMillion));
    out.append("\nBusiest threads (CPU-s in the phase):\n\n");
    byThread.entrySet().stream()
        .sorted(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder()))
        .limit(12)
        .forEach(
            e ->
                out.append(
                    String.format(
                        "- `%s` (%s): %.1f%n", e.getKey(), group(e.getKey()), e.getValue())));
    System.out.println(out);
  }

  private static void row(StringBuilder out, String measure, String value) {
    out.append("| ").append(measure).append(" | ").append(value).append(" |\n");
  }

  private static void awaitReady(HttpClient http, URI readyz) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (http.send(
                    HttpRequest.newBuilder(readyz).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode()
            == 200) {
          return;
        }
      } catch (java.io.IOException notYet) {
        // still starting
      }
      Thread.sleep(500); // deliberate: polling readiness
    }
    throw new IllegalStateException("standalone not ready after 3 minutes: " + readyz);
  }

  private static void log(String message) {
    System.err.println("[standalone-cost] " + message);
  }
}
