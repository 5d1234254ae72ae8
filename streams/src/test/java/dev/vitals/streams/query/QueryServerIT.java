package dev.vitals.streams.query;

import static dev.vitals.streams.query.Fixtures.T0;
import static dev.vitals.streams.query.Fixtures.get;
import static dev.vitals.streams.query.QueryServerTest.json;
import static dev.vitals.streams.query.QueryServerTest.texts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vitals.schemas.ServiceKey;
import dev.vitals.schemas.signals.Health;
import dev.vitals.schemas.testing.FreePorts;
import dev.vitals.schemas.testing.KafkaTestCluster;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two Kafka Streams instances of one application in this JVM, each with a query server, split the
 * partitions of the four stores: either instance must answer for every service.
 */
class QueryServerIT {

  static final int PARTITIONS = 2;
  static final int SERVICES = 6;
  static final Map<String, String> TOPICS =
      Map.of(
          StoreNames.HEALTH, "it-health",
          StoreNames.SLO_LATEST, "it-slo",
          StoreNames.ALERTS_ACTIVE, "it-alerts",
          StoreNames.WINDOWS_RECENT, "it-windows");

  static KafkaTestCluster cluster;
  static final List<Instance> instances = new ArrayList<>();

  record Instance(KafkaStreams streams, QueryServer server, HostInfo host) {}

