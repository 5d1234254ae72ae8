package dev.vitals.bench.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;

/**
 * The fault campaign of issue 9 (items 4 and 5) on a real cluster of OS processes on one machine:
 * three KRaft nodes, two ingest, two streams, one sinks, VictoriaMetrics and Alertmanager, under
 * the load of {@link SpanLoad}. Faults in turn, each followed by the exactness checks of {@link
 * Checks}: kill -9 of the broker leading most partitions (and its restart), kill -9 of a streams
 * instance (failover to the other, then its restart), kill -9 of an ingest (clients fail over),
 * SIGTERM and restart of the sinks, a store outage, and a whole-cluster Kafka outage. Nothing is
 * fixed up between faults: each starts from what the last one left.
 */
public final class FaultCampaign {

  private static final List<String> RAW_TOPICS = List.of("otlp_spans", "otlp_metrics", "otlp_logs");
  static final String WINDOWS_TOPIC = "vitals.service-windows.v1";
  private static final List<String> JVM_OPTIONS =
      List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k");

  static {
    // The harness's own Kafka clients retry through every fault: their warnings are expected.
    if (System.getProperty("org.slf4j.simpleLogger.log.org.apache.kafka") == null) {
      System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka", "error");
    }
  }

  private final Settings settings;
  private final Path dir;
  private final Path jar;
  private final Journal journal = new Journal();
  private final Ledger ledger = new Ledger();

  private KafkaNodes kafka;
  private VitalsStages stages;
  private SpanLoad load;
  private Checks check;
  private final ClientChecks client;

  FaultCampaign(Settings settings, Path dir, Path jar) {
    this.settings = settings;
    this.dir = dir;
    this.jar = jar;
    this.client = new ClientChecks(ledger, settings, journal);
  }

  /** Runs the whole campaign; every check's outcome is in the result, passed or not. */
  CampaignResult run() throws Exception {
    long started = System.nanoTime();
    Instant at = Instant.now();
    List<TopicTail> tails = new ArrayList<>();
    try (Stores stores = Stores.start(dir)) {
      long t = System.nanoTime();
      kafka = KafkaNodes.start(dir, jar, JVM_OPTIONS);
      journal.measure("start", "three KRaft nodes in sync", seconds(t), "s");
      t = System.nanoTime();
      stages =
          VitalsStages.start(dir, jar, JVM_OPTIONS, kafka.bootstrapServers(), stores, settings);
      journal.measure("start", "2 ingest + 2 streams + sinks ready", seconds(t), "s");
      RawSpans raw = new RawSpans();
      ClosedWindows windows = new ClosedWindows(settings.windowMs());
      AlertLog alerts = new AlertLog();
      TopicTail rawTail = tail(tails, "otlp_spans", false, raw::accept);
      TopicTail windowsTail = tail(tails, WINDOWS_TOPIC, true, windows::accept);
      TopicTail alertsTail = tail(tails, "vitals.alerts.v1", true, alerts::accept);
      check =
          new Checks(
              settings,
              new LedgerChecks(ledger, rawTail, raw, windowsTail, windows, settings.windowMs()),
              new QueryCheck(stages.queryUrls(), settings.services()),
              new StoreChecks(stores, alertsTail, alerts),
              stages);
      load = new SpanLoad(stages.ingestUrls(), settings, ledger);
      load.start();
      warmUp();
      checkpoint("baseline", true);
      step("kill -9 leading broker", this::killLeadingBroker);
      step("kill -9 streams-1", this::killStreams);
      step("kill -9 ingest-1", this::killIngest);
      step("SIGTERM + restart sinks", this::restartSinks);
      step("store outage", () -> storeOutage(stores));
      step("whole Kafka outage", this::kafkaOutage);
      load.close();
      Pause.of(settings.window().plus(settings.grace()));
      checkpoint("end of campaign", true);
    } finally {
      if (load != null) {
        load.close();
      }
      tails.forEach(TopicTail::close);
      if (stages != null) {
        stages.close();
      }
      if (kafka != null) {
        kafka.close();
      }
    }
    return new CampaignResult(
        settings,
        at,
        Duration.ofNanos(System.nanoTime() - started),
        ledger.snapshot(),
        journal.faults(),
        journal.checks(),
        journal.measurements(),
        dir);
  }

  /** A fault that can fail on its own, e.g. a process that never gets ready again. */
  private interface Step {
    void run() throws Exception;
  }

