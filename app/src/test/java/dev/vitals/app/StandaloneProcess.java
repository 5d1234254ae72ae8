package dev.vitals.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.schemas.testing.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code vitals.jar standalone --no-demo} in its own OS process, as an operator runs it: one data
 * folder and one set of ports kept across every (re)start, so a restart finds its broker log and
 * its streams state where the previous run left them. Each run writes its own log file.
 */
final class StandaloneProcess implements AutoCloseable {

  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

  final int kafkaPort = FreePorts.next();
  final int controllerPort = FreePorts.next();
  final int grpcPort = FreePorts.next();
  final int httpPort = FreePorts.next();
  final int adminPort = FreePorts.next();
  final int queryPort = FreePorts.next();
  private final Path dir;
  private final Map<String, String> extraEnv;
  private final List<Path> logs = new ArrayList<>();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private Process process;

  private final Path logDir;

  /**
   * @param dir holds the data folder
   * @param logDir holds one log per run, kept after the test for a post-mortem
   * @param extraEnv {@code VITALS_*} overrides beyond the ports
   */
  StandaloneProcess(Path dir, Path logDir, Map<String, String> extraEnv) throws IOException {
    this.dir = dir;
    this.logDir = Files.createDirectories(logDir);
    this.extraEnv = Map.copyOf(extraEnv);
  }

  /** Starts a new run on the same data folder and ports. */
  void start() throws IOException {
    assertThat(process == null || !process.isAlive()).as("previous run still alive").isTrue();
    Path log = logDir.resolve("vitals-run-" + (logs.size() + 1) + ".log");
    logs.add(log);
    ProcessBuilder pb =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                Path.of("target", "vitals.jar").toAbsolutePath().toString(),
                "standalone",
                "--no-demo",
                "--data-dir",
                dir.resolve("data").toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    Map<String, String> env = pb.environment();
    env.put("VITALS_STANDALONE_KAFKAPORT", String.valueOf(kafkaPort));
    env.put("VITALS_STANDALONE_CONTROLLERPORT", String.valueOf(controllerPort));
    env.put("VITALS_INGEST_GRPC_PORT", String.valueOf(grpcPort));
    env.put("VITALS_INGEST_HTTP_PORT", String.valueOf(httpPort));
    env.put("VITALS_ADMIN_PORT", String.valueOf(adminPort));
    env.put("VITALS_STREAMS_QUERY_PORT", String.valueOf(queryPort));
    env.putAll(extraEnv);
    process = pb.start();
  }

  boolean alive() {
    return process != null && process.isAlive();
  }

  /** SIGTERM, as {@code kill PID} or a container stop: returns the exit code. */
  int stop() throws InterruptedException {
    process.destroy();
    assertThat(process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS))
        .as("vitals exited within %s of SIGTERM; its log:%n%s", STOP_TIMEOUT, currentLog())
        .isTrue();
    return process.exitValue();
  }

  /** SIGKILL of the whole process (broker, ingest and streams together): returns the exit code. */
  int kill() throws InterruptedException {
    process.destroyForcibly();
    assertThat(process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    return process.exitValue();
  }

  String bootstrapServers() {
    return "localhost:" + kafkaPort;
  }

  /** GET on localhost:port; throws IOException while nothing listens. */
  HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
            .timeout(Duration.ofSeconds(5))
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The log of the current run. */
  String currentLog() {
    return read(logs.get(logs.size() - 1));
  }

  /** Every run's log, by run. */
  Map<Integer, String> logs() {
    Map<Integer, String> out = new HashMap<>();
    for (int i = 0; i < logs.size(); i++) {
      out.put(i + 1, read(logs.get(i)));
    }
    return out;
  }

  private static String read(Path log) {
    try {
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      return "(log unreadable: " + e + ")";
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (alive()) {
      process.destroy();
      if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }
}
