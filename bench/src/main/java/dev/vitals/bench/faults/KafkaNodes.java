package dev.vitals.bench.faults;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;

/**
 * Three Kafka nodes in KRaft mode, each broker and controller (a static three-voter quorum), each
 * its own {@code java kafka.Kafka server.properties} process from the jar that ships Kafka's
 * server. Storage is formatted once with Kafka's own {@code kafka-storage format}; replication
 * factor 3 and {@code min.insync.replicas} 2 for every topic, the internal ones included.
 */
final class KafkaNodes implements AutoCloseable {

  static final int NODES = 3;
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

  private final List<ManagedProcess> nodes = new ArrayList<>();
  private final String bootstrap;

  private KafkaNodes(List<Integer> brokerPorts) {
    this.bootstrap =
        brokerPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
  }

  /** Writes each node's properties, formats its storage and starts the three processes. */
  static KafkaNodes start(Path dir, Path jar, List<String> jvmOptions) throws IOException {
    List<Integer> ports = Ports.free(2 * NODES);
    KafkaNodes cluster = new KafkaNodes(ports.subList(0, NODES));
    String voters =
        IntStream.range(0, NODES)
            .mapToObj(i -> (i + 1) + "@127.0.0.1:" + ports.get(NODES + i))
            .collect(Collectors.joining(","));
    String clusterId = Uuid.randomUuid().toString();
    for (int i = 0; i < NODES; i++) {
      Path nodeDir = Files.createDirectories(dir.resolve("kafka-" + (i + 1)));
      Path props = nodeDir.resolve("server.properties");
      Files.writeString(
          props,
          properties(i + 1, ports.get(i), ports.get(NODES + i), voters, nodeDir.resolve("data")),
          StandardCharsets.UTF_8);
      format(jar, props, clusterId, nodeDir);
      List<String> command = Java.command(jvmOptions, jar, "kafka.Kafka", props.toString());
      cluster.nodes.add(new ManagedProcess("kafka-" + (i + 1), command, dir, null));
    }
    for (ManagedProcess node : cluster.nodes) {
      node.start();
    }
    cluster.awaitAllInSync(READY_TIMEOUT);
    return cluster;
  }

  private static String properties(int id, int port, int controllerPort, String voters, Path data) {
    return String.join(
        "\n",
        "process.roles=broker,controller",
        "node.id=" + id,
        "controller.quorum.voters=" + voters,
        "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
        "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
        "controller.listener.names=CONTROLLER",
        "inter.broker.listener.name=PLAINTEXT",
        "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "log.dirs=" + data,
        "default.replication.factor=3",
        "min.insync.replicas=2",
        "offsets.topic.replication.factor=3",
        "transaction.state.log.replication.factor=3",
        "transaction.state.log.min.isr=2",
        "group.initial.rebalance.delay.ms=0",
        // a broker that comes back catches up and leads again, as in production
        "auto.leader.rebalance.enable=true",
        "leader.imbalance.check.interval.seconds=10",
        "");
  }

  private static void format(Path jar, Path props, String clusterId, Path nodeDir)
      throws IOException {
    List<String> command =
        Java.command(
            List.of("-Xmx256m"),
            jar,
            "kafka.tools.StorageTool",
            "format",
            "-t",
            clusterId,
            "-c",
            props.toString());
    Process p =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(nodeDir.resolve("format.log").toFile())
            .start();
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException(
            "kafka-storage format failed: " + Files.readString(nodeDir.resolve("format.log")));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while formatting " + nodeDir, e);
    }
  }

  String bootstrapServers() {
    return bootstrap;
  }

  List<ManagedProcess> nodes() {
    return nodes;
  }

  /** The node (1-based id) that leads the most partitions of {@code topics}. */
  int busiestLeader(Admin admin, Collection<String> topics) throws Exception {
    Map<String, TopicDescription> d =
        admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS);
    int[] led = new int[NODES + 1];
    for (TopicDescription t : d.values()) {
      for (TopicPartitionInfo p : t.partitions()) {
        if (p.leader() != null) {
          led[p.leader().id()]++;
        }
      }
    }
    int best = 1;
    for (int id = 2; id <= NODES; id++) {
      if (led[id] > led[best]) {
        best = id;
      }
    }
    return best;
  }

  ManagedProcess node(int id) {
    return nodes.get(id - 1);
  }

  /**
   * Waits until every node answers and every partition of every topic has all three replicas in
   * sync; returns how long that took.
   */
  Duration awaitAllInSync(Duration timeout) throws IOException {
    long started = System.nanoTime();
    long deadline = started + timeout.toNanos();
    String last = "no answer";
    try (Admin admin = admin()) {
      while (System.nanoTime() < deadline) {
        try {
          last = notInSync(admin);
          if (last.isEmpty()) {
            return Duration.ofNanos(System.nanoTime() - started);
          }
        } catch (Exception e) {
          last = e.toString();
        }
        for (ManagedProcess n : nodes) {
          if (!n.alive()) {
            throw new IOException(n.name() + " exited: " + n.tail(3000));
          }
        }
        Pause.millis(500);
      }
    }
    throw new IOException("kafka not in sync after " + timeout + ": " + last);
  }

  /** Empty when all nodes are in the cluster and every replica is in sync; else what is not. */
  private static String notInSync(Admin admin) throws Exception {
    int brokers = admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size();
    if (brokers < NODES) {
      return brokers + " of " + NODES + " brokers";
    }
    Set<String> names = admin.listTopics().names().get(5, TimeUnit.SECONDS);
    Set<String> lagging = new TreeSet<>();
    for (TopicDescription t :
        admin.describeTopics(names).allTopicNames().get(5, TimeUnit.SECONDS).values()) {
      for (TopicPartitionInfo p : t.partitions()) {
        if (p.isr().size() < p.replicas().size() || p.leader() == null) {
          lagging.add(t.name() + "-" + p.partition());
        }
      }
    }
    return lagging.isEmpty() ? "" : "under-replicated: " + lagging;
  }

  Admin admin() {
    return Admin.create(
        Map.of(
            "bootstrap.servers",
            bootstrap,
            "request.timeout.ms",
            "5000",
            "default.api.timeout.ms",
            "10000"));
  }

  @Override
  public void close() {
    nodes.forEach(ManagedProcess::kill);
  }
}