  /** Runs a fault; if it throws, the failure is a failed check and the campaign goes on. */
  private void step(String fault, Step step) {
    try {
      step.run();
    } catch (Exception e) {
      Check c = new Check(fault, "fault carried out", false, 0, e.toString());
      journal.check(c);
    }
  }

  private TopicTail tail(
      List<TopicTail> tails,
      String topic,
      boolean readCommitted,
      java.util.function.Consumer<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>>
          handler) {
    TopicTail tail = new TopicTail(kafka.bootstrapServers(), topic, readCommitted, handler);
    tails.add(tail);
    return tail;
  }

  /** Load until the failing service's page has fired and a few windows have closed. */
  private void warmUp() {
    double s = Awaiting.seconds(settings.checkDeadline().multipliedBy(2), check::alertProblem);
    journal.measure("warm-up", "first page alert in Alertmanager after load began", s, "s");
    Pause.of(settings.warmup());
  }

  private void killLeadingBroker() throws Exception {
    String fault = "kill -9 leading broker";
    int id;
    try (Admin admin = kafka.admin()) {
      List<String> topics = new ArrayList<>(RAW_TOPICS);
      topics.add(WINDOWS_TOPIC);
      id = kafka.busiestLeader(admin, topics);
    }
    ManagedProcess node = kafka.node(id);
    long t0 = System.currentTimeMillis();
    node.kill();
    Journal.log(fault + ": killed " + node.name());
    Pause.of(settings.brokerDown());
    long t1 = System.currentTimeMillis();
    node.start();
    Duration inSync = kafka.awaitAllInSync(Duration.ofMinutes(3));
    journal.measure(fault, "restart to every replica in sync", inSync.toMillis() / 1000.0, "s");
    client.measure(fault, t0, System.currentTimeMillis());
    journal.measure(fault, "broker down", (t1 - t0) / 1000.0, "s");
    checkpoint(fault, true);
  }

  private void killStreams() throws IOException {
    String fault = "kill -9 streams-1";
    ManagedProcess victim = stages.streams().get(0);
    long t0 = System.currentTimeMillis();
    victim.kill();
    Journal.log(fault + ": killed");
    double failover =
        Awaiting.seconds(settings.checkDeadline(), () -> check.queryProblem(List.of(1)));
    journal.measure(fault, "streams-2 answers the query API for every service", failover, "s");
    long nextWindow =
        Math.floorDiv(t0, settings.windowMs()) * settings.windowMs() + settings.windowMs();
    double windowsBack = Awaiting.seconds(settings.checkDeadline(), () -> windowsAfter(nextWindow));
    journal.measure(
        fault,
        "kill to every service's next window closed",
        windowsBack < 0 ? -1 : (System.currentTimeMillis() - t0) / 1000.0,
        "s");
    journal.measure(
        fault,
        "of which the window itself (end + grace after the kill)",
        (nextWindow + settings.windowMs() + settings.grace().toMillis() - t0) / 1000.0,
        "s");
    long t1 = System.nanoTime();
    victim.start();
    victim.awaitReady(VitalsStages.readyTimeout());
    journal.measure(fault, "restart to /readyz 200", seconds(t1), "s");
    double answering =
        Awaiting.seconds(settings.checkDeadline(), () -> check.queryProblem(List.of(0)));
    journal.measure(
        fault,
        "restart to streams-1 answering for every service",
        answering < 0 ? -1 : seconds(t1),
        "s");
    checkpoint(fault, true);
  }

  /** Empty once every service has a closed window starting at or after {@code startMs}. */
  private String windowsAfter(long startMs) {
    List<String> missing = new ArrayList<>();
    for (int s = 0; s < settings.services(); s++) {
      String name = SpanRequests.serviceName(s);
      if (check.latestWindowStart(name) < startMs) {
        missing.add(name);
      }
    }
    return missing.isEmpty() ? "" : "no window since the kill for " + missing;
  }

  private void killIngest() throws IOException {
    String fault = "kill -9 ingest-1";
    ManagedProcess victim = stages.ingest().get(0);
    long t0 = System.currentTimeMillis();
    victim.kill();
    Journal.log(fault + ": killed");
    Pause.of(settings.ingestDown());
    client.measure(fault, t0, System.currentTimeMillis());
    long t1 = System.nanoTime();
    victim.start();
    victim.awaitReady(VitalsStages.readyTimeout());
    journal.measure(fault, "restart to /readyz 200", seconds(t1), "s");
    checkpoint(fault, false);
  }

