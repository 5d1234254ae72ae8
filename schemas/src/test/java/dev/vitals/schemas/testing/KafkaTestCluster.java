package dev.vitals.schemas.testing;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * An in-process KRaft cluster for tests: one controller and one broker (separate, so the broker can
 * be stopped and started while the controller keeps the metadata). The broker listens on a fixed
 * port so that clients find it again after a restart.
 */
public final class KafkaTestCluster implements AutoCloseable {

  private final KafkaClusterTestKit kit;

  private KafkaTestCluster(KafkaClusterTestKit kit) {
    this.kit = kit;
  }

  public static KafkaTestCluster start() throws Exception {
    TestKitNodes nodes =
        new TestKitNodes.Builder()
            .setCombined(false)
            .setNumBrokerNodes(1)
            .setNumControllerNodes(1)
            .build();
    KafkaClusterTestKit kit =
        new KafkaClusterTestKit.Builder(nodes)
            .setConfigProp("offsets.topic.replication.factor", "1")
            .setConfigProp("transaction.state.log.replication.factor", "1")
            .setConfigProp("transaction.state.log.min.isr", "1")
            .setConfigProp("group.initial.rebalance.delay.ms", "0")
            .setConfigProp("auto.create.topics.enable", "true")
            .setConfigProp("num.partitions", "3")
            .build();
    kit.format();
    kit.startup();
    kit.waitForReadyBrokers();
    return new KafkaTestCluster(kit);
  }

  public String bootstrapServers() {
    return kit.bootstrapServers();
  }

  /** Producer properties for ingest. */
  public Map<String, Object> producerProperties() {
    Map<String, Object> props = new HashMap<>();
    props.put("bootstrap.servers", bootstrapServers());
    return props;
  }

  /**
   * Creates topics and returns once the broker leads every partition. A producer writing at once to
   * a partition whose leader is still being elected can get NOT_LEADER_OR_FOLLOWER and then, on its
   * retry, OUT_OF_ORDER_SEQUENCE_NUMBER until its delivery timeout gives the record up.
   */
  public void createTopics(Collection<NewTopic> topics) throws Exception {
    List<String> names = topics.stream().map(NewTopic::name).toList();
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers()))) {
      admin.createTopics(topics).all().get();
      await("a leader for every partition of " + names)
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> led(admin, names));
    }
  }

  private static boolean led(Admin admin, List<String> names) throws InterruptedException {
    Map<String, TopicDescription> described;
    try {
      described = admin.describeTopics(names).allTopicNames().get();
    } catch (java.util.concurrent.ExecutionException e) {
      return false; // not yet known to the broker: ask again
    }
    return described.size() == names.size()
        && described.values().stream()
            .flatMap(d -> d.partitions().stream())
            .allMatch(p -> p.leader() != null && !p.leader().isEmpty());
  }

  /**
   * Reads every record of a topic (read_committed) until {@code expected} have been seen or the
   * timeout passes, then keeps reading a little longer to catch duplicates.
   */
  public List<ConsumerRecord<byte[], byte[]>> readAll(
      String topic, int expected, Duration timeout) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "test-reader-" + System.nanoTime());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + timeout.toNanos();
      long settleUntil = Long.MAX_VALUE;
      while (System.nanoTime() < Math.min(deadline, settleUntil)) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
        records.forEach(out::add);
        if (out.size() >= expected && settleUntil == Long.MAX_VALUE) {
          settleUntil = System.nanoTime() + Duration.ofSeconds(1).toNanos();
        }
      }
    }
    return out;
  }

  @Override
  @SuppressWarnings("try")
  public void close() throws Exception {
    kit.close();
  }
}
