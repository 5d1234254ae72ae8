package dev.vitals.app.kafka;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka (KRaft, broker and controller in one process) for {@code vitals standalone}.
 * Its data lives in {@code <dataDir>/kafka} and survives restarts: the folder is formatted only the
 * first time, and the cluster id stays in its {@code meta.properties}.
 */
public final class EmbeddedKafka implements AutoCloseable {

  public static final int DEFAULT_PORT = 9092;
  public static final int DEFAULT_CONTROLLER_PORT = 9093;
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
  private static final int NODE_ID = 1;
  private static final String CONTROLLER_LISTENER = "CONTROLLER";
  private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);

  private final KafkaRaftServer server;
  private final String bootstrapServers;
  private boolean closed;

  private EmbeddedKafka(KafkaRaftServer server, String bootstrapServers) {
    this.server = server;
    this.bootstrapServers = bootstrapServers;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** {@code localhost:<port>}, for every Kafka client. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** Stops the broker and the controller; idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    server.shutdown();
    server.awaitShutdown();
    log.info("embedded kafka stopped bootstrap={}", bootstrapServers);
  }

  /** Builds and starts an {@link EmbeddedKafka}. */
  public static final class Builder {
    private Path dataDir = Path.of("data");
    private int port = DEFAULT_PORT;
    private int controllerPort = DEFAULT_CONTROLLER_PORT;
    private final Map<String, String> overrides = new HashMap<>();

    private Builder() {}

    /** The broker keeps its logs in {@code <dataDir>/kafka}. */
    public Builder setDataDir(Path dataDir) {
      this.dataDir = requireNonNull(dataDir, "dataDir");
      return this;
    }

    public Builder setPort(int port) {
      this.port = checkPort("port", port);
      return this;
    }

    public Builder setControllerPort(int controllerPort) {
      this.controllerPort = checkPort("controllerPort", controllerPort);
      return this;
    }

    /** Any broker property, e.g. {@code log.retention.hours}. */
    public Builder setBrokerProperty(String name, String value) {
      overrides.put(name, value);
      return this;
    }

    /** Formats the data folder if needed, starts the node and waits until it takes requests. */
    public EmbeddedKafka start() throws IOException {
      Path logDir = dataDir.toAbsolutePath().resolve("kafka");
      Files.createDirectories(logDir);
      KafkaConfig config = new KafkaConfig(brokerProperties(logDir));
      if (!Files.exists(logDir.resolve("meta.properties"))) {
        format(config, logDir);
      }
      long started = System.nanoTime();
      KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
      EmbeddedKafka kafka = new EmbeddedKafka(server, "localhost:" + port);
      try {
        server.startup();
        awaitBroker(kafka.bootstrapServers());
      } catch (RuntimeException | IOException e) {
        kafka.close();
        throw e;
      }
      log.info(
          "embedded kafka started bootstrap={} dataDir={} startupMs={}",
          kafka.bootstrapServers(),
          logDir,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
      return kafka;
    }

    private Map<String, Object> brokerProperties(Path logDir) {
      Map<String, Object> p = new HashMap<>();
      p.put("process.roles", "broker,controller");
      p.put("node.id", String.valueOf(NODE_ID));
      p.put("controller.quorum.voters", NODE_ID + "@localhost:" + controllerPort);
      p.put(
          "listeners",
          "PLAINTEXT://localhost:"
              + port
              + ","
              + CONTROLLER_LISTENER
              + "://localhost:"
              + controllerPort);
      p.put("advertised.listeners", "PLAINTEXT://localhost:" + port);
      p.put("controller.listener.names", CONTROLLER_LISTENER);
      p.put("inter.broker.listener.name", "PLAINTEXT");
      p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
      p.put("log.dirs", logDir.toString());
      p.put("offsets.topic.replication.factor", "1");
      p.put("transaction.state.log.replication.factor", "1");
      p.put("transaction.state.log.min.isr", "1");
      p.put("share.coordinator.state.topic.replication.factor", "1");
      p.put("share.coordinator.state.topic.min.isr", "1");
      p.put("group.initial.rebalance.delay.ms", "0");
      p.putAll(overrides);
      return p;
    }

    private static void format(KafkaConfig config, Path logDir) throws IOException {
      String clusterId = Uuid.randomUuid().toString();
      try (PrintStream out =
          new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8)) {
        new Formatter()
            .setPrintStream(out)
            .setNodeId(NODE_ID)
            .setClusterId(clusterId)
            .setDirectories(List.of(logDir.toString()))
            .setMetadataLogDirectory(config.metadataLogDir())
            .setControllerListenerName(CONTROLLER_LISTENER)
            .run();
      } catch (IOException | RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IOException("cannot format " + logDir + ": " + e.getMessage(), e);
      }
      log.info("embedded kafka formatted dataDir={} clusterId={}", logDir, clusterId);
    }

    private void awaitBroker(String bootstrap) throws IOException {
      Map<String, Object> props = Map.of("bootstrap.servers", bootstrap);
      long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
      try (Admin admin = Admin.create(props)) {
        while (true) {
          try {
            admin.describeCluster().nodes().get(1, TimeUnit.SECONDS);
            return;
          } catch (Exception e) {
            if (e instanceof InterruptedException) {
              Thread.currentThread().interrupt();
              throw new IOException("interrupted while waiting for kafka", e);
            }
            if (System.nanoTime() > deadline) {
              throw new IOException("kafka not ready after " + READY_TIMEOUT, e);
            }
          }
        }
      }
    }

    private static int checkPort(String name, int port) {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException(name + ": " + port + " (expected: 1..65535)");
      }
      return port;
    }
  }
}
