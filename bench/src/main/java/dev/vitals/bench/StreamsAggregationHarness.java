package dev.vitals.bench;

import dev.vitals.app.kafka.EmbeddedKafka;
import dev.vitals.schemas.Signal;
import dev.vitals.schemas.Topics;
import dev.vitals.streams.StreamsStage;
import dev.vitals.streams.window.WindowMetrics;
import dev.vitals.streams.window.WindowSettings;
import dev.vitals.streams.window.WindowTopology;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The streams stage's aggregation throughput against a no-op Kafka Streams pass-through over the
 * same topic, in the same run (project issue 3). Starts an embedded broker, produces the input once
 * ({@link StreamsInput}: 100 services × 100 cumulative histogram series, one record per service and
 * round), then alternates a pass-through application and the window topology ({@link
 * WindowTopology}, default settings), each with a fresh application id, exactly-once v2 and one
 * stream thread, each reading the whole topic. Reports data points/s, the ratio, CPU of the stream
 * thread, heap and RSS of the topology's instance, and the size of its state, as the section
 * {@value #SECTION} of {@code bench/RESULTS.md}.
 *
 * <p>Arguments: {@code [rounds=100] [kinds=explicit,exponential] [repeats=3]}; {@code -Dservices=N}
 * (default 100); {@code -Dresults=path}; {@code -Dcompression=none} (both applications' producers;
 * default the stage's {@link StreamsStage#DEFAULT_COMPRESSION}).
 */
public final class StreamsAggregationHarness {

  static final String SECTION = "## Streams: aggregation";
  private static final String PASS_THROUGH_OUT = "bench-pass-through";
  private static final Duration POLL = Duration.ofMillis(5);
  private static final Duration PHASE_TIMEOUT = Duration.ofMinutes(20);
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private StreamsAggregationHarness() {}

  /** What one phase (one application over the whole input) measured. */
  record Phase(
      String app, long records, long points, double seconds, double threadCpuSeconds, Memory mem) {

    double pointsPerSecond() {
      return points / seconds;
    }

    double cpuPerMillionPoints() {
      return threadCpuSeconds / points * 1e6;
    }
  }

  /** Heap and RSS of the topology's instance: after a GC, minus the same before it started. */
  record Memory(long heapBefore, long heapAfter, long rssBefore, long rssAfter) {
    static final Memory NONE = new Memory(0, 0, 0, 0);

    long heap() {
      return heapAfter - heapBefore;
    }

    long rss() {
      return rssAfter - rssBefore;
    }
  }

  /** Entries and key+value bytes of one state store, read through interactive queries. */
  record StoreSize(String store, long entries, long bytes) {}

  /** One kind of input: its rounds of both applications and the state after the last one. */
  record KindResult(
      StreamsInput.Kind kind,
      long records,
      long points,
      long inputBytes,
      List<Phase> passThrough,
      List<Phase> windows,
      State state) {}

  /** The window topology's state after a run, and what it counted. */
  record State(
      List<StoreSize> stores,
      long serviceWindows,
      long operationWindows,
      long windowStarts,
      long stateDirBytes,
      Map<String, Long> changelogBytes,
      Map<String, Double> counters) {}

  public static void main(String[] args) throws Exception {
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    Locale.setDefault(Locale.ROOT);
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    List<StreamsInput.Kind> kinds = new ArrayList<>();
    for (String k : (args.length > 1 ? args[1] : "explicit,exponential").split(",", -1)) {
      kinds.add(StreamsInput.Kind.valueOf(k.trim().toUpperCase(Locale.ROOT)));
    }
    int repeats = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    int services = Integer.getInteger("services", 100);
    Path results = Path.of(System.getProperty("results", "bench/RESULTS.md"));

    Path dir = Files.createTempDirectory("vitals-bench-streams");
    List<KindResult> out = new ArrayList<>();
    try (EmbeddedKafka kafka = startKafka(dir)) {
      String bootstrap = kafka.bootstrapServers();
      for (StreamsInput.Kind kind : kinds) {
        out.add(runKind(bootstrap, dir, kind, services, rounds, repeats));
      }
      String report = StreamsReport.markdown(services, rounds, out);
      System.out.println(report);
      Files.writeString(results, IngestLoadHarness.replaceSection(results, SECTION, report));
      log("written to " + results.toAbsolutePath());
    } finally {
      Harnesses.deleteRecursively(dir);
    }
  }

  private static KindResult runKind(
      String bootstrap, Path dir, StreamsInput.Kind kind, int services, int rounds, int repeats)
      throws Exception {
    String prefix = kind.name().toLowerCase(Locale.ROOT) + ".";
    Topics topics = new Topics(prefix);
    createTopics(bootstrap, topics);
    long endMs = Instant.now().truncatedTo(ChronoUnit.MINUTES).toEpochMilli();
    StreamsInput input = new StreamsInput(kind, services, rounds, endMs);
    log(
        String.format(
            "%s: producing %,d records, %,d points", kind, input.records(), input.points()));
    long inputBytes = input.produce(bootstrap, topics.raw(Signal.METRICS));
    List<Phase> passThrough = new ArrayList<>();
    List<Phase> windows = new ArrayList<>();
    State state = null;
    for (int i = 1; i <= repeats; i++) {
      Phase p = passThrough(bootstrap, dir, topics, prefix + "pass-through-" + i, input);
      passThrough.add(p);
      log(String.format("%s round %d pass-through: %,.0f points/s", kind, i, p.pointsPerSecond()));
      Holder<State> st = new Holder<>();
      Phase w = windows(bootstrap, dir, topics, prefix + "windows-" + i, input, st);
      windows.add(w);
      state = st.value;
      log(
          String.format(
              "%s round %d windows: %,.0f points/s, ratio %.2f",
              kind, i, w.pointsPerSecond(), w.pointsPerSecond() / p.pointsPerSecond()));
    }
    return new KindResult(
        kind, input.records(), input.points(), inputBytes, passThrough, windows, state);
  }

  private static final class Holder<T> {
    T value;
  }

  /** Reads the raw metrics topic and writes every record unchanged to another topic. */
  private static Phase passThrough(
      String bootstrap, Path dir, Topics topics, String app, StreamsInput input) throws Exception {
    AtomicLong seen = new AtomicLong();
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(
            topics.raw(Signal.METRICS), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
        .peek((k, v) -> seen.incrementAndGet())
        .to(PASS_THROUGH_OUT, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));
    try (KafkaStreams streams = new KafkaStreams(builder.build(), props(bootstrap, dir, app))) {
      streams.start();
      return measure(streams, app, seen::get, input, Memory.NONE);
    }
  }

  /** The window topology, default settings, over the same topic. */
  private static Phase windows(
      String bootstrap,
      Path dir,
      Topics topics,
      String app,
      StreamsInput input,
      Holder<State> state)
      throws Exception {
    PrometheusRegistry registry = new PrometheusRegistry();
    StreamsBuilder builder = new StreamsBuilder();
    WindowTopology.addTo(builder, topics, WindowSettings.DEFAULTS, new WindowMetrics(registry));
    Topology topology = builder.build();
    System.gc();
    Thread.sleep(300);
    long heapBefore = usedHeap();
    long rssBefore = rss();
    try (KafkaStreams streams = new KafkaStreams(topology, props(bootstrap, dir, app))) {
      streams.start();
      LongSupplier recordsIn =
          () -> (long) Harnesses.counter(registry, "vitals_streams_records_in");
      Phase phase =
          measure(streams, app, recordsIn, input, new Memory(heapBefore, 0, rssBefore, 0));
      System.gc();
      Thread.sleep(300);
      Memory mem = new Memory(heapBefore, usedHeap(), rssBefore, rss());
      state.value = state(bootstrap, dir, streams, app, registry);
      return new Phase(
          phase.app(),
          phase.records(),
          phase.points(),
          phase.seconds(),
          phase.threadCpuSeconds(),
          mem);
    }
  }

  /**
   * Waits for the first record, then until {@code processed} reaches the input's record count; the
   * time and the stream thread's CPU are taken between those two observations.
   */
  private static Phase measure(
      KafkaStreams streams, String app, LongSupplier processed, StreamsInput input, Memory mem)
      throws InterruptedException {
    long deadline = System.nanoTime() + PHASE_TIMEOUT.toNanos();
    long first;
    while ((first = processed.getAsLong()) == 0) {
      check(streams, deadline, app);
      TimeUnit.NANOSECONDS.sleep(POLL.toNanos());
    }
    long started = System.nanoTime();
    long cpuStarted = streamThreadCpu(app);
    long n = first;
    while (n < input.records()) {
      check(streams, deadline, app);
      TimeUnit.NANOSECONDS.sleep(POLL.toNanos());
      n = processed.getAsLong();
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    double cpu = (streamThreadCpu(app) - cpuStarted) / 1e9;
    long records = input.records() - first;
    long points = records * StreamsInput.SERIES_PER_SERVICE;
    return new Phase(app, records, points, seconds, cpu, mem);
  }

  private static void check(KafkaStreams streams, long deadline, String app) {
    KafkaStreams.State s = streams.state();
    if (s == KafkaStreams.State.ERROR || s == KafkaStreams.State.NOT_RUNNING) {
      throw new IllegalStateException(app + ": streams " + s);
    }
    if (System.nanoTime() > deadline) {
      throw new IllegalStateException(app + ": not done within " + PHASE_TIMEOUT);
    }
  }

  private static Properties props(String bootstrap, Path dir, String app) {
    Properties p = new Properties();
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, app);
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
    p.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("state").toString());
    p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
    p.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
    // Both sides write as the streams stage does (-Dcompression=none for Kafka's default).
    p.put(
        StreamsConfig.producerPrefix("compression.type"),
        System.getProperty("compression", StreamsStage.DEFAULT_COMPRESSION));
    return p;
  }

  /** CPU time of the application's stream threads ({@code <app>-<uuid>-StreamThread-n}). */
  private static long streamThreadCpu(String app) {
    long total = 0;
    for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
      if (info != null
          && info.getThreadName().startsWith(app + "-")
          && info.getThreadName().contains("-StreamThread-")) {
        long nanos = THREADS.getThreadCpuTime(info.getThreadId());
        if (nanos > 0) {
          total += nanos;
        }
      }
    }
    return total;
  }

  // ---- state ----

  private static State state(
      String bootstrap, Path dir, KafkaStreams streams, String app, PrometheusRegistry registry)
      throws Exception {
    List<StoreSize> stores = new ArrayList<>();
    long serviceWindows = 0;
    long operationWindows = 0;
    java.util.Set<Long> starts = new java.util.HashSet<>();
    for (String name : WindowTopology.STORES) {
      ReadOnlyKeyValueStore<byte[], byte[]> store =
          streams.store(
              StoreQueryParameters.fromNameAndType(
                  name, QueryableStoreTypes.<byte[], byte[]>keyValueStore()));
      long entries = 0;
      long bytes = 0;
      try (KeyValueIterator<byte[], byte[]> it = store.all()) {
        while (it.hasNext()) {
          KeyValue<byte[], byte[]> kv = it.next();
          byte[] key = kv.key;
          entries++;
          bytes += key.length + kv.value.length;
          if (name.equals("windows-accumulators")) {
            starts.add(java.nio.ByteBuffer.wrap(key).getLong());
            // service key, a 0 byte, and for an operation kept on its own a 1 byte and its name
            if (key[key.length - 1] == 0) {
              serviceWindows++;
              operationWindows += WindowTopology.operationWindowsInline(kv.value);
            } else {
              operationWindows++;
            }
          }
        }
      }
      stores.add(new StoreSize(name, entries, bytes));
    }
    Map<String, Long> changelogs = changelogBytes(bootstrap, app);
    Map<String, Double> counters = new LinkedHashMap<>();
    for (MetricSnapshot snapshot : registry.scrape()) {
      if (snapshot instanceof CounterSnapshot c) {
        for (CounterSnapshot.CounterDataPointSnapshot p : c.getDataPoints()) {
          String labels =
              p.getLabels().stream()
                  .map(l -> l.getName() + "=" + l.getValue())
                  .reduce((a, b) -> a + "," + b)
                  .map(s -> "{" + s + "}")
                  .orElse("");
          counters.put(snapshot.getMetadata().getName() + labels, p.getValue());
        }
      }
    }
    return new State(
        stores,
        serviceWindows,
        operationWindows,
        starts.size(),
        size(dir.resolve("state").resolve(app)),
        changelogs,
        counters);
  }

  /** Bytes on the broker of each changelog topic of {@code app}. */
  private static Map<String, Long> changelogBytes(String bootstrap, String app) throws Exception {
    Map<String, Long> out = new LinkedHashMap<>();
    try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", bootstrap))) {
      List<Integer> brokers =
          admin.describeCluster().nodes().get().stream().map(n -> n.id()).toList();
      for (Map<String, LogDirDescription> byDir :
          admin.describeLogDirs(brokers).allDescriptions().get().values()) {
        for (LogDirDescription dirDesc : byDir.values()) {
          for (Map.Entry<TopicPartition, ReplicaInfo> e : dirDesc.replicaInfos().entrySet()) {
            String topic = e.getKey().topic();
            if (topic.startsWith(app + "-") && topic.endsWith("-changelog")) {
              out.merge(
                  topic.substring(app.length() + 1, topic.length() - "-changelog".length()),
                  e.getValue().size(),
                  Long::sum);
            }
          }
        }
      }
    }
    return out;
  }

  private static long size(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return 0;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      return paths
          .filter(Files::isRegularFile)
          .mapToLong(
              p -> {
                try {
                  return Files.size(p);
                } catch (IOException e) {
                  return 0;
                }
              })
          .sum();
    }
  }

  private static long usedHeap() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /** VmRSS of this process, bytes. */
  private static long rss() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    return 0;
  }

  // ---- setup ----

  private static EmbeddedKafka startKafka(Path dir) throws IOException {
    return EmbeddedKafka.builder()
        .setDataDir(dir)
        .setPort(Harnesses.freePort())
        .setControllerPort(Harnesses.freePort())
        .setBrokerProperty("message.max.bytes", String.valueOf(16 << 20))
        .start();
  }

  private static void createTopics(String bootstrap, Topics topics) throws Exception {
    try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", bootstrap))) {
      List<NewTopic> create = new ArrayList<>();
      for (Signal s : Signal.values()) {
        create.add(new NewTopic(topics.raw(s), 1, (short) 1));
      }
      create.add(new NewTopic(topics.serviceWindows(), 1, (short) 1));
      create.add(new NewTopic(topics.deadLetter(), 1, (short) 1));
      if (!admin.listTopics().names().get().contains(PASS_THROUGH_OUT)) {
        create.add(new NewTopic(PASS_THROUGH_OUT, 1, (short) 1));
      }
      admin.createTopics(create).all().get();
    }
  }

  static void log(String message) {
    System.err.println("[streams-harness] " + message);
  }
}
