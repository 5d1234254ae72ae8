package dev.vitals.streams.graph;

import static java.util.Objects.requireNonNull;

import dev.vitals.schemas.Topics;
import dev.vitals.streams.window.WindowSettings;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The dependency-graph topology: spans of the raw stream in, {@code vitals.edges.v1} out.
 *
 * <pre>
 * otlp_spans ─► graph-split ─► graph-spans (repartition by tenant + trace id)
 *   ─► graph-pair [graph-pending] ─┬─► graph-calls (repartition by edge)
 * otlp_metrics ─► graph-client-metrics [graph-client-series] ─┘
 *   ─► graph-aggregate [graph-edge-windows, graph-edge-corrections, graph-edge-clock] ─► vitals.edges.v1
 * vitals.edges.v1 ─► graph-edges-recent (global store: the last hour of every edge, on every instance)
 * vitals.health.v1 ─► graph-health (global store: every service's health, for alerts' likely cause)
 * </pre>
 *
 * <p>The repartition by trace id brings both halves of every call to one task whatever ingest
 * instance received them and whatever streams instance reads their services' partitions, so a call
 * is paired exactly (the OpenTelemetry Collector's service graph pairs only what reaches the same
 * collector). Edge windows have the service windows' size, so an alert can set a service's errors
 * beside its calls' in the same window.
 */
public final class GraphTopology {

  /** Trace id + caller span id → a span half waiting for its other half (in memory, logged). */
  public static final String PENDING = "graph-pending";

  /** Cumulative client-duration series → its last point, for calls from metrics. */
  public static final String CLIENT_SERIES = "graph-client-series";

  /** Window start + edge key → {@link EdgeAccumulator}. */
  public static final String EDGE_WINDOWS = "graph-edge-windows";

  /** Keys of closed edge windows that changed since they were emitted. */
  public static final String EDGE_CORRECTIONS = "graph-edge-corrections";

  /** Edge key → {@link EdgeTotals}: every call counted on the edge so far. */
  public static final String EDGE_TOTALS = "graph-edge-totals";

  /** One key: the edge task's clock and first open window. */
  public static final String EDGE_CLOCK = "graph-edge-clock";

  /**
   * Global store: edge key → JSON array of the edge's windows of the last {@link #RECENT}, the
   * latest revision of each. Every instance has all of it.
   */
  public static final String EDGES_RECENT = "graph-edges-recent";

  /** Global store: service key → its current Health JSON, a copy of {@code vitals.health.v1}. */
  public static final String HEALTH_GLOBAL = "graph-health";

  /** How much of each edge's recent history {@link #EDGES_RECENT} keeps. */
  public static final java.time.Duration RECENT = java.time.Duration.ofHours(1);

  public static final List<String> STORES =
      List.of(PENDING, CLIENT_SERIES, EDGE_WINDOWS, EDGE_CORRECTIONS, EDGE_CLOCK, EDGE_TOTALS);

  private GraphTopology() {}

  /**
   * Adds the graph topology, reading the spans of {@code raw} (the window topology's stream of the
   * three raw topics: a topic can feed only one source node).
   */
  public static void addTo(
      StreamsBuilder builder,
      KStream<byte[], byte[]> raw,
      Topics topics,
      WindowSettings windows,
      GraphSettings settings,
      GraphMetrics metrics) {
    requireNonNull(topics, "topics");
    requireNonNull(windows, "windows");
    requireNonNull(settings, "settings");
    requireNonNull(metrics, "metrics");
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.inMemoryKeyValueStore(PENDING), Serdes.ByteArray(), Serdes.ByteArray()));
    for (String store : List.of(EDGE_WINDOWS, EDGE_CORRECTIONS, EDGE_CLOCK, EDGE_TOTALS)) {
      builder.addStateStore(persistent(store));
    }
    addGlobalStores(builder, topics);
    long idleAfter = windows.idleAfter().toMillis();
    long punctuate = windows.punctuateInterval().toMillis();
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(CLIENT_SERIES), Serdes.String(), Serdes.ByteArray())
            .withCachingEnabled());
    KStream<byte[], Call> fromMetrics =
        raw.process(
            () -> new ClientMetricsReader(topics), Named.as("graph-client-metrics"), CLIENT_SERIES);
    raw.process(() -> new SpanSplitter(topics, metrics), Named.as("graph-split"))
        .repartition(
            Repartitioned.with(Serdes.ByteArray(), SpanHalf.serde()).withName("graph-spans"))
        .process(
            () -> new SpanPairer(settings, idleAfter, punctuate, metrics),
            Named.as("graph-pair"),
            PENDING)
        .merge(fromMetrics, Named.as("graph-calls-merge"))
        .repartition(Repartitioned.with(Serdes.ByteArray(), Call.serde()).withName("graph-calls"))
        .process(
            () ->
                new EdgeAggregator(
                    windows.windowSize().toMillis(),
                    windows.grace().toMillis(),
                    windows.correctionHorizon().toMillis(),
                    settings.pairingWait().toMillis(),
                    idleAfter,
                    punctuate,
                    metrics),
            Named.as("graph-aggregate"),
            EDGE_WINDOWS,
            EDGE_CORRECTIONS,
            EDGE_CLOCK,
            EDGE_TOTALS)
        .to(
            topics.edges(),
            Produced.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("graph-sink"));
  }

  /**
   * Adds the global stores only: {@value #EDGES_RECENT} from {@code vitals.edges.v1} and {@value
   * #HEALTH_GLOBAL} from {@code vitals.health.v1} (the SLO topology reads both for alerts' likely
   * cause; tests of it add them without the rest).
   */
  public static void addGlobalStores(StreamsBuilder builder, Topics topics) {
    builder.addGlobalStore(
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(EDGES_RECENT), Serdes.String(), Serdes.String())
            .withLoggingDisabled(),
        topics.edges(),
        Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("graph-edges-recent-source"),
        () -> new RecentEdges(RECENT.toMillis()));
    builder.addGlobalStore(
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(HEALTH_GLOBAL), Serdes.String(), Serdes.String())
            .withLoggingDisabled(),
        topics.health(),
        Consumed.with(Serdes.String(), Serdes.String()).withName("graph-health-source"),
        HealthCopy::new);
  }

  private static StoreBuilder<KeyValueStore<byte[], byte[]>> persistent(String name) {
    return Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(name), Serdes.ByteArray(), Serdes.ByteArray())
        .withCachingEnabled();
  }
}
