package dev.vitals.bench.faults;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The Vitals processes of the campaign, each started as an operator would, {@code vitals <stage>
 * --config <file>} (the {@code java -jar} that {@code bin/vitals} executes, without its rebuild
 * check): two ingest, two streams ({@code standbyReplicas: 1}, own state folders and query ports)
 * and one sinks writing to VictoriaMetrics and Alertmanager. One config file per process.
 */
final class VitalsStages implements AutoCloseable {

  static final int INSTANCES = 2;
  private static final Duration READY_TIMEOUT = Duration.ofMinutes(2);

  private final List<ManagedProcess> ingest = new ArrayList<>();
  private final List<ManagedProcess> streams = new ArrayList<>();
  private final List<URI> ingestUrls = new ArrayList<>();
  private final List<URI> queryUrls = new ArrayList<>();
  private ManagedProcess sinks;

  private VitalsStages() {}

  static VitalsStages start(
      Path dir, Path jar, List<String> jvmOptions, String bootstrap, Stores stores, Settings s)
      throws IOException {
    VitalsStages stages = new VitalsStages();
    List<Integer> ports = Ports.free(4 * INSTANCES + 1 + INSTANCES);
    int next = 0;
    for (int i = 0; i < INSTANCES; i++) {
      int http = ports.get(next++);
      int grpc = ports.get(next++);
      int admin = ports.get(next++);
      String yaml = kafka(bootstrap, "") + ingest(http, grpc, s) + admin(admin);
      stages.ingest.add(process(dir, jar, jvmOptions, "ingest-" + (i + 1), "ingest", yaml, admin));
      stages.ingestUrls.add(URI.create("http://127.0.0.1:" + http));
    }
    for (int i = 0; i < INSTANCES; i++) {
      int query = ports.get(next++);
      int admin = ports.get(next++);
      Path state = Files.createDirectories(dir.resolve("streams-" + (i + 1) + "-state"));
      String yaml =
          kafka(bootstrap, s.streamsClientProperties()) + streams(state, query, s) + admin(admin);
      stages.streams.add(
          process(dir, jar, jvmOptions, "streams-" + (i + 1), "streams", yaml, admin));
      stages.queryUrls.add(URI.create("http://127.0.0.1:" + query));
    }
    int sinksAdmin = ports.get(next);
    String yaml = kafka(bootstrap, "") + sinks(stores) + admin(sinksAdmin);
    stages.sinks = process(dir, jar, jvmOptions, "sinks", "sinks", yaml, sinksAdmin);
    // Ingest first: it creates the raw topics that streams refuses to start without.
    startAll(stages.ingest);
    startAll(stages.streams);
    startAll(List.of(stages.sinks));
    return stages;
  }

  private static void startAll(List<ManagedProcess> processes) throws IOException {
    for (ManagedProcess p : processes) {
      p.start();
    }
    for (ManagedProcess p : processes) {
      p.awaitReady(READY_TIMEOUT);
    }
  }

  private static ManagedProcess process(
      Path dir,
      Path jar,
      List<String> jvmOptions,
      String name,
      String stage,
      String yaml,
      int adminPort)
      throws IOException {
    Path config = dir.resolve(name + ".yaml");
    Files.writeString(config, yaml, StandardCharsets.UTF_8);
    return new ManagedProcess(
        name,
        Java.jar(jvmOptions, jar, stage, "--config", config.toString()),
        dir,
        URI.create("http://127.0.0.1:" + adminPort + "/readyz"));
  }

  private static String kafka(String bootstrap, String clientProperties) {
    return "kafka:\n"
        + "  bootstrapServers: "
        + bootstrap
        + "\n"
        + "  partitions: 6\n"
        + "  replicationFactor: 3\n"
        + (clientProperties.isEmpty() ? "" : "  clientProperties:\n" + clientProperties);
  }

  private static String ingest(int http, int grpc, Settings s) {
    return "ingest:\n"
        + "  grpc:\n    host: 127.0.0.1\n    port: "
        + grpc
        + "\n  http:\n    host: 127.0.0.1\n    port: "
        + http
        + "\n  limits:\n    kafkaTimeout: "
        + s.kafkaTimeout().toMillis()
        + "ms\n";
  }

  private static String streams(Path state, int query, Settings s) {
    return "streams:\n"
        + "  applicationId: vitals-faults\n"
        + "  stateDir: "
        + state
        + "\n  standbyReplicas: 1\n"
        + "  windows:\n    size: "
        + s.window().toSeconds()
        + "s\n    grace: "
        + s.grace().toSeconds()
        + "s\n"
        + "  query:\n    host: 127.0.0.1\n    port: "
        + query
        + "\n    advertisedHost: 127.0.0.1\n";
  }

  /**
   * VictoriaMetrics with {@code corrections: overwrite}: {@link StoreChecks} compares every closed
   * window's latest count with the highest {@code vitals_window_requests} value VictoriaMetrics
   * keeps at its end, so corrections must reach it (the default, {@code once}, leaves them to the
   * counters).
   */
  private static String sinks(Stores stores) {
    return "sinks:\n"
        + "  remoteWrite:\n    - name: victoria\n      url: "
        + stores.remoteWriteUrl()
        + "\n      corrections: overwrite"
        + "\n  alertmanager:\n    - name: alertmanager\n      url: "
        + stores.alertmanagerUrl("")
        + "\n  delivery:\n    maxBackoff: 5s\n";
  }

  private static String admin(int port) {
    return "admin:\n  host: 127.0.0.1\n  port: " + port + "\n";
  }

  List<ManagedProcess> ingest() {
    return ingest;
  }

  List<ManagedProcess> streams() {
    return streams;
  }

  ManagedProcess sinks() {
    return sinks;
  }

  List<URI> ingestUrls() {
    return ingestUrls;
  }

  /** The query API of each streams instance, {@code http://127.0.0.1:<port>}. */
  List<URI> queryUrls() {
    return queryUrls;
  }

  List<ManagedProcess> all() {
    List<ManagedProcess> all = new ArrayList<>(ingest);
    all.addAll(streams);
    all.add(sinks);
    return all;
  }

  @Override
  public void close() {
    for (ManagedProcess p : all()) {
      p.terminate(Duration.ofSeconds(20));
    }
  }

  static Duration readyTimeout() {
    return READY_TIMEOUT;
  }
}
