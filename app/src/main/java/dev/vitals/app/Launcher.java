package dev.vitals.app;

import static java.util.Objects.requireNonNull;

import dev.vitals.app.admin.AdminServer;
import dev.vitals.app.config.VitalsConfig;
import dev.vitals.app.kafka.EmbeddedKafka;
import dev.vitals.app.kafka.KafkaProbe;
import dev.vitals.app.kafka.TopicCatalog;
import dev.vitals.ingest.IngestStage;
import dev.vitals.loadgen.DemoTraffic;
import dev.vitals.sinks.SinksStage;
import dev.vitals.streams.StreamsStage;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the components of a command in order and keeps them until shutdown: broker, admin server,
 * sinks, streams, ingest, demo traffic; so they close the demo traffic first, then ingest (no new
 * data), streams (its last transaction committed), sinks, admin server and broker.
 */
final class Launcher {

  /** Which stages a command runs. */
  enum Stages {
    /** Embedded broker, ingest, streams, and the sinks when a destination is configured. */
    STANDALONE,
    INGEST,
    STREAMS,
    SINKS
  }

  private static final Logger log = LoggerFactory.getLogger(Launcher.class);

  private final VitalsConfig config;
  private final boolean embeddedKafka;
  private final Stages stages;
  private final Shutdown shutdown;
  private final PrintStream out;

  Launcher(VitalsConfig config, Stages stages, Shutdown shutdown, PrintStream out) {
    this.config = config;
    this.stages = stages;
    this.embeddedKafka = stages == Stages.STANDALONE;
    this.shutdown = shutdown;
    this.out = out;
  }

  /** Starts everything; on failure closes what already started and rethrows. */
  void start() throws Exception {
    log.info("effective configuration:\n{}", config.toRedactedYaml());
    try {
      VitalsConfig c = embeddedKafka ? withEmbeddedKafka() : config;
      PrometheusRegistry registry = new PrometheusRegistry();
      JvmMetrics.builder().register(registry);
      boolean runIngest = stages == Stages.STANDALONE || stages == Stages.INGEST;
      boolean runStreams = stages == Stages.STANDALONE || stages == Stages.STREAMS;
      boolean runSinks =
          stages == Stages.SINKS
              || (stages == Stages.STANDALONE && !c.sinks().destinations().isEmpty());
      AtomicReference<IngestStage> ingest = new AtomicReference<>();
      AtomicReference<StreamsStage> streams = new AtomicReference<>();
      AtomicReference<SinksStage> sinks = new AtomicReference<>();
      KafkaProbe kafkaProbe = shutdown.register(KafkaProbe.start(c.kafka().clientProps()));
      AdminServer.Builder adminBuilder =
          AdminServer.builder()
              .setHost(c.admin().host())
              .setPort(c.admin().port())
              .setTls(c.admin().tls())
              .setBearerToken(c.admin().bearerToken())
              .setRegistry(registry)
              .addReadinessReason("kafka", kafkaProbe::whyNotReady);
      if (runIngest) {
        adminBuilder.addReadinessCheck(
            "ingest", () -> ingest.get() != null && ingest.get().ready());
      }
      if (runStreams) {
        adminBuilder.addReadinessReason(
            "streams", () -> streams.get() == null ? "starting" : streams.get().whyNotReady());
      }
      if (runSinks) {
        adminBuilder.addReadinessCheck("sinks", () -> sinks.get() != null && sinks.get().ready());
      }
      AdminServer admin = shutdown.register(adminBuilder.start());
      if (runIngest) {
        c = fitRecordsToTopics(c);
      }
      if (runStreams) {
        createSignalTopics(c);
      }
      if (runSinks) {
        sinks.set(
            shutdown.register(SinksStage.start(c.sinks(), c.kafka().clientProps(), registry)));
      }
      if (runStreams) {
        streams.set(
            shutdown.register(StreamsStage.start(c.streams(), c.kafka().clientProps(), registry)));
      }
      if (runIngest) {
        ingest.set(
            shutdown.register(IngestStage.start(c.ingest(), c.kafka().clientProps(), registry)));
      }
      if (stages == Stages.STANDALONE && c.standalone().demo() != null) {
        shutdown.register(
            DemoTraffic.start(
                URI.create("http://127.0.0.1:" + requireNonNull(ingest.get()).httpPort()),
                c.standalone().demo(),
                null));
      }
      printEndpoints(c, ingest.get(), streams.get(), admin);
    } catch (Exception | Error e) {
      shutdown.close();
      throw e;
    }
  }

  private VitalsConfig withEmbeddedKafka() throws Exception {
    EmbeddedKafka kafka =
        shutdown.register(
            EmbeddedKafka.builder()
                .setDataDir(config.standalone().dataDir())
                .setPort(config.standalone().kafkaPort())
                .setControllerPort(config.standalone().controllerPort())
                .start());
    VitalsConfig c =
        config.withKafka(config.kafka().withBootstrapServers(kafka.bootstrapServers()));
    if (c.streams().stateDir().equals(Path.of(VitalsConfig.DEFAULT_STREAMS_STATE_DIR))) {
      c = c.withStreams(c.streams().withStateDir(c.standalone().dataDir().resolve("streams")));
    }
    return c;
  }

