package dev.vitals.streams.window;

import static java.util.Objects.requireNonNull;

import dev.vitals.schemas.Signal;
import dev.vitals.schemas.Topics;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;

/**
 * The service-window topology: the three raw OTLP topics in, {@code vitals.service-windows.v1} and
 * dead letters out.
 *
 * <pre>
 * otlp_metrics, otlp_logs, otlp_spans ─► windows-route ─┬─ direct ──────────────────────┐
 *                                                       ├─ re-key ─► windows-rekey ──────┴─► windows-aggregate ─┬─► service windows
 *                                                       └─ dead letter ─────────────────────────────────────────┴─► dead letters
 * </pre>
 *
 * <p>The raw topics are co-partitioned (same partition count, keyed by service), so one task sees
 * all of a service's metrics, logs and spans. Records that are not keyed by the service of their
 * only resource are split per resource, re-keyed and sent through the {@code windows-rekey}
 * repartition topic, which has the raw topics' partition count.
 */
public final class WindowTopology {

  /** The repartition topic is {@code <application.id>-windows-rekey-repartition}. */
  public static final String REKEY = "windows-rekey";

  /** State stores, all changelogged. */
  public static final List<String> STORES = WindowStores.NAMES;

  /**
   * The operation windows a {@code windows-accumulators} entry holds inline (for tools that report
   * on the store, as the benchmarks do); 0 for an operation's entry of its own.
   */
  public static int operationWindowsInline(byte[] accumulatorsValue) {
    return WindowBundle.inlineOperations(accumulatorsValue);
  }

  private WindowTopology() {}

  /**
   * The record timestamp, or the partition's time when a foreign producer wrote none (the default
   * extractor would stop the application). Windows go by the data's own event times; this is only
   * the fallback for items without one.
   */
  private static long timestamp(
      org.apache.kafka.clients.consumer.ConsumerRecord<Object, Object> record, long partitionTime) {
    return record.timestamp() >= 0 ? record.timestamp() : Math.max(0, partitionTime);
  }

  /**
   * Adds the service-window topology to {@code builder}.
   *
   * @return the stream of the three raw topics, for other topologies that read them (a topic can
   *     feed only one source node)
   */
  public static KStream<byte[], byte[]> addTo(
      StreamsBuilder builder, Topics topics, WindowSettings settings, WindowMetrics metrics) {
    requireNonNull(topics, "topics");
    requireNonNull(settings, "settings");
    requireNonNull(metrics, "metrics");
    for (String store : WindowStores.NAMES) {
      builder.addStateStore(WindowStores.builder(store));
    }
    KStream<byte[], byte[]> raw =
        builder.stream(
            List.of(topics.raw(Signal.METRICS), topics.raw(Signal.LOGS), topics.raw(Signal.TRACES)),
            Consumed.with(Serdes.ByteArray(), Serdes.ByteArray())
                .withTimestampExtractor(WindowTopology::timestamp)
                .withName("windows-raw"));
    Map<String, KStream<byte[], Routed>> routed =
        raw.process(() -> new RawRouter(topics, metrics), Named.as("windows-route"))
            .split(Named.as("windows-routed-"))
            .branch((k, v) -> v.route() == Routed.Route.DIRECT, Branched.as("direct"))
            .branch((k, v) -> v.route() == Routed.Route.REKEY, Branched.as("rekey"))
            .defaultBranch(Branched.as("dead-letters"));
    KStream<byte[], Routed> rekeyed =
        routed
            .get("windows-routed-rekey")
            .repartition(
                Repartitioned.with(Serdes.ByteArray(), RoutedSerde.serde()).withName(REKEY));
    KStream<byte[], Routed> out =
        routed
            .get("windows-routed-direct")
            .merge(rekeyed, Named.as("windows-merge"))
            .process(
                () -> new WindowAggregator(settings, metrics),
                Named.as("windows-aggregate"),
                WindowStores.NAMES.toArray(new String[0]));
    Map<String, KStream<byte[], Routed>> results =
        out.split(Named.as("windows-out-"))
            .branch((k, v) -> v.route() == Routed.Route.WINDOW, Branched.as("windows"))
            .defaultBranch(Branched.as("dead-letters"));
    results
        .get("windows-out-windows")
        .mapValues(Routed::bytes, Named.as("windows-json"))
        .to(
            topics.serviceWindows(),
            Produced.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("windows-sink"));
    routed
        .get("windows-routed-dead-letters")
        .merge(results.get("windows-out-dead-letters"), Named.as("windows-dead-letters"))
        .mapValues(Routed::bytes, Named.as("windows-dead-letter-bytes"))
        .to(
            topics.deadLetter(),
            Produced.with(Serdes.ByteArray(), Serdes.ByteArray())
                .withName("windows-dead-letter-sink"));
    return raw;
  }
}