  private void restartSinks() throws IOException {
    String fault = "SIGTERM + restart sinks";
    ManagedProcess sinks = stages.sinks();
    Duration stop = sinks.terminate(Duration.ofSeconds(60));
    journal.measure(fault, "SIGTERM to exit", stop.toMillis() / 1000.0, "s");
    long t1 = System.nanoTime();
    sinks.start();
    sinks.awaitReady(VitalsStages.readyTimeout());
    journal.measure(fault, "restart to /readyz 200", seconds(t1), "s");
    journal.measure(
        fault, "then every closed window in VictoriaMetrics", check.storeDrained(), "s");
    checkpoint(fault, false);
  }

  private void storeOutage(Stores stores) throws IOException {
    String fault =
        "VictoriaMetrics + Alertmanager down " + settings.storeOutage().toSeconds() + " s";
    stores.stopBoth();
    Journal.log(fault + ": stopped");
    Pause.of(settings.storeOutage());
    stores.startBoth();
    journal.measure(
        fault, "back to every closed window in VictoriaMetrics", check.storeDrained(), "s");
    // Alertmanager keeps alerts in memory: the page is back with the sink's next re-send (1 min).
    checkpoint(fault, false);
  }

  private void kafkaOutage() throws IOException {
    String fault = "whole Kafka down " + settings.kafkaOutage().toSeconds() + " s";
    long t0 = System.currentTimeMillis();
    kafka.nodes().forEach(ManagedProcess::kill);
    Journal.log(fault + ": killed all three nodes");
    Pause.of(settings.kafkaOutage());
    long t1 = System.currentTimeMillis();
    for (ManagedProcess n : kafka.nodes()) {
      n.start();
    }
    Duration inSync = kafka.awaitAllInSync(Duration.ofMinutes(3));
    journal.measure(fault, "restart to every replica in sync", inSync.toMillis() / 1000.0, "s");
    Awaiting.seconds(settings.checkDeadline(), () -> client.firstAckAfter(t1) < 0 ? "no ack" : "");
    long firstAck = client.firstAckAfter(t1);
    Check answers =
        client.outageAnswers(fault, t0, firstAck < 0 ? System.currentTimeMillis() : firstAck);
    journal.check(answers);
    journal.measure(
        fault,
        "restart to first acknowledged request",
        firstAck < 0 ? -1 : (firstAck - t1) / 1000.0,
        "s");
    long t2 = System.nanoTime();
    for (ManagedProcess p : stages.all()) {
      try {
        p.awaitReady(settings.checkDeadline());
      } catch (IOException e) {
        Check c = new Check(fault, p.name() + " ready again", false, seconds(t2), e.getMessage());
        journal.check(c);
      }
    }
    journal.measure(fault, "then every Vitals process /readyz 200", seconds(t2), "s");
    client.measure(fault, t0, System.currentTimeMillis());
    double drained = check.windowsDrained();
    journal.measure(
        fault,
        "restart to closed windows exact (backlog drained)",
        drained < 0 ? -1 : (System.currentTimeMillis() - t1) / 1000.0,
        "s");
    checkpoint(fault, true);
  }

  private void checkpoint(String fault, boolean withAlertmanager) {
    List<Check> now = new ArrayList<>();
    now.add(check.processes(fault));
    now.add(check.rawTopic(fault));
    now.add(check.windows(fault));
    now.add(check.noFutureWindows(fault));
    now.add(check.oneCountPerRevision(fault));
    now.add(check.query(fault, List.of(0, 1)));
    now.add(check.victoriaMetrics(fault));
    if (withAlertmanager) {
      now.add(check.alerts(fault));
    }
    now.forEach(journal::check);
  }

  private static double seconds(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1e9;
  }

  /** The vitals jar: {@code -Dvitals.jar}, else {@code app/target/vitals.jar} above the folder. */
  static Path vitalsJar() throws IOException {
    String set = System.getProperty("vitals.jar");
    if (set != null) {
      return Path.of(set).toAbsolutePath();
    }
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      Path jar = d.resolve("app/target/vitals.jar");
      if (Files.isRegularFile(jar)) {
        return jar;
      }
    }
    throw new IOException("app/target/vitals.jar not found: build it (./mvnw -pl app -am package)");
  }
}