  /**
   * Creates the missing signal topics the streams stage writes (Kafka Streams creates only its
   * internal topics); required with the embedded broker, best effort against a cluster.
   */
  private void createSignalTopics(VitalsConfig c) throws Exception {
    try (Admin admin = Admin.create(c.kafka().clientProps())) {
      try {
        TopicCatalog.createSignalTopics(
            admin, c.kafka().topics(), c.kafka().partitions(), c.kafka().replicationFactor());
      } catch (Exception e) {
        if (embeddedKafka) {
          throw e;
        }
        log.warn(
            "signal topics not checked; create them yourself if missing error={}", e.toString());
      }
      checkRawPartitions(admin, c);
    }
  }

  /**
   * Refuses to start streams on raw topics of different partition counts: it would run, but count a
   * service's metrics, spans and logs in different tasks, silently wrong.
   */
  private static void checkRawPartitions(Admin admin, VitalsConfig c) throws Exception {
    java.util.Optional<String> mismatch;
    try {
      mismatch = TopicCatalog.partitionMismatch(admin, c.kafka().topics());
    } catch (Exception e) {
      log.warn(
          "raw topics' partition counts not checked (they must be equal) error={}", e.toString());
      return;
    }
    if (mismatch.isPresent()) {
      throw new IllegalStateException("streams cannot start: " + mismatch.get());
    }
  }

  /** Room a record needs beyond its value in a batch: key, headers, batch and record headers. */
  private static final int RECORD_OVERHEAD = 16 * 1024;

  /**
   * Creates missing raw topics (required with the embedded broker; best effort against a cluster
   * Vitals may not own), then lowers {@code ingest.limits.maxRecordBytes} when the topics take
   * smaller records than configured: a record the broker refuses would fail every retry.
   */
  private VitalsConfig fitRecordsToTopics(VitalsConfig c) throws Exception {
    try (Admin admin = Admin.create(c.kafka().clientProps())) {
      try {
        TopicCatalog.createRawTopics(
            admin, c.kafka().topics(), c.kafka().partitions(), c.kafka().replicationFactor());
      } catch (Exception e) {
        if (embeddedKafka) {
          throw e;
        }
        log.warn("raw topics not checked; create them yourself if missing error={}", e.toString());
        return c;
      }
      var limits = c.ingest().limits();
      var brokerMax = TopicCatalog.maxMessageBytes(admin, c.kafka().topics());
      if (brokerMax.isPresent()
          && limits.maxRecordBytes() > brokerMax.getAsInt() - RECORD_OVERHEAD) {
        int fitted = brokerMax.getAsInt() - RECORD_OVERHEAD;
        log.warn(
            "ingest.limits.maxRecordBytes lowered to fit the raw topics configured={} maxMessageBytes={} effective={}",
            limits.maxRecordBytes(),
            brokerMax.getAsInt(),
            fitted);
        return c.withIngest(c.ingest().withLimits(limits.withMaxRecordBytes(fitted)));
      }
      return c;
    }
  }

  private void printEndpoints(
      VitalsConfig c,
      @Nullable IngestStage ingest,
      @Nullable StreamsStage streams,
      AdminServer admin) {
    out.println("vitals is running:");
    out.println("  kafka       " + c.kafka().bootstrapServers());
    if (ingest != null) {
      out.println("  otlp grpc   " + c.ingest().grpc().host() + ":" + ingest.grpcPort());
      out.println("  otlp http   http://" + c.ingest().http().host() + ":" + ingest.httpPort());
    }
    if (streams != null) {
      out.println(
          "  status page "
              + (c.streams().query().tls() == null ? "http://" : "https://")
              + displayHost(c.streams().query().host())
              + ":"
              + streams.queryPort()
              + "/ (API: /api/v1/services, /api/v1/alerts)");
    }
    if (stages == Stages.STANDALONE && c.standalone().demo() != null) {
      out.println(
          "  demo        loadgen scenario '"
              + c.standalone().demo()
              + "' as tenant "
              + DemoTraffic.TENANT
              + " (--no-demo turns it off); its first page alert fires within about 3 minutes");
    }
    if (stages == Stages.SINKS
        || (stages == Stages.STANDALONE && !c.sinks().destinations().isEmpty())) {
      c.sinks()
          .destinations()
          .forEach(d -> out.println("  sink        " + d.name() + " -> " + d.redactedUrl()));
    }
    out.println(
        "  admin       "
            + (c.admin().tls() == null ? "http://" : "https://")
            + c.admin().host()
            + ":"
            + admin.port()
            + " (/metrics /healthz /readyz)");
    out.flush();
  }

  /** A host to type into a browser: the wildcard address means this machine. */
  private static String displayHost(String host) {
    return host.equals("0.0.0.0") || host.equals("::") ? "localhost" : host;
  }
}
