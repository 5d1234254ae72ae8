package dev.vitals.sinks.alertmanager;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vitals.schemas.testing.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Alertmanager (Debian's {@code prometheus-alertmanager}) on a free 127.0.0.1 port, with a
 * null receiver, clustering off and its own storage folder. Missing binary: the test fails when
 * {@code CI} is set, and is skipped otherwise.
 */
final class AlertmanagerProcess implements AutoCloseable {

  static final Path BINARY = Path.of("/usr/bin/prometheus-alertmanager");

  private static final String CONFIG =
      String.join(
          "\n",
          "route:",
          "  receiver: 'null'",
          "  group_wait: 1s",
          "  group_interval: 1s",
          "  repeat_interval: 1h",
          "receivers:",
          "  - name: 'null'",
          "");

  private final Path dir;
  private final int port;
  private Process process;

  private AlertmanagerProcess(Path dir, int port) {
    this.dir = dir;
    this.port = port;
  }

  /** Starts Alertmanager in {@code dir} (config, storage and log live there). */
  static AlertmanagerProcess start(Path dir) throws IOException, InterruptedException {
    return start(dir, CONFIG);
  }

  /** As {@link #start(Path)}, with this configuration file's text. */
  static AlertmanagerProcess start(Path dir, String config)
      throws IOException, InterruptedException {
    boolean present = Files.isExecutable(BINARY);
    if (System.getenv("CI") != null && !present) {
      throw new IllegalStateException(
          BINARY + " is missing: .ci/run installs the prometheus-alertmanager package");
    }
    assumeTrue(present, BINARY + " is not installed (apt-get install prometheus-alertmanager)");
    Files.writeString(dir.resolve("alertmanager.yml"), config);
    Files.createDirectories(dir.resolve("data"));
    AlertmanagerProcess am = new AlertmanagerProcess(dir, freePort());
    am.start();
    return am;
  }

  /** (Re)starts the process on the same port and waits for {@code /-/ready}. */
  void start() throws IOException, InterruptedException {
    process =
        new ProcessBuilder(
                List.of(
                    BINARY.toString(),
                    "--config.file=" + dir.resolve("alertmanager.yml"),
                    "--storage.path=" + dir.resolve("data"),
                    "--web.listen-address=127.0.0.1:" + port,
                    "--cluster.listen-address="))
            .redirectErrorStream(true)
            .redirectOutput(
                ProcessBuilder.Redirect.appendTo(dir.resolve("alertmanager.log").toFile()))
            .start();
    Process p = process;
    Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
    awaitReady();
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** SIGTERM, then waits for the process to end. */
  void stop() throws InterruptedException {
    if (process == null) {
      return;
    }
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
    process = null;
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }

  private void awaitReady() {
    HttpClient client = HttpClient.newHttpClient();
    HttpRequest ready = HttpRequest.newBuilder(url().resolve("/-/ready")).build();
    await("alertmanager ready on " + url())
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              if (!process.isAlive()) {
                throw new IllegalStateException(
                    "alertmanager exited: " + Files.readString(dir.resolve("alertmanager.log")));
              }
              try {
                return client.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode()
                    == 200;
              } catch (IOException notYet) {
                return false; // still starting
              }
            });
  }

  private static int freePort() {
    return FreePorts.next();
  }
}
