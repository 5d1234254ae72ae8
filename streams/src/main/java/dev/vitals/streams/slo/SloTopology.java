package dev.vitals.streams.slo;

import dev.vitals.schemas.Topics;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * SLOs, health and alerts: reads {@code vitals.service-windows.v1} and writes
 *
 * <ul>
 *   <li>{@code vitals.slo.v1}, key = service key {@code tenant/namespace/name} (the SLO name is in
 *       the value, so all of a service's records share its partition and order), one record per SLO
 *       per service-level window;
 *   <li>{@code vitals.health.v1} (compacted), key = service key, when the status or the alerts
 *       behind it change;
 *   <li>{@code vitals.alerts.v1}, key = the alert's fingerprint, one {@code firing} and one {@code
 *       resolved} record per alert.
 * </ul>
 *
 * Queryable key-value stores, String keys and String JSON values: {@value #HEALTH_STORE} (service
 * key → Health), {@value #ALERTS_ACTIVE_STORE} (fingerprint → firing AlertEvent, removed on
 * resolve), {@value #SLO_LATEST_STORE} ({@code serviceKey|slo} → latest SloEvaluation), {@value
 * #WINDOWS_RECENT_STORE} ({@code serviceKey|windowStart} (15-digit epoch ms) → ServiceWindow, the
 * last {@link SloSettings#recentWindows()} service-level windows; prefix-scan {@code serviceKey|}).
 */
public final class SloTopology {

  public static final String HEALTH_STORE = "health";
  public static final String ALERTS_ACTIVE_STORE = "alerts-active";
  public static final String SLO_LATEST_STORE = "slo-latest";
  public static final String WINDOWS_RECENT_STORE = "windows-recent";

  static final String STATE_STORE = "slo-state";
  static final String BUCKETS_STORE = "slo-buckets";
  static final String CONTRIBUTIONS_STORE = "slo-contributions";
  static final String EVIDENCE_STORE = "slo-evidence";
  static final String SERVICE_STORE = "slo-service";

  /** {@code service|slo|severity} → when a page was held back for its likely cause's edges. */
  static final String DEFERRED_STORE = "slo-deferred-pages";

  private SloTopology() {}

  /**
   * Adds the SLO topology to a builder.
   *
   * @throws IllegalArgumentException when the SLO file is invalid, listing every error
   */
  public static void addTo(StreamsBuilder b, Topics t, SloSettings s, SloMetrics metrics) {
    addTo(b, t, s, metrics, Stores::persistentKeyValueStore);
  }

  /**
   * Adds the topology with stores from {@code stores}: tests use in-memory stores, because the test
   * driver commits, and so flushes RocksDB to disk, after every record.
   */
  static void addTo(
      StreamsBuilder b,
      Topics t,
      SloSettings s,
      SloMetrics metrics,
      Function<String, KeyValueBytesStoreSupplier> stores) {
    SloCatalog catalog = new SloCatalog(s, metrics);
    for (String name :
        new String[] {
          STATE_STORE,
          BUCKETS_STORE,
          CONTRIBUTIONS_STORE,
          EVIDENCE_STORE,
          SERVICE_STORE,
          DEFERRED_STORE
        }) {
      b.addStateStore(bytesStore(stores.apply(name)));
    }
    for (String name :
        new String[] {HEALTH_STORE, ALERTS_ACTIVE_STORE, SLO_LATEST_STORE, WINDOWS_RECENT_STORE}) {
      b.addStateStore(stringStore(stores.apply(name)));
    }
    KStream<String, Emitted> out =
        b.stream(
                t.serviceWindows(),
                Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("slo-source"))
            .process(
                () -> new SloProcessor(s, catalog, metrics),
                Named.as("slo-evaluator"),
                STATE_STORE,
                BUCKETS_STORE,
                CONTRIBUTIONS_STORE,
                EVIDENCE_STORE,
                SERVICE_STORE,
                DEFERRED_STORE,
                HEALTH_STORE,
                ALERTS_ACTIVE_STORE,
                SLO_LATEST_STORE,
                WINDOWS_RECENT_STORE);
    Map<String, String> topics =
        Map.of(
            Emitted.Kind.SLO.name(), t.slo(),
            Emitted.Kind.HEALTH.name(), t.health(),
            Emitted.Kind.ALERT.name(), t.alerts());
    var split = out.split(Named.as("slo-out-"));
    for (Emitted.Kind kind : Emitted.Kind.values()) {
      split =
          split.branch(
              (k, v) -> v.kind() == kind,
              Branched.withConsumer(
                  branch ->
                      branch
                          .mapValues(
                              Emitted::json,
                              Named.as("slo-json-" + kind.name().toLowerCase(Locale.ROOT)))
                          .to(
                              topics.get(kind.name()),
                              Produced.with(Serdes.String(), Serdes.String())
                                  .withName("slo-sink-" + kind.name().toLowerCase(Locale.ROOT))),
                  kind.name().toLowerCase(Locale.ROOT)));
    }
  }

  private static StoreBuilder<KeyValueStore<String, byte[]>> bytesStore(
      KeyValueBytesStoreSupplier supplier) {
    return Stores.keyValueStoreBuilder(supplier, Serdes.String(), Serdes.ByteArray());
  }

  private static StoreBuilder<KeyValueStore<String, String>> stringStore(
      KeyValueBytesStoreSupplier supplier) {
    return Stores.keyValueStoreBuilder(supplier, Serdes.String(), Serdes.String());
  }
}
