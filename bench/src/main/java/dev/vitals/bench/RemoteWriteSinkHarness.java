package dev.vitals.bench;

import dev.vitals.schemas.Topics;
import dev.vitals.schemas.signals.ServiceWindow;
import dev.vitals.schemas.signals.SignalJson;
import dev.vitals.sinks.SinkSettings;
import dev.vitals.sinks.delivery.WriteResult;
import dev.vitals.sinks.http.DestinationClient;
import dev.vitals.sinks.remotewrite.RemoteWriteWriter;
import dev.vitals.sinks.series.SeriesMapper;
import dev.vitals.sinks.series.SeriesSample;
import dev.vitals.streams.sketch.LatencySketch;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The cost of the remote-write sink next to the cost of the store it feeds. Starts VictoriaMetrics
 * ({@code /usr/bin/victoria-metrics}) on a free port, then for a fixed time writes the samples of
 * service windows through {@link RemoteWriteWriter} (no Kafka: only mapping to requests, encoding,
 * compression and HTTP are measured), {@code shards} requests in flight like the sink's shards.
 * Reports samples/s, the JVM's CPU-seconds per million samples (HTTP client threads included) and
 * VictoriaMetrics' CPU-seconds per million samples from {@code /proc/<pid>/stat}. The samples are
 * built before the clock starts (see {@link #RING_ROUNDS}).
 *
 * <p>Arguments: {@code [seconds=30] [services=1000] [batchSamples=2000] [shards=4] [mix=gauges]
 * [store=vm]}. {@code mix=store-native} adds to every window its running totals: the counters and
 * the latency histogram of all requests (a sketch of 1,000 lognormal latencies); {@code store=vm}
 * gets that histogram as classic {@code le} buckets, {@code store=prometheus} (started with {@code
 * --enable-feature=native-histograms}) as a native histogram. Prometheus refuses a sample older
 * than the newest of its series, so for it every batch is stamped afresh as it is sent (the copying
 * is counted in the sink's CPU), instead of cycling through the ring's timestamps.
 */
public final class RemoteWriteSinkHarness {

  private static final Path VICTORIA_METRICS = Path.of("/usr/bin/victoria-metrics");
  private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
  private static final long CLK_TCK = 100;

  /**
   * Rounds built ahead (240,000 samples with 1,000 services: a bigger ring makes the bench measure
   * the garbage collector's copying of it); the run cycles through them, so a sample's timestamp
   * comes back every 6 rounds: VictoriaMetrics (no deduplication configured) stores every row it
   * receives all the same.
   */
  private static final int RING_ROUNDS = 6;

  private RemoteWriteSinkHarness() {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    int services = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
    int batchSamples = args.length > 2 ? Integer.parseInt(args[2]) : 2000;
    int shards = args.length > 3 ? Integer.parseInt(args[3]) : 4;
    boolean storeNative = args.length > 4 && args[4].equals("store-native");
    boolean prometheus = args.length > 5 && args[5].equals("prometheus");
    Path binary = prometheus ? PROMETHEUS : VICTORIA_METRICS;
    if (!Files.isExecutable(binary)) {
      throw new IllegalStateException(binary + " is not installed");
    }
    Path data = Files.createTempDirectory("vitals-bench-store");
    int port = Harnesses.freePort();
    Process vm = startStore(prometheus, data, port);
    try {
      awaitReady(URI.create("http://127.0.0.1:" + port + (prometheus ? "/-/ready" : "/health")));
      URI write = URI.create("http://127.0.0.1:" + port + "/api/v1/write");
      SinkSettings.Destination destination =
          SinkSettings.Destination.of("bench", SinkSettings.Kind.REMOTE_WRITE, write);
      RemoteWriteWriter writer = new RemoteWriteWriter(new DestinationClient(destination));
      SinkSettings.Histograms histograms =
          prometheus ? SinkSettings.Histograms.NATIVE : SinkSettings.Histograms.CLASSIC;
      List<List<SeriesSample>> ring =
          ring(templates(services, storeNative, histograms), RING_ROUNDS, batchSamples);
      System.out.printf(
          Locale.ROOT,
          "store=%s mix=%s samples_per_round=%d%n",
          prometheus ? "prometheus" : "victoria-metrics",
          storeNative ? "store-native" : "gauges",
          ring.stream().mapToInt(List::size).sum() / RING_ROUNDS);

      run(writer, ring, 5, shards, prometheus); // warm-up: JIT, connections
      System.gc();
      Thread.sleep(2000);
      long vmBefore = cpuTicks(vm.pid());
      long jvmBefore = Cpu.processNanos();
      long start = System.nanoTime();
      long samples = run(writer, ring, seconds, shards, prometheus);
      double wall = (System.nanoTime() - start) / 1e9;
      long jvmAfter = Cpu.processNanos();
      Thread.sleep(3000); // let the store finish what it buffered
      long vmAfter = cpuTicks(vm.pid());

      double millions = samples / 1e6;
      double sinkCpu = (jvmAfter - jvmBefore) / 1e9;
      double storeCpu = (vmAfter - vmBefore) / (double) CLK_TCK;
      System.out.printf(
          Locale.ROOT,
          "samples=%d wall_s=%.1f samples_per_s=%.0f%n"
              + "sink_cpu_s=%.2f sink_cpu_s_per_million=%.3f%n"
              + "store_cpu_s=%.2f store_cpu_s_per_million=%.3f%n"
              + "ratio_sink_to_store=%.2f%n",
          samples,
          wall,
          samples / wall,
          sinkCpu,
          sinkCpu / millions,
          storeCpu,
          storeCpu / millions,
          sinkCpu / storeCpu);
    } finally {
      vm.destroy();
      vm.waitFor();
    }
  }

  private static Process startStore(boolean prometheus, Path data, int port) throws IOException {
    List<String> command;
    if (prometheus) {
      Path config = data.resolve("prometheus.yml");
      Files.writeString(config, "global:\n  scrape_interval: 1m\nscrape_configs: []\n");
      command =
          List.of(
              PROMETHEUS.toString(),
              "--config.file=" + config,
              "--storage.tsdb.path=" + data.resolve("tsdb"),
              "--web.listen-address=127.0.0.1:" + port,
              "--web.enable-remote-write-receiver",
              "--enable-feature=native-histograms",
              "--log.level=error");
    } else {
      command =
          List.of(
              VICTORIA_METRICS.toString(),
              "-storageDataPath=" + data,
              "-httpListenAddr=127.0.0.1:" + port,
              "-retentionPeriod=100y",
              "-loggerLevel=ERROR");
    }
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(data.resolve("store.log").toFile())
        .start();
  }

  /** The running totals of a window: counters and a latency histogram of 1,000 requests. */
  private static ServiceWindow.Totals totals(Instant since, Instant at, int i) {
    LatencySketch sketch = new LatencySketch();
    java.util.SplittableRandom random = new java.util.SplittableRandom(i);
    for (int k = 0; k < 1000; k++) {
      double z =
          Math.sqrt(-2 * Math.log(1 - random.nextDouble()))
              * Math.cos(2 * Math.PI * random.nextDouble());
      sketch.record(0.05 * Math.exp(0.8 * z));
    }
    List<Long> counts = new ArrayList<>();
    for (long n : sketch.bucketCounts()) {
      counts.add(n);
    }
    return new ServiceWindow.Totals(
        since,
        at,
        100_000L + i,
        1_000L + i,
        100_000L + i,
        1_000L + i,
        Map.of("INFO", 30_000L, "ERROR", 400L),
        new ServiceWindow.Histogram(
            sketch.scale(),
            sketch.count(),
            sketch.sum(),
            sketch.zeroCount(),
            sketch.firstBucket(),
            counts));
  }

  /** The samples of one window of each service (a service window and one operation window). */
  private static List<List<SeriesSample>> templates(
      int services, boolean storeNative, SinkSettings.Histograms histograms) {
    SeriesMapper mapper =
        new SeriesMapper(Topics.DEFAULT, SinkSettings.Corrections.ONCE, histograms);
    Instant end = Instant.now().truncatedTo(ChronoUnit.MINUTES);
    List<List<SeriesSample>> out = new ArrayList<>(services);
    for (int i = 0; i < services; i++) {
      List<SeriesSample> samples = new ArrayList<>();
      for (String op : new String[] {null, "GET /api/items/{id}"}) {
        ServiceWindow w =
            new ServiceWindow(
                "tenant-" + (i % 10),
                "ns-" + (i % 25),
                "service-" + i,
                op,
                end.minus(Duration.ofMinutes(1)),
                end,
                0,
                1000 + i,
                i % 13,
                new ServiceWindow.Latency(0.012, 0.08, 0.4, 1.9, null),
                Map.of("INFO", 300L, "ERROR", 4L),
                1000 + i,
                i % 13,
                List.of(),
                List.of(),
                false);
        if (storeNative) {
          w = w.withTotals(totals(end.minus(Duration.ofHours(1)), end, i));
        }
        samples.addAll(mapper.samples(Topics.DEFAULT.serviceWindows(), SignalJson.write(w)));
      }
      out.add(samples);
    }
    return out;
  }

  /**
   * The batches of {@code rounds} rounds (every service's samples, 100 ms later each round), built
   * before the clock starts: making samples is the series mapper's cost, not the writer's.
   */
  private static List<List<SeriesSample>> ring(
      List<List<SeriesSample>> templates, int rounds, int batchSamples) {
    long base = Instant.now().minus(Duration.ofHours(2)).toEpochMilli();
    List<List<SeriesSample>> out = new ArrayList<>();
    for (int round = 0; round < rounds; round++) {
      long ts = base + round * 100L;
      List<SeriesSample> batch = new ArrayList<>(batchSamples);
      for (List<SeriesSample> service : templates) {
        for (SeriesSample s : service) {
          batch.add(
              new SeriesSample(
                  s.name(), s.labels(), s.value(), ts, s.type(), s.startMs(), s.histogram()));
          if (batch.size() == batchSamples) {
            out.add(batch);
            batch = new ArrayList<>(batchSamples);
          }
        }
      }
      if (!batch.isEmpty()) {
        out.add(batch);
      }
    }
    return out;
  }

  /**
   * Sends the ring's batches over and over for {@code seconds}; returns samples acknowledged. With
   * {@code restamp}, each batch is stamped a millisecond after the previous one.
   */
  private static long run(
      RemoteWriteWriter writer,
      List<List<SeriesSample>> ring,
      int seconds,
      int shards,
      boolean restamp)
      throws InterruptedException {
    Semaphore inFlight = new Semaphore(shards);
    AtomicLong acknowledged = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    for (int i = 0; System.nanoTime() < deadline; i = (i + 1) % ring.size()) {
      List<SeriesSample> batch = ring.get(i);
      if (restamp) {
        long ts = nextStamp();
        List<SeriesSample> stamped = new ArrayList<>(batch.size());
        for (SeriesSample s : batch) {
          stamped.add(
              new SeriesSample(
                  s.name(), s.labels(), s.value(), ts, s.type(), s.startMs(), s.histogram()));
        }
        batch = stamped;
      }
      send(writer, batch, inFlight, acknowledged, failed);
    }
    inFlight.acquire(shards);
    inFlight.release(shards);
    if (failed.get() > 0) {
      throw new IllegalStateException(failed.get() + " requests failed");
    }
    return acknowledged.get();
  }

  // One run per JVM: its samples start 30 min before the harness does.
  @SuppressWarnings("TimeInStaticInitializer")
  private static long stamp = Instant.now().minus(Duration.ofMinutes(30)).toEpochMilli();

  /**
   * A millisecond after the previous batch's time. A series' next sample is a round (many batches)
   * later, long after its previous one was answered with only {@code shards} requests in flight.
   */
  private static long nextStamp() {
    return ++stamp;
  }

  private static void send(
      RemoteWriteWriter writer,
      List<SeriesSample> batch,
      Semaphore inFlight,
      AtomicLong acknowledged,
      AtomicLong failed)
      throws InterruptedException {
    inFlight.acquire();
    CompletableFuture<WriteResult> f = writer.write(batch, null);
    var unused =
        f.whenComplete(
            (r, e) -> {
              if (e == null && r.outcome() == WriteResult.Outcome.ACCEPTED) {
                acknowledged.addAndGet(batch.size());
              } else {
                failed.incrementAndGet();
              }
              inFlight.release();
            });
  }

  /** utime + stime of a process, in clock ticks (fields 14 and 15 of /proc/<pid>/stat). */
  private static long cpuTicks(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ", -1);
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  private static void awaitReady(URI health) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    for (int i = 0; i < 300; i++) {
      try {
        if (http.send(
                    HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode()
            == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("store not ready at " + health);
  }
}