  @BeforeAll
  static void startTwoInstances(@TempDir Path dir) throws Exception {
    cluster = KafkaTestCluster.start();
    List<NewTopic> topics = new ArrayList<>();
    TOPICS.values().forEach(t -> topics.add(new NewTopic(t, PARTITIONS, (short) 1)));
    cluster.createTopics(topics);
    for (String name : List.of("a", "b")) {
      instances.add(startInstance(dir.resolve(name)));
    }
    produce();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                instances.stream()
                    .allMatch(i -> i.streams().state() == KafkaStreams.State.RUNNING));
  }

  static Topology topology() {
    StreamsBuilder builder = new StreamsBuilder();
    TOPICS.forEach(
        (store, topic) ->
            builder.table(
                topic,
                Consumed.with(Serdes.String(), Serdes.String()),
                Materialized.<String, String, KeyValueStore<Bytes, byte[]>>as(store)
                    .withKeySerde(Serdes.String())
                    .withValueSerde(Serdes.String())));
    return builder.build();
  }

  static Instance startInstance(Path stateDir) throws Exception {
    int port = FreePorts.next();
    HostInfo host = new HostInfo("127.0.0.1", port);
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "query-it");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, "127.0.0.1:" + port);
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
    props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
    props.put("consumer.auto.offset.reset", "earliest");
    KafkaStreams streams = new KafkaStreams(topology(), props);
    streams.start();
    QueryServer server =
        QueryServer.builder()
            .setStateView(StateView.of(streams, host))
            .setHost("127.0.0.1")
            .setPort(port)
            .setInstanceName("127.0.0.1:" + port)
            .setRegistry(new PrometheusRegistry())
            .build()
            .start();
    return new Instance(streams, server, host);
  }

  static ServiceKey service(int i) {
    return new ServiceKey("default", i % 2 == 0 ? "" : "shop", "svc-" + i);
  }

  /** The partition the default partitioner gives the service key, for records keyed otherwise. */
  static int partition(ServiceKey key) {
    return Utils.toPositive(Utils.murmur2(key.toString().getBytes(StandardCharsets.UTF_8)))
        % PARTITIONS;
  }

  static void produce() throws Exception {
    Map<String, Object> props = cluster.producerProperties();
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
      for (int i = 0; i < SERVICES; i++) {
        ServiceKey key = service(i);
        int p = partition(key);
        Health.Status status = i == 3 ? Health.Status.CRITICAL : Health.Status.OK;
        send(producer, StoreNames.HEALTH, p, key.toString(), Fixtures.health(key, status));
        send(
            producer,
            StoreNames.SLO_LATEST,
            p,
            key + "|availability",
            Fixtures.slo(key, "availability", 0.5, QueryServerTest.BURN));
        send(
            producer,
            StoreNames.ALERTS_ACTIVE,
            p,
            "fp-" + i,
            Fixtures.alert("fp-" + i, key, "SLOBurnFast", i == 3 ? "critical" : "warning", T0));
        for (Map.Entry<String, String> w : Fixtures.windows(key, 3, 60, i).entrySet()) {
          send(producer, StoreNames.WINDOWS_RECENT, p, w.getKey(), w.getValue());
        }
      }
      producer.flush();
    }
  }

  static void send(KafkaProducer<String, String> producer, String store, int p, String k, String v)
      throws Exception {
    producer.send(new ProducerRecord<>(TOPICS.get(store), p, k, v)).get();
  }

  @AfterAll
  static void stop() throws Exception {
    for (Instance i : instances) {
      i.server().close();
      i.streams().close(Duration.ofSeconds(10));
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  static int port(Instance i) {
    return i.server().port();
  }

  @Test
  void eitherInstanceListsEveryServiceOfBothInstances() {
    List<String> all = new ArrayList<>();
    for (int i = 0; i < SERVICES; i++) {
      all.add(service(i).toString());
    }
    all.sort(null);
    for (Instance instance : instances) {
      await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                JsonNode services = json(get(port(instance), "/api/v1/services"));
                assertThat(texts(services.path("services"), "key")).isEqualTo(all);
                assertThat(services.path("unreachable")).isEmpty();
                JsonNode alerts = json(get(port(instance), "/api/v1/alerts"));
                assertThat(texts(alerts.path("alerts"), "fingerprint"))
                    .startsWith("fp-3")
                    .hasSize(SERVICES);
                assertThat(json(get(port(instance), "/api/v1/reports/slo")).path("slos"))
                    .hasSize(SERVICES);
              });
    }
  }

  @Test
  void aServiceAskedOfTheInstanceThatDoesNotOwnItIsForwardedToItsOwner() {
    await()
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              int forwarded = 0;
              for (int i = 0; i < SERVICES; i++) {
                ServiceKey key = service(i);
                HostInfo owner = owner(key);
                for (Instance asked : instances) {
                  HttpResponse<String> response =
                      get(port(asked), "/api/v1/services/" + ServiceRef.path(key));
                  assertThat(response.statusCode())
                      .as(key + " from " + asked.host())
                      .isEqualTo(200);
                  assertThat(response.headers().firstValue("X-Vitals-Served-By"))
                      .hasValue(owner.host() + ":" + owner.port());
                  JsonNode detail = json(response);
                  assertThat(detail.path("key").asText()).isEqualTo(key.toString());
                  assertThat(detail.path("health").path("status").asText())
                      .isEqualTo(i == 3 ? "CRITICAL" : "OK");
                  assertThat(texts(detail.path("slos"), "slo")).containsExactly("availability");
                  assertThat(texts(detail.path("alerts"), "fingerprint"))
                      .containsExactly("fp-" + i);
                  JsonNode windows =
                      json(
                          get(
                              port(asked),
                              "/api/v1/services/" + ServiceRef.path(key) + "/windows"));
                  assertThat(windows.path("windows")).hasSize(3);
                  if (!owner.equals(asked.host())) {
                    forwarded++;
                  }
                }
              }
              assertThat(forwarded).isEqualTo(SERVICES);
            });
  }

  @Test
  void anUnknownServiceIs404OnEitherInstance() throws Exception {
    for (Instance instance : instances) {
      await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .untilAsserted(
              () ->
                  assertThat(get(port(instance), "/api/v1/services/default/-/nope").statusCode())
                      .isEqualTo(404));
    }
  }

  /** The instance Kafka Streams says owns the service's health partition. */
  static HostInfo owner(ServiceKey key) {
    StateView.Route route =
        StateView.of(instances.get(0).streams(), instances.get(0).host())
            .route(StoreNames.HEALTH, key.toString());
    return route.kind() == StateView.Route.Kind.LOCAL ? instances.get(0).host() : route.host();
  }
}
