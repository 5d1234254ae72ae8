package dev.vitals.bench;

import dev.vitals.app.kafka.EmbeddedKafka;
import dev.vitals.app.kafka.TopicCatalog;
import dev.vitals.ingest.IngestSettings;
import dev.vitals.ingest.IngestStage;
import dev.vitals.loadgen.Loadgen;
import dev.vitals.loadgen.OtlpHttpSender;
import dev.vitals.loadgen.Scenario;
import dev.vitals.schemas.Topics;
import dev.vitals.schemas.signals.AlertEvent;
import dev.vitals.schemas.signals.SignalJson;
import dev.vitals.streams.QuerySettings;
import dev.vitals.streams.StreamsSettings;
import dev.vitals.streams.StreamsStage;
import dev.vitals.streams.slo.AlertRule;
import dev.vitals.streams.slo.SloSettings;
import dev.vitals.streams.window.WindowSettings;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Issue 16's soak: {@code loadgen --simulated} replays days of a steady shop with one of each
 * scripted incident, as fast as ingest takes it, through the real pipeline (embedded KRaft broker,
 * ingest, streams on their defaults: 1-minute windows, the default SLOs and alert rules). Reports
 * false pages and tickets (goal 0), missed incidents (goal 0), each incident's detection time
 * against the rule's theoretical bound, late records dropped and corrected (goal 0), and the replay
 * speed in simulated days per wall-clock minute.
 *
 * <pre>java -cp bench/target/benchmarks.jar dev.vitals.bench.ReplaySoak --services 50 --days 30
 * </pre>
 */
public final class ReplaySoak {

  /** What a run found. */
  public record Result(
      int services,
      double days,
      long requests,
      long exportsFailed,
      List<String> falseAlerts,
      List<String> missed,
      List<String> detections,
      double lateDropped,
      double lateCorrected,
      double silentWindowsOfSendingServices,
      double taskStalls,
      double idleSpellsDuringReplay,
      double replayMinutes,
      double catchUpMinutes) {

    double simulatedDaysPerMinute() {
      return days / catchUpMinutes;
    }

    String report() {
      StringBuilder out = new StringBuilder();
      out.append(
          String.format(
              Locale.ROOT,
              "replay soak: %d services, %.1f simulated days, step 60s, %,d requests (%d exports"
                  + " failed)%n",
              services,
              days,
              requests,
              exportsFailed));
      out.append(
          String.format(
              Locale.ROOT,
              "  wall: loadgen %.1f min, streams caught up after %.1f min: %.2f simulated days per"
                  + " wall minute%n",
              replayMinutes,
              catchUpMinutes,
              simulatedDaysPerMinute()));
      out.append(
          String.format(
              Locale.ROOT,
              "  late records: dropped %.0f, corrected %.0f; silent windows of sending services:"
                  + " %.0f%n",
              lateDropped,
              lateCorrected,
              silentWindowsOfSendingServices));
      out.append(
          String.format(
              Locale.ROOT,
              "  task stalls (> 5 s without running): %.0f; partitions gone idle during the replay:"
                  + " %.0f%n",
              taskStalls,
              idleSpellsDuringReplay));
      out.append("  false alerts: ").append(falseAlerts.size()).append(falseAlerts).append('\n');
      out.append("  missed incidents: ").append(missed.size()).append(missed).append('\n');
      detections.forEach(d -> out.append("  detected: ").append(d).append('\n'));
      return out.toString();
    }
  }

  /** An incident of the soak scenario and the alert it must raise. */
  record Incident(
      String type,
      String service,
      Duration at,
      Duration duration,
      double errorRatio,
      Duration ramp,
      String alertname,
      String severity) {}

  private static final double BASE_ERROR_RATIO = 0.0005;
  private static final double BUDGET = 0.001;
  private static final Duration STEP = Duration.ofSeconds(60);
  private static final Duration TAIL = Duration.ofHours(6);

  static final List<String> CORRECTIONS = new java.util.concurrent.CopyOnWriteArrayList<>();

  private ReplaySoak() {}

