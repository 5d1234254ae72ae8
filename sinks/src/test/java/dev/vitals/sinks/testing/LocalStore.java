package dev.vitals.sinks.testing;

import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import dev.vitals.schemas.testing.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Assumptions;

/**
 * A real store from its Debian package, started on a free local port with its data in a folder of
 * the test, stopped with SIGTERM, and startable again on the same port and data. When the binary is
 * missing the test is skipped, or fails when {@code CI} is set (docs/architecture.md, "Tests").
 */
public final class LocalStore implements AutoCloseable {

  public static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
  public static final Path VICTORIA_METRICS = Path.of("/usr/bin/victoria-metrics");

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final String name;
  private final IntFunction<List<String>> command;
  private final String readyPath;
  private final Path dir;
  private final int port;
  private Process process;

  private LocalStore(
      String name, IntFunction<List<String>> command, String readyPath, Path dir, int port) {
    this.name = name;
    this.command = command;
    this.readyPath = readyPath;
    this.dir = dir;
    this.port = port;
  }

  /** Prometheus with the remote-write receiver on; writes go to {@code /api/v1/write}. */
  public static LocalStore prometheus(Path dir) throws IOException {
    return prometheus(dir, List.of());
  }

  /** Prometheus that also stores native histograms ({@code --enable-feature=native-histograms}). */
  public static LocalStore prometheusWithNativeHistograms(Path dir) throws IOException {
    return prometheus(dir, List.of("--enable-feature=native-histograms"));
  }

  private static LocalStore prometheus(Path dir, List<String> flags) throws IOException {
    requireBinary(PROMETHEUS);
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(config, "global:\n  scrape_interval: 1m\nscrape_configs: []\n");
    Path data = dir.resolve("prometheus-data");
    LocalStore store =
        new LocalStore(
            "prometheus",
            port -> {
              List<String> command =
                  new java.util.ArrayList<>(
                      List.of(
                          PROMETHEUS.toString(),
                          "--config.file=" + config,
                          "--storage.tsdb.path=" + data,
                          "--web.listen-address=127.0.0.1:" + port,
                          "--web.enable-remote-write-receiver"));
              command.addAll(flags);
              return command;
            },
            "/-/ready",
            dir,
            freePort());
    store.start();
    return store;
  }

  /**
   * VictoriaMetrics single node; remote write at {@code /api/v1/write}, Influx at {@code /write}.
   */
  public static LocalStore victoriaMetrics(Path dir) throws IOException {
    requireBinary(VICTORIA_METRICS);
    Path data = dir.resolve("vm-data");
    LocalStore store =
        new LocalStore(
            "victoria-metrics",
            port ->
                List.of(
                    VICTORIA_METRICS.toString(),
                    "-storageDataPath=" + data,
                    "-httpListenAddr=127.0.0.1:" + port,
                    "-retentionPeriod=100y",
                    "-search.disableCache",
                    "-search.latencyOffset=0s"),
            "/health",
            dir,
            freePort());
    store.start();
    return store;
  }

  /** Skips the test when the store is not installed, or fails it on CI. */
  public static void requireBinary(Path binary) {
    if (Files.isExecutable(binary)) {
      return;
    }
    String message = binary + " is not installed (apt-get install prometheus victoria-metrics)";
    if (System.getenv("CI") != null) {
      fail(message + ": a store test must not be skipped on CI");
    }
    Assumptions.assumeTrue(false, message);
  }

  public static int freePort() {
    return FreePorts.next();
  }

  public URI url(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + port + pathAndQuery);
  }

  public int port() {
    return port;
  }

  public long pid() {
    return process.pid();
  }

  /** Starts (again) on the same port and data, and waits until the store says it is ready. */
  public synchronized void start() throws IOException {
    if (process != null && process.isAlive()) {
      return;
    }
    Path log = dir.resolve(name + ".log");
    process =
        new ProcessBuilder(command.apply(port))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    Process started = process;
    await(name + " ready (log: " + log + ")")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              if (!started.isAlive()) {
                throw new IOException(name + " exited: " + tail(log));
              }
              return get(readyPath) == 200;
            });
  }

  /** Stops with SIGTERM, as an operator would, and waits for the process to end. */
  public synchronized void stop() {
    if (process == null) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** GET a path of the store; the body, or an exception naming the status. */
  public String query(String pathAndQuery) throws IOException {
    try {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(url(pathAndQuery)).timeout(Duration.ofSeconds(10)).build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IOException(pathAndQuery + ": " + r.statusCode() + " " + r.body());
      }
      return r.body();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  private int get(String path) {
    try {
      return HTTP.send(
              HttpRequest.newBuilder(url(path)).timeout(Duration.ofSeconds(2)).build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static String tail(Path log) {
    try {
      String s = Files.readString(log, StandardCharsets.UTF_8);
      return s.substring(Math.max(0, s.length() - 2000));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  @Override
  public void close() {
    stop();
  }
}
