package dev.vitals.streams.slo;

import dev.vitals.schemas.Topics;
import dev.vitals.schemas.signals.AlertEvent;
import dev.vitals.schemas.signals.Health;
import dev.vitals.schemas.signals.ServiceWindow;
import dev.vitals.schemas.signals.SignalJson;
import dev.vitals.schemas.signals.SignalSchemas;
import dev.vitals.schemas.signals.SloEvaluation;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.Stores;

/** Drives the SLO topology with service windows in simulated time and keeps what it produced. */
final class SloHarness implements AutoCloseable {

  static final Instant T0 = Instant.parse("2026-01-05T00:00:00Z");
  static final Duration MINUTE = Duration.ofMinutes(1);
  private static final String APP = "slo-test";

  final PrometheusRegistry registry = new PrometheusRegistry();
  final TopologyTestDriver driver;
  final List<AlertEvent> alerts = new ArrayList<>();
  final List<Health> health = new ArrayList<>();
  private final Map<String, String> latestSlo = new HashMap<>();
  final List<SloEvaluation> slo = new ArrayList<>();
  long sloRecords;
  private final TestInputTopic<String, String> in;
  private final TestInputTopic<String, String> edgesIn;
  private final TestInputTopic<String, String> healthIn;
  private final List<TestOutputTopic<String, String>> changelogs = new ArrayList<>();
  private final TestOutputTopic<String, String> sloOut;
  private final TestOutputTopic<String, String> healthOut;
  private final TestOutputTopic<String, String> alertsOut;
  private final boolean validateAll;
  private final boolean keepSlo;
  private long sent;

  SloHarness(SloSettings settings) {
    this(settings, true, true);
  }

  SloHarness(SloSettings settings, boolean validateAll, boolean keepSlo) {
    this(settings, validateAll, keepSlo, false);
  }

  /** With {@code graph}, also the graph's global stores, fed by {@link #send(EdgeWindow)}. */
  SloHarness(SloSettings settings, boolean validateAll, boolean keepSlo, boolean graph) {
    this.validateAll = validateAll;
    this.keepSlo = keepSlo;
    StreamsBuilder b = new StreamsBuilder();
    if (graph) {
      dev.vitals.streams.graph.GraphTopology.addGlobalStores(b, Topics.DEFAULT);
    }
    SloTopology.addTo(
        b, Topics.DEFAULT, settings, new SloMetrics(registry), Stores::inMemoryKeyValueStore);
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, APP);
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
    driver = new TopologyTestDriver(b.build(), p, T0);
    StringSerializer ser = new StringSerializer();
    StringDeserializer de = new StringDeserializer();
    in = driver.createInputTopic(Topics.DEFAULT.serviceWindows(), ser, ser);
    edgesIn = graph ? driver.createInputTopic(Topics.DEFAULT.edges(), ser, ser) : null;
    healthIn = graph ? driver.createInputTopic(Topics.DEFAULT.health(), ser, ser) : null;
    sloOut = driver.createOutputTopic(Topics.DEFAULT.slo(), de, de);
    healthOut = driver.createOutputTopic(Topics.DEFAULT.health(), de, de);
    alertsOut = driver.createOutputTopic(Topics.DEFAULT.alerts(), de, de);
    for (String store :
        List.of(
            SloTopology.STATE_STORE,
            SloTopology.BUCKETS_STORE,
            SloTopology.CONTRIBUTIONS_STORE,
            SloTopology.EVIDENCE_STORE,
            SloTopology.SERVICE_STORE,
            SloTopology.HEALTH_STORE,
            SloTopology.ALERTS_ACTIVE_STORE,
            SloTopology.SLO_LATEST_STORE,
            SloTopology.WINDOWS_RECENT_STORE)) {
      changelogs.add(driver.createOutputTopic(APP + "-" + store + "-changelog", de, de));
    }
  }

  void send(ServiceWindow w) {
    String key = w.tenant() + "/" + w.namespace() + "/" + w.service();
    in.pipeInput(key, new String(SignalJson.write(w), StandardCharsets.UTF_8), w.windowEnd());
    drain();
  }

  /** Any value on the service-windows topic, as a foreign or broken writer could put it there. */
  void sendRaw(String key, String value, java.time.Instant at) {
    in.pipeInput(key, value, at);
    drain();
  }

  /** An edge window on {@code vitals.edges.v1}, as the graph topology writes it. */
  void send(dev.vitals.schemas.signals.EdgeWindow e) {
    edgesIn.pipeInput(
        dev.vitals.schemas.signals.EdgeWindow.key(e.tenant(), e.client(), e.server()),
        new String(SignalJson.write(e), StandardCharsets.UTF_8),
        e.windowEnd());
  }

  /** A health record on {@code vitals.health.v1}, as another service's task writes it. */
  void send(Health h) {
    healthIn.pipeInput(
        h.tenant() + "/" + h.namespace() + "/" + h.service(),
        new String(SignalJson.write(h), StandardCharsets.UTF_8),
        h.evaluatedAt());
  }

  private void drain() {
    for (KeyValue<String, String> kv : alertsOut.readKeyValuesToList()) {
      SignalSchemas.assertValid("alerts.v1", bytes(kv.value));
      AlertEvent a = SignalJson.read(bytes(kv.value), AlertEvent.class);
      if (!kv.key.equals(a.fingerprint())) {
        throw new AssertionError(
            "alert key " + kv.key + " is not its fingerprint " + a.fingerprint());
      }
      alerts.add(a);
    }
    for (KeyValue<String, String> kv : healthOut.readKeyValuesToList()) {
      SignalSchemas.assertValid("health.v1", bytes(kv.value));
      health.add(SignalJson.read(bytes(kv.value), Health.class));
    }
    for (KeyValue<String, String> kv : sloOut.readKeyValuesToList()) {
      if (validateAll || sloRecords % 5000 == 0) {
        SignalSchemas.assertValid("slo.v1", bytes(kv.value));
      }
      sloRecords++;
      int at = kv.value.indexOf("\"slo\":\"") + 7;
      latestSlo.put(kv.key + "|" + kv.value.substring(at, kv.value.indexOf('"', at)), kv.value);
      if (keepSlo) {
        slo.add(SignalJson.read(bytes(kv.value), SloEvaluation.class));
      }
    }
    if (++sent % 1000 == 0) {
      changelogs.forEach(TestOutputTopic::readRecordsToList);
    }
  }

  /** The latest evaluation of {@code serviceKey|slo}. */
  SloEvaluation latestSlo(String key) {
    return SignalJson.read(bytes(latestSlo.get(key)), SloEvaluation.class);
  }

  List<AlertEvent> firing() {
    return alerts.stream().filter(a -> a.status() == AlertEvent.Status.firing).toList();
  }

  List<AlertEvent> resolved() {
    return alerts.stream().filter(a -> a.status() == AlertEvent.Status.resolved).toList();
  }

  String store(String name, String key) {
    return driver.<String, String>getKeyValueStore(name).get(key);
  }

  double counter(String name) {
    return registry.scrape().stream()
        .filter(s -> s.getMetadata().getPrometheusName().equals(name))
        .flatMap(s -> s.getDataPoints().stream())
        .mapToDouble(
            d ->
                ((io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot) d)
                    .getValue())
        .sum();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    driver.close();
  }
}