  public static void main(String[] args) throws Exception {
    int services = 50;
    double days = 30;
    Path dir = null;
    WindowSettings windows = WindowSettings.DEFAULTS;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--services" -> services = Integer.parseInt(args[++i]);
        case "--days" -> days = Double.parseDouble(args[++i]);
        case "--dir" -> dir = Path.of(args[++i]);
        case "--idle-after" ->
            windows = windows.toBuilder().idleAfter(Duration.parse(args[++i])).build();
        default -> throw new IllegalArgumentException("unknown option: " + args[i]);
      }
    }
    Path work = dir != null ? dir : Files.createTempDirectory("vitals-soak");
    Result r = run(services, Duration.ofMinutes(Math.round(days * 1440)), work, windows);
    System.out.print(r.report());
    CORRECTIONS.forEach(c -> System.out.println("  correction: " + c));
    if (dir == null) {
      Harnesses.deleteRecursively(work);
    }
  }

  /** The incidents of a run of {@code length}: placed at fixed shares of it. */
  static List<Incident> incidents(Duration length) {
    long minutes = length.toMinutes();
    Duration slowBurn = Duration.ofMinutes(Math.min(1440, minutes / 3));
    return List.of(
        new Incident(
            "error_spike",
            "s01",
            Duration.ofMinutes(minutes * 3 / 10),
            Duration.ofMinutes(20),
            0.25,
            null,
            "VitalsErrorBudgetBurn",
            "page"),
        new Incident(
            "latency_regression",
            "s02",
            Duration.ofMinutes(minutes / 2),
            Duration.ofMinutes(30),
            0,
            null,
            "VitalsLatencyBudgetBurn",
            "page"),
        new Incident(
            "silent",
            "s03",
            Duration.ofMinutes(minutes * 7 / 10),
            Duration.ofMinutes(20),
            0,
            null,
            "VitalsServiceSilent",
            null),
        new Incident(
            "slow_burn",
            "s04",
            Duration.ofMinutes(minutes / 5),
            slowBurn,
            0.005,
            Duration.ofMinutes(60),
            "VitalsErrorBudgetBurn",
            "ticket"));
  }

  static String scenarioYaml(int services, Duration length, List<Incident> incidents) {
    StringBuilder y = new StringBuilder();
    y.append("name: soak\nlength: ").append(length.toMinutes()).append("m\n");
    y.append("baseline:\n  errorRatio: ").append(BASE_ERROR_RATIO).append('\n');
    y.append("services:\n  names: [");
    for (int i = 0; i < services; i++) {
      y.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "s%02d", i));
    }
    y.append("]\nincidents:\n");
    for (Incident i : incidents) {
      y.append("  - type: ").append(i.type()).append('\n');
      y.append("    service: ").append(i.service()).append('\n');
      y.append("    at: ").append(i.at().toMinutes()).append("m\n");
      y.append("    duration: ").append(i.duration().toMinutes()).append("m\n");
      if (i.type().equals("error_spike") || i.type().equals("slow_burn")) {
        y.append("    errorRatio: ").append(i.errorRatio()).append('\n');
      }
      if (i.type().equals("latency_regression")) {
        y.append("    latencyFactor: 12\n");
      }
      if (i.ramp() != null) {
        y.append("    ramp: ").append(i.ramp().toMinutes()).append("m\n");
      }
    }
    return y.toString();
  }

  /** Runs the soak in {@code work} and returns what it found. */
  public static Result run(int services, Duration length, Path work) throws Exception {
    return run(services, length, work, WindowSettings.DEFAULTS);
  }

  /** Runs the soak with these window settings. */
  static Result run(int services, Duration length, Path work, WindowSettings windows)
      throws Exception {
    List<Incident> incidents = incidents(length);
    Scenario scenario = Scenario.parse(scenarioYaml(services, length, incidents), "soak scenario");
    Instant end = Instant.now().minus(Duration.ofMinutes(10)).truncatedTo(ChronoUnit.MINUTES);
    Instant start = end.minus(length);
    PrometheusRegistry registry = new PrometheusRegistry();
    Topics topics = Topics.DEFAULT;
    try (EmbeddedKafka kafka =
        EmbeddedKafka.builder()
            .setDataDir(work.resolve("kafka"))
            .setPort(Harnesses.freePort())
            .setControllerPort(Harnesses.freePort())
            .start()) {
      Map<String, Object> client = Map.of("bootstrap.servers", kafka.bootstrapServers());
      try (Admin admin = Admin.create(client)) {
        TopicCatalog.createRawTopics(admin, topics, 6, 1);
        TopicCatalog.createSignalTopics(admin, topics, 6, 1);
      }
      try (IngestStage ingest =
              IngestStage.start(
                  IngestSettings.defaults()
                      .withListeners(
                          new IngestSettings.Listener("127.0.0.1", 0),
                          new IngestSettings.Listener("127.0.0.1", 0)),
                  client,
                  registry);
          StreamsStage streams =
              StreamsStage.start(
                  new StreamsSettings(
                      topics,
                      "vitals-soak",
                      work.resolve("streams"),
                      1,
                      0,
                      1,
                      windows,
                      SloSettings.defaults(),
                      QuerySettings.DEFAULTS.withListener("127.0.0.1", Harnesses.freePort())),
                  client,
                  registry)) {
        while (!streams.ready() || !ingest.ready()) {
          Thread.sleep(200);
        }
        long began = System.nanoTime();
        Loadgen.Stats stats;
        try (Loadgen loadgen =
            Loadgen.builder()
                .scenario(scenario)
                .seed(1)
                .startTime(start)
                .step(STEP)
                .parallelism(8)
                .sender(
                    OtlpHttpSender.builder()
                        .endpoint(URI.create("http://127.0.0.1:" + ingest.httpPort()))
                        .build())
                .build()) {
          stats = loadgen.runUntil(end);
        }
        double replayMinutes = (System.nanoTime() - began) / 60e9;
        double idleDuringReplay = Harnesses.counter(registry, "vitals_streams_idle_partitions");
        // Streams has caught up once every partition's clock passed the last window's close.
        long closeAll = end.toEpochMilli() + 70_000;
        while (minClock(registry) < closeAll) {
          Thread.sleep(1_000);
        }
        double catchUpMinutes = (System.nanoTime() - began) / 60e9;
        Thread.sleep(10_000); // the SLO sub-topology evaluates the last windows
        List<AlertEvent> alerts = alerts(kafka.bootstrapServers(), topics.alerts());
        long silent =
            silentWindowsOfSendingServices(
                kafka.bootstrapServers(), topics.serviceWindows(), start, end, incidents);
        return judge(
            services,
            length,
            start,
            end,
            incidents,
            alerts,
            stats,
            registry,
            silent,
            idleDuringReplay,
            replayMinutes,
            catchUpMinutes);
      }
    }
  }

  private static Result judge(
      int services,
      Duration length,
      Instant start,
      Instant end,
      List<Incident> incidents,
      List<AlertEvent> alerts,
      Loadgen.Stats stats,
      PrometheusRegistry registry,
      long silentWindows,
      double idleDuringReplay,
      double replayMinutes,
      double catchUpMinutes) {
    List<String> falseAlerts = new ArrayList<>();
    Map<Incident, AlertEvent> detected = new HashMap<>();
    for (AlertEvent a : alerts) {
      if (a.status() != AlertEvent.Status.firing || !a.startsAt().isBefore(end)) {
        continue; // after the replay's end every service goes quiet: not part of the soak
      }
      String service = a.labels().get("service");
      Incident cause = null;
      for (Incident i : incidents) {
        Instant from = start.plus(i.at());
        Instant to = from.plus(i.duration()).plus(TAIL);
        if (i.service().equals(service)
            && !a.startsAt().isBefore(from)
            && a.startsAt().isBefore(to)) {
          cause = i;
        }
      }
      if (cause == null) {
        falseAlerts.add(describe(a));
        continue;
      }
      boolean expected =
          cause.alertname().equals(a.labels().get("alertname"))
              && (cause.severity() == null || cause.severity().equals(a.labels().get("severity")));
      if (expected && !detected.containsKey(cause)) {
        detected.put(cause, a);
      }
    }
    List<String> missed = new ArrayList<>();
    List<String> detections = new ArrayList<>();
    for (Incident i : incidents) {
      AlertEvent a = detected.get(i);
      if (a == null) {
        missed.add(i.type() + " on " + i.service());
        continue;
      }
      Duration took = Duration.between(start.plus(i.at()), a.startsAt());
      Duration bound = bound(i);
      detections.add(
          String.format(
              Locale.ROOT,
              "%s on %s: %s %s after %d min (rule's bound %s)",
              i.type(),
              i.service(),
              a.labels().get("alertname"),
              a.labels().get("severity"),
              took.toMinutes(),
              bound == null ? "n/a" : bound.toMinutes() + " min"));
    }
    return new Result(
        services,
        length.toMinutes() / 1440.0,
        stats.requests(),
        stats.exportsFailed(),
        falseAlerts,
        missed,
        detections,
        counter(registry, "vitals_streams_late_records", "outcome", "dropped"),
        counter(registry, "vitals_streams_late_records", "outcome", "corrected"),
        silentWindows,
        Harnesses.counter(registry, "vitals_streams_task_stalls"),
        idleDuringReplay,
        replayMinutes,
        catchUpMinutes);
  }

  /**
   * The earliest whole window after an incident's start at which the expected error ratio makes a
   * rule of its severity hold (both its windows over the factor, over the history the run has);
   * silence: {@code silentWindows} windows; latency: not computed. The loadgen stamps a step's
   * cumulative point at the step's end, which is the next window's start, so the pipeline sees an
   * incident one window after the model does.
   */
  static Duration bound(Incident i) {
    if (i.type().equals("silent")) {
      return Duration.ofMinutes(SloSettings.DEFAULT_SILENT_WINDOWS);
    }
    if (i.errorRatio() == 0) {
      return null;
    }
    int history = (int) i.at().toMinutes();
    for (int t = 1; t <= i.duration().toMinutes() + TAIL.toMinutes(); t++) {
      for (AlertRule rule : AlertRule.DEFAULTS) {
        if (!rule.severity().equals(i.severity())) {
          continue;
        }
        if (burn(i, t, rule.longWindow(), history) >= rule.factor()
            && burn(i, t, rule.shortWindow(), history) >= rule.factor()) {
          return Duration.ofMinutes(t);
        }
      }
    }
    return null;
  }

  /** The burn rate over {@code window} ending {@code t} minutes after the incident's start. */
  private static double burn(Incident i, int t, Duration window, int history) {
    long w = Math.min(window.toMinutes(), history + t);
    double sum = 0;
    for (long m = t - w; m < t; m++) {
      sum += errorRatio(i, m);
    }
    return sum / w / BUDGET;
  }

  private static double errorRatio(Incident i, long minute) {
    if (minute < 0 || minute >= i.duration().toMinutes()) {
      return BASE_ERROR_RATIO;
    }
    if (i.ramp() == null || minute >= i.ramp().toMinutes()) {
      return Math.max(BASE_ERROR_RATIO, i.errorRatio());
    }
    return BASE_ERROR_RATIO
        + (i.errorRatio() - BASE_ERROR_RATIO) * (minute + 1) / (double) i.ramp().toMinutes();
  }

  private static String describe(AlertEvent a) {
    return a.labels().get("alertname")
        + "/"
        + a.labels().get("severity")
        + " on "
        + a.labels().get("service")
        + " at "
        + a.startsAt();
  }

  /** The smallest task clock, from the wall clock and each partition's event-time lag. */
  private static long minClock(PrometheusRegistry registry) {
    long now = System.currentTimeMillis();
    long min = Long.MAX_VALUE;
    boolean any = false;
    for (MetricSnapshot s : registry.scrape()) {
      if (s instanceof GaugeSnapshot g
          && s.getMetadata().getName().equals("vitals_streams_event_time_lag_seconds")) {
        for (GaugeSnapshot.GaugeDataPointSnapshot p : g.getDataPoints()) {
          any = true;
          min = Math.min(min, now - (long) (p.getValue() * 1000));
        }
      }
    }
    return any ? min : Long.MIN_VALUE;
  }

  private static double counter(
      PrometheusRegistry registry, String name, String label, String value) {
    double total = 0;
    for (MetricSnapshot s : registry.scrape()) {
      if (s instanceof CounterSnapshot c && s.getMetadata().getName().equals(name)) {
        for (CounterSnapshot.CounterDataPointSnapshot p : c.getDataPoints()) {
          if (value.equals(p.getLabels().get(label))) {
            total += p.getValue();
          }
        }
      }
    }
    return total;
  }

  /**
   * Silent service windows in [start, end) of services that were sending then: all but those of the
   * silent incident's service during its silence (and the window after, which it may share).
   */
  private static long silentWindowsOfSendingServices(
      String bootstrap, String topic, Instant start, Instant end, List<Incident> incidents) {
    long[] count = new long[1];
    readAll(
        bootstrap,
        topic,
        r -> {
          String json = new String(r.value(), java.nio.charset.StandardCharsets.UTF_8);
          if (!json.contains("\"revision\":0") && CORRECTIONS.size() < 20) {
            var c = SignalJson.read(r.value(), dev.vitals.schemas.signals.ServiceWindow.class);
            CORRECTIONS.add(
                c.service()
                    + " "
                    + c.operation()
                    + " minute "
                    + Duration.between(start, c.windowStart()).toMinutes()
                    + " rev "
                    + c.revision()
                    + " requests "
                    + c.requests()
                    + " spans "
                    + c.spans()
                    + " logs "
                    + c.logs());
          }
          if (!json.contains("\"silent\":true")) {
            return;
          }
          var w = SignalJson.read(r.value(), dev.vitals.schemas.signals.ServiceWindow.class);
          if (w.operation() != null
              || w.windowStart().isBefore(start)
              || !w.windowStart().isBefore(end)) {
            return;
          }
          for (Incident i : incidents) {
            Instant from = start.plus(i.at());
            Instant to = from.plus(i.duration()).plus(STEP);
            if (i.type().equals("silent")
                && i.service().equals(w.service())
                && !w.windowStart().isBefore(from)
                && w.windowStart().isBefore(to)) {
              return;
            }
          }
          count[0]++;
        });
    return count[0];
  }

  private static List<AlertEvent> alerts(String bootstrap, String topic) {
    List<AlertEvent> out = new ArrayList<>();
    readAll(bootstrap, topic, r -> out.add(SignalJson.read(r.value(), AlertEvent.class)));
    return out;
  }

  private static void readAll(
      String bootstrap,
      String topic,
      java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> each) {
    Map<String, Object> props = new HashMap<>();
    props.put("bootstrap.servers", bootstrap);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> endOffsets = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(p -> consumer.position(p) < endOffsets.get(p))) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          each.accept(r);
        }
      }
    }
  }
}
