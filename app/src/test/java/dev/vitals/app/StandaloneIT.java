package dev.vitals.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the packaged {@code vitals.jar standalone} as a user would, in its own process. */
class StandaloneIT {

  private final HttpClient http = HttpClient.newHttpClient();
  @TempDir Path dir;
  private Process vitals;

  @AfterEach
  void stop() throws InterruptedException {
    if (vitals != null) {
      vitals.destroy();
      assertThat(vitals.waitFor(60, TimeUnit.SECONDS)).as("stopped on SIGTERM").isTrue();
    }
  }

  @Test
  void standaloneAcceptsOtlpAndItsDemoPagesWithinThreeMinutes() throws Exception {
    int admin = freePort();
    int otlpHttp = freePort();
    int query = freePort();
    Path log = dir.resolve("vitals.log");
    ProcessBuilder pb =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-jar",
                    Path.of("target", "vitals.jar").toAbsolutePath().toString(),
                    "standalone",
                    "--data-dir",
                    dir.resolve("data").toString()))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    Map<String, String> env = pb.environment();
    env.put("VITALS_STANDALONE_KAFKAPORT", String.valueOf(freePort()));
    env.put("VITALS_STANDALONE_CONTROLLERPORT", String.valueOf(freePort()));
    env.put("VITALS_INGEST_GRPC_PORT", String.valueOf(freePort()));
    env.put("VITALS_INGEST_HTTP_PORT", String.valueOf(otlpHttp));
    env.put("VITALS_ADMIN_PORT", String.valueOf(admin));
    env.put("VITALS_STREAMS_QUERY_PORT", String.valueOf(query));
    vitals = pb.start();

    try {
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(500))
          .ignoreExceptionsInstanceOf(IOException.class)
          .failFast("vitals exited", () -> !vitals.isAlive())
          .untilAsserted(() -> assertThat(get(admin, "/readyz").statusCode()).isEqualTo(200));
    } catch (ConditionTimeoutException | TerminalFailureException e) {
      throw new AssertionError("vitals did not become ready; its log:\n" + read(log), e);
    }

    HttpResponse<String> export =
        http.send(
            HttpRequest.newBuilder(URI.create("http://localhost:" + otlpHttp + "/v1/metrics"))
                .header("Content-Type", "application/x-protobuf")
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(export.statusCode()).isEqualTo(200);
    assertThat(get(admin, "/metrics").body()).contains("vitals_ingest", "vitals_streams");
    assertThat(get(query, "/").body()).contains("<html");

    // The README's promise: the demo's checkout service pages within three minutes of the start,
    // and the query API lists the alert (a minute of slack for a loaded machine).
    try {
      await()
          .atMost(Duration.ofMinutes(4))
          .pollInterval(Duration.ofSeconds(5))
          .failFast("vitals exited", () -> !vitals.isAlive())
          .untilAsserted(
              () -> {
                assertThat(get(query, "/api/v1/alerts").body())
                    .contains("VitalsErrorBudgetBurn", "\"service\":\"checkout\"", "page")
                    .as("checkout's page names payments, whose failures fail it")
                    .contains("\"cause\":\"shop/payments\"", "\"cause_kind\":\"downstream\"");
                assertThat(get(query, "/api/v1/services").body())
                    .contains("\"status\":\"CRITICAL\"");
              });
    } catch (ConditionTimeoutException | TerminalFailureException e) {
      throw new AssertionError("no page from the demo; its log:\n" + read(log), e);
    }

    // The alert's runbook link opens as it is: the query server serves the runbooks itself, and
    // the link's base is this instance's query listener.
    java.util.regex.Matcher runbook =
        java.util.regex.Pattern.compile("\"runbook_url\":\"([^\"]+)\"")
            .matcher(get(query, "/api/v1/alerts").body());
    assertThat(runbook.find()).as("a runbook_url").isTrue();
    assertThat(runbook.group(1))
        .isEqualTo("http://localhost:" + query + "/runbooks/VitalsErrorBudgetBurn.md");
    HttpResponse<String> page =
        http.send(
            HttpRequest.newBuilder(URI.create(runbook.group(1))).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("VitalsErrorBudgetBurn");
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String read(Path log) throws IOException {
    return Files.exists(log) ? Files.readString(log) : "";
  }

  private static int freePort() {
    return FreePorts.next();
  }
}
