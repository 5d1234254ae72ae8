package dev.vitals.streams;

import dev.vitals.streams.graph.GraphMetrics;
import dev.vitals.streams.graph.GraphTopology;
import dev.vitals.streams.slo.SloMetrics;
import dev.vitals.streams.slo.SloTopology;
import dev.vitals.streams.window.WindowMetrics;
import dev.vitals.streams.window.WindowTopology;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.kstream.KStream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running streams stage of one process: one Kafka Streams application with the service-window
 * and SLO topologies, and the query API over its state. {@link #close()} stops the query API, then
 * Kafka Streams (committing its last transaction).
 */
public final class StreamsStage implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(StreamsStage.class);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
  private static final int MAX_DEFAULT_REPLICATION = 3;

  private final KafkaStreams streams;
  private final AutoCloseable query;
  private final int queryPort;
  private final ThreadFailures failures;
  private final Restorations restorations;
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile boolean wasRunning;

  private StreamsStage(
      KafkaStreams streams,
      AutoCloseable query,
      int queryPort,
      ThreadFailures failures,
      Restorations restorations) {
    this.streams = streams;
    this.query = query;
    this.queryPort = queryPort;
    this.failures = failures;
    this.restorations = restorations;
  }

  /**
   * Builds both topologies into one application and starts it and the query API.
   *
   * @param clientProps bootstrap servers and security properties shared by every Kafka client
   */
  public static StreamsStage start(
      StreamsSettings settings, Map<String, Object> clientProps, PrometheusRegistry registry)
      throws Exception {
    Topology topology = topology(settings, registry);
    log.info("streams topology:\n{}", topology.describe());
    Properties props = properties(settings, clientProps, replicationFactor(settings, clientProps));
    KafkaStreams streams = new KafkaStreams(topology, props);
    ThreadFailures failures = new ThreadFailures(registry, System::currentTimeMillis);
    Restorations restorations = new Restorations();
    streams.setGlobalStateRestoreListener(restorations);
    streams.setUncaughtExceptionHandler(
        e -> {
          failures.failed(e);
          return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
    StreamsStage[] self = new StreamsStage[1];
    streams.setStateListener(
        (now, before) -> {
          log.info("streams state {} -> {}", before, now);
          if (now == KafkaStreams.State.RUNNING && self[0] != null) {
            self[0].wasRunning = true;
          }
        });
    streams.start();
    QueryEndpoint api;
    try {
      api = QueryEndpoint.start(settings, streams, registry);
    } catch (Exception | Error e) {
      streams.close(CLOSE_TIMEOUT);
      throw e;
    }
    self[0] = new StreamsStage(streams, api, api.port(), failures, restorations);
    if (streams.state() == KafkaStreams.State.RUNNING) {
      self[0].wasRunning = true;
    }
    return self[0];
  }

  /** The topology of the stage, as tests and benchmarks build it. */
  public static Topology topology(StreamsSettings settings, PrometheusRegistry registry) {
    StreamsBuilder builder = new StreamsBuilder();
    KStream<byte[], byte[]> raw =
        WindowTopology.addTo(
            builder, settings.topics(), settings.windows(), new WindowMetrics(registry));
    GraphTopology.addTo(
        builder,
        raw,
        settings.topics(),
        settings.windows(),
        settings.graph(),
        new GraphMetrics(registry));
    SloTopology.addTo(builder, settings.topics(), settings.slo(), new SloMetrics(registry));
    return builder.build();
  }

  /**
   * How long a window task waits for a fetch from one of its raw topics' partitions that ran empty
   * before it reads the others on: a service's metrics, spans and logs are three partitions of one
   * task, and without the wait a fetch of one returning before another's lets its event time run
   * ahead — by minutes of event time in a replay — closing windows whose other signals are still on
   * their way. Kafka Streams' {@code max.task.idle.ms}; the client properties can override it.
   */
  public static final long DEFAULT_MAX_TASK_IDLE_MS = 2_000;

  /**
   * How long the group waits for an instance that stopped heartbeating (a crash, {@code kill -9})
   * and did not come back before its partitions move to another: Kafka's 45 s default left a
   * crashed instance's services without windows or query answers for most of a minute. 15 s still
   * rides out a long GC pause. (An instance that restarts takes its place at once: static
   * membership.) {@code session.timeout.ms} in the client properties overrides it.
   */
  public static final int DEFAULT_SESSION_TIMEOUT_MS = 15_000;

  /**
   * How often a stream thread commits its transaction (and flushes its state-store caches) unless
   * the client properties say {@code commit.interval.ms}. Kafka Streams' exactly-once default of
   * 100 ms makes every state change a changelog record and a RocksDB write within a tenth of a
   * second, and ten transactions a second on every changelog partition. At 1 s a key changed
   * several times within the second is written once: the whole standalone process spent a quarter
   * less CPU per data point where services' records came back within a second, and no measurable
   * difference where they did not (bench/RESULTS.md). An emitted window or alert reaches its topic
   * at most a second later, against one-minute windows.
   */
  public static final long DEFAULT_COMMIT_INTERVAL_MS = 1_000;

  /**
   * The state-store cache of an instance (shared by its stream threads) unless the client
   * properties say {@code statestore.cache.max.bytes}: large enough to hold a commit interval's
   * changed windows and series groups at saturation, so that repeated writes of one key fold into
   * one changelog record instead of being evicted one by one (Kafka's default is 10 MiB).
   */
  public static final long DEFAULT_CACHE_MAX_BYTES = 64L * 1024 * 1024;

  /**
   * The producer's batch size unless the client properties say {@code batch.size}. A commit flushes
   * every changed state entry at once, so Kafka's 16 KiB batches fill within a few records and each
   * partition's flush becomes many small batches: each one is compressed, framed and appended on
   * its own, by the stream thread and by the brokers. 64 KiB cut the brokers' CPU per data point in
   * the standalone harness (bench/RESULTS.md). Each open or unacknowledged batch takes its 64 KiB
   * of {@code buffer.memory} (32 MiB by default: 512 batches, against 2,048 of 16 KiB), so a thread
   * writing to more partitions at once than that would wait for buffer space.
   */
  public static final int DEFAULT_BATCH_BYTES = 64 * 1024;

  /** The producer compression of changelogs and outputs unless the client properties name one. */
  public static final String DEFAULT_COMPRESSION = "lz4";

  /** Whether the client properties set a key for every client ({@code key}) or for one. */
  private static boolean namesEither(Map<String, Object> clientProps, String key, String prefixed) {
    return clientProps.containsKey(key) || clientProps.containsKey(prefixed);
  }

  /**
   * Kafka Streams properties: exactly-once v2, replication that fits the cluster, lz4-compressed
   * changelogs and outputs (the stage writes a changelog record per state change: compressing them
   * cost its thread less than waiting on the broker for them; bench/RESULTS.md).
   */
  static Properties properties(
      StreamsSettings s, Map<String, Object> clientProps, int replicationFactor) {
    Properties p = new Properties();
    p.putAll(clientProps);
    String compression = "compression.type";
    if (!namesEither(clientProps, compression, StreamsConfig.producerPrefix(compression))) {
      p.put(StreamsConfig.producerPrefix(compression), DEFAULT_COMPRESSION);
    }
    String batchSize = "batch.size";
    if (!namesEither(clientProps, batchSize, StreamsConfig.producerPrefix(batchSize))) {
      p.put(StreamsConfig.producerPrefix(batchSize), DEFAULT_BATCH_BYTES);
    }
    String instanceId = StreamsConfig.mainConsumerPrefix("group.instance.id");
    if (!namesEither(clientProps, "group.instance.id", instanceId)) {
      p.put(instanceId, groupInstanceId(s));
    }
    String sessionTimeout = StreamsConfig.consumerPrefix("session.timeout.ms");
    if (!namesEither(clientProps, "session.timeout.ms", sessionTimeout)) {
      p.put(sessionTimeout, DEFAULT_SESSION_TIMEOUT_MS);
      p.put(StreamsConfig.consumerPrefix("heartbeat.interval.ms"), DEFAULT_SESSION_TIMEOUT_MS / 5);
    }
    if (!clientProps.containsKey(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG)) {
      p.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, DEFAULT_MAX_TASK_IDLE_MS);
    }
    if (!clientProps.containsKey(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)) {
      p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, DEFAULT_COMMIT_INTERVAL_MS);
    }
    if (!clientProps.containsKey(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG)) {
      p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, DEFAULT_CACHE_MAX_BYTES);
    }
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, s.applicationId());
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.STATE_DIR_CONFIG, s.stateDir().toAbsolutePath().toString());
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, s.threads());
    p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, s.standbyReplicas());
    p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, replicationFactor);
    p.put(
        StreamsConfig.topicPrefix("min.insync.replicas"),
        String.valueOf(Math.min(2, replicationFactor)));
    p.put(
        StreamsConfig.APPLICATION_SERVER_CONFIG,
        s.query().advertisedHost() + ":" + s.query().advertisedPort());
    return p;
  }

  /**
   * Static group membership: the instance's query address ({@code application.server}) is unique
   * per instance and stable across restarts, so a restarted instance takes its member's place (and
   * its tasks) at once instead of waiting out the session of its previous run, and an orderly stop
   * can leave the group. A loopback address (the default {@code localhost}) is replaced by the
   * machine's name, so that two machines left on the default never share an id (Kafka would fence
   * one of them).
   */
  static String groupInstanceId(StreamsSettings s) {
    String host = s.query().advertisedHost();
    if (List.of("localhost", "127.0.0.1", "::1").contains(host)) {
      try {
        host = InetAddress.getLocalHost().getHostName();
      } catch (UnknownHostException e) {
        log.warn("no host name for the group instance id; using {} error={}", host, e.toString());
      }
    }
    return s.applicationId() + "-" + host + "-" + s.query().advertisedPort();
  }

  private static int replicationFactor(StreamsSettings s, Map<String, Object> clientProps)
      throws Exception {
    if (s.replicationFactor() > 0) {
      return s.replicationFactor();
    }
    try (Admin admin = Admin.create(clientProps)) {
      int brokers = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size();
      return Math.max(1, Math.min(MAX_DEFAULT_REPLICATION, brokers));
    }
  }

  /** True when {@link #whyNotReady()} has nothing to say. */
  public boolean ready() {
    return whyNotReady() == null;
  }

  /**
   * Null while the instance can serve, else why not: it has not been running yet, is shutting down
   * or failed; it is restoring state from changelogs; or a stream thread failed within the last
   * minute (a thread that fails in a loop is replaced each time, and the instance would otherwise
   * look ready while its tasks never run). A rebalance after the first {@code RUNNING} pauses
   * processing for seconds and is no reason to take the instance out of service.
   */
  public @Nullable String whyNotReady() {
    KafkaStreams.State state = streams.state();
    boolean serving =
        state == KafkaStreams.State.RUNNING
            || (wasRunning && state == KafkaStreams.State.REBALANCING);
    if (!serving) {
      return (wasRunning ? "state " : "starting: state ") + state;
    }
    String restoring = restorations.describe();
    if (restoring != null) {
      return restoring;
    }
    return failures.recently();
  }

  /** The port the query API listens on. */
  public int queryPort() {
    return queryPort;
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      query.close();
    } catch (Exception e) {
      log.warn("query API did not close cleanly error={}", e.toString());
    }
    // Leave the group: the partitions move at once (to a standby, or back to this instance when
    // it restarts) instead of waiting out the session timeout with nobody processing them.
    if (!streams.close(new KafkaStreams.CloseOptions().leaveGroup(true).timeout(CLOSE_TIMEOUT))) {
      log.warn("streams did not close within {}", CLOSE_TIMEOUT);
    }
  }
}
