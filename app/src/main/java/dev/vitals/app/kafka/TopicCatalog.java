package dev.vitals.app.kafka;

import dev.vitals.schemas.Signal;
import dev.vitals.schemas.Topics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the raw topics ({@code otlp_metrics}, {@code otlp_logs}, {@code otlp_spans}) that are
 * missing. Existing topics are left exactly as they are: their owner may have tuned them.
 */
public final class TopicCatalog {

  private static final Logger log = LoggerFactory.getLogger(TopicCatalog.class);
  private static final long TIMEOUT_SECONDS = 30;
  private static final int MAX_DEFAULT_REPLICATION = 3;
  private static final int MAX_MIN_INSYNC = 2;

  private TopicCatalog() {}

  /**
   * Creates the missing raw topics.
   *
   * @param replicationFactor the configured factor, or 0 for min(3, number of brokers)
   * @return the names of the topics it created
   */
  public static List<String> createRawTopics(
      Admin admin, Topics topics, int partitions, int replicationFactor)
      throws ExecutionException, InterruptedException, TimeoutException {
    Map<String, Map<String, String>> wanted = new LinkedHashMap<>();
    for (Signal signal : Signal.values()) {
      wanted.put(topics.raw(signal), Map.of());
    }
    return createMissing(admin, wanted, partitions, replicationFactor);
  }

  /**
   * Creates the missing signal topics the streams stage writes: service windows, SLO evaluations,
   * health (compacted: one current record per service), alerts, edges and the dead-letter topic.
   * They get the raw topics' partition count so a service stays on one partition number throughout.
   *
   * @return the names of the topics it created
   */
  public static List<String> createSignalTopics(
      Admin admin, Topics topics, int partitions, int replicationFactor)
      throws ExecutionException, InterruptedException, TimeoutException {
    Map<String, Map<String, String>> wanted = new LinkedHashMap<>();
    wanted.put(topics.serviceWindows(), Map.of());
    wanted.put(topics.slo(), Map.of());
    wanted.put(topics.health(), Map.of("cleanup.policy", "compact"));
    wanted.put(topics.alerts(), Map.of());
    wanted.put(topics.edges(), Map.of());
    wanted.put(topics.deadLetter(), Map.of());
    return createMissing(admin, wanted, partitions, replicationFactor);
  }

  private static List<String> createMissing(
      Admin admin, Map<String, Map<String, String>> wanted, int partitions, int replicationFactor)
      throws ExecutionException, InterruptedException, TimeoutException {
    Set<String> existing = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    short rf = (short) replicationFactor(admin, replicationFactor);
    List<NewTopic> missing = new ArrayList<>();
    for (Map.Entry<String, Map<String, String>> topic : wanted.entrySet()) {
      if (!existing.contains(topic.getKey())) {
        Map<String, String> configs = new HashMap<>(topic.getValue());
        configs.put("min.insync.replicas", String.valueOf(minInSync(rf)));
        missing.add(new NewTopic(topic.getKey(), partitions, rf).configs(configs));
      }
    }
    List<String> created = new ArrayList<>();
    for (var e : admin.createTopics(missing).values().entrySet()) {
      try {
        e.getValue().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        created.add(e.getKey());
        log.info(
            "topic created topic={} partitions={} replicationFactor={}",
            e.getKey(),
            partitions,
            rf);
      } catch (ExecutionException ex) {
        if (!(ex.getCause() instanceof TopicExistsException)) {
          throw ex;
        }
      }
    }
    awaitLeaders(admin, created);
    return created;
  }

  /**
   * Waits, at most {@link #TIMEOUT_SECONDS}, until every partition of {@code topics} has a leader:
   * an idempotent producer writing to a partition whose leader is still being elected can get
   * NOT_LEADER_OR_FOLLOWER and then OUT_OF_ORDER_SEQUENCE_NUMBER until its delivery timeout, which
   * would hold a stage's first requests for minutes.
   */
  static void awaitLeaders(Admin admin, List<String> topics) throws InterruptedException {
    if (topics.isEmpty()) {
      return;
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
    while (System.nanoTime() < deadline) {
      try {
        boolean led =
            admin
                .describeTopics(topics)
                .allTopicNames()
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .values()
                .stream()
                .flatMap(d -> d.partitions().stream())
                .allMatch(p -> p.leader() != null && !p.leader().isEmpty());
        if (led) {
          return;
        }
      } catch (ExecutionException | TimeoutException e) {
        // Not yet known to every broker: ask again.
      }
      Thread.sleep(100);
    }
    log.warn("topics without a leader after {} s topics={}", TIMEOUT_SECONDS, topics);
  }

  /**
   * The smallest {@code max.message.bytes} of the raw topics (the largest record batch the brokers
   * take for them), or empty when it cannot be read.
   */
  public static java.util.OptionalInt maxMessageBytes(Admin admin, Topics topics)
      throws InterruptedException {
    List<org.apache.kafka.common.config.ConfigResource> resources = new ArrayList<>();
    for (Signal signal : Signal.values()) {
      resources.add(
          new org.apache.kafka.common.config.ConfigResource(
              org.apache.kafka.common.config.ConfigResource.Type.TOPIC, topics.raw(signal)));
    }
    try {
      return admin
          .describeConfigs(resources)
          .all()
          .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
          .values()
          .stream()
          .map(config -> config.get("max.message.bytes"))
          .filter(entry -> entry != null && entry.value() != null)
          .mapToInt(entry -> Integer.parseInt(entry.value()))
          .min();
    } catch (ExecutionException | TimeoutException | NumberFormatException e) {
      log.warn("cannot read max.message.bytes of the raw topics error={}", e.toString());
      return java.util.OptionalInt.empty();
    }
  }

  /**
   * Why the raw topics cannot feed the streams stage, or empty when they can: the window topology
   * reads them in one task per partition, so a service's metrics, spans and logs meet only when
   * every raw topic has the same partition count (ingest keys all three by service).
   */
  public static java.util.Optional<String> partitionMismatch(Admin admin, Topics topics)
      throws ExecutionException, InterruptedException, TimeoutException {
    List<String> names = new ArrayList<>();
    for (Signal signal : Signal.values()) {
      names.add(topics.raw(signal));
    }
    Map<String, Integer> counts = new LinkedHashMap<>();
    var described =
        admin.describeTopics(names).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    for (String name : names) {
      // allTopicNames() fails unless every name it was asked for is described.
      counts.put(name, java.util.Objects.requireNonNull(described.get(name)).partitions().size());
    }
    if (new java.util.HashSet<>(counts.values()).size() <= 1) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(
        "the raw topics have different partition counts "
            + counts
            + " (expected: the same count, so that a service's metrics, spans and logs meet in one"
            + " streams task; add partitions to the smaller ones)");
  }

  /** The configured factor, or min(3, brokers) when it is 0. */
  static int replicationFactor(Admin admin, int configured)
      throws ExecutionException, InterruptedException, TimeoutException {
    if (configured > 0) {
      return configured;
    }
    int brokers = admin.describeCluster().nodes().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).size();
    return Math.max(1, Math.min(MAX_DEFAULT_REPLICATION, brokers));
  }

  static int minInSync(int replicationFactor) {
    return Math.min(MAX_MIN_INSYNC, replicationFactor);
  }
}
