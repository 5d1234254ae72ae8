package dev.vitals.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.vitals.schemas.testing.FreePorts;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar with sink destinations: {@code standalone --alertmanager-url} and {@code vitals
 * sinks} deliver an alert of the alerts topic to an in-test Alertmanager endpoint, and report the
 * {@code sinks} readiness check.
 */
class SinksIT {

  private final HttpClient http = HttpClient.newHttpClient();
  private final List<String> posts = new CopyOnWriteArrayList<>();
  private final List<Process> processes = new ArrayList<>();
  @TempDir Path dir;
  private HttpServer alertmanager;

  @BeforeEach
  void startAlertmanagerEndpoint() throws IOException {
    alertmanager = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    alertmanager.createContext(
        "/api/v2/alerts",
        exchange -> {
          posts.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    alertmanager.start();
  }

  @AfterEach
  void stop() throws InterruptedException {
    for (int i = processes.size() - 1; i >= 0; i--) {
      Process p = processes.get(i);
      p.destroy();
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("stopped on SIGTERM").isTrue();
    }
    alertmanager.stop(0);
  }

  @Test
  void standaloneWithAlertmanagerUrlSendsAlertsOfTheAlertsTopic() throws Exception {
    int kafkaPort = freePort();
    int admin = freePort();
    start(
        "standalone",
        Map.of(
            "VITALS_STANDALONE_KAFKAPORT",
            String.valueOf(kafkaPort),
            "VITALS_ADMIN_PORT",
            String.valueOf(admin),
            "VITALS_STREAMS_QUERY_PORT",
            String.valueOf(freePort()),
            "VITALS_STANDALONE_DEMO",
            "none"),
        "--data-dir",
        dir.resolve("data").toString(),
        "--alertmanager-url",
        amUrl());
    awaitReady(admin, "standalone");

    produceAlert("localhost:" + kafkaPort);

    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> posts.stream().anyMatch(p -> p.contains("CheckoutBurn")));
  }

  @Test
  void sinksCommandRunsTheConfiguredDestinationsAgainstACluster() throws Exception {
    int kafkaPort = freePort();
    int standaloneAdmin = freePort();
    start(
        "standalone",
        Map.of(
            "VITALS_STANDALONE_KAFKAPORT",
            String.valueOf(kafkaPort),
            "VITALS_ADMIN_PORT",
            String.valueOf(standaloneAdmin),
            "VITALS_STREAMS_QUERY_PORT",
            String.valueOf(freePort()),
            "VITALS_STANDALONE_DEMO",
            "none"),
        "--data-dir",
        dir.resolve("data").toString());
    awaitReady(standaloneAdmin, "standalone");
    int admin = freePort();
    Path config = dir.resolve("vitals.yaml");
    Files.writeString(
        config,
        "kafka: {bootstrapServers: 'localhost:"
            + kafkaPort
            + "'}\n"
            + "admin: {port: "
            + admin
            + "}\n"
            + "sinks:\n  alertmanager:\n    - name: am\n      url: "
            + amUrl()
            + "\n");

    start("sinks", Map.of(), "--config", config.toString());
    awaitReady(admin, "sinks");
    produceAlert("localhost:" + kafkaPort);

    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> posts.stream().anyMatch(p -> p.contains("CheckoutBurn")));
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(get(admin, "/metrics").body())
                    .contains("vitals_sink_alertmanager_posts_total{outcome=\"ok\",sink=\"am\"}"));
  }

  private String amUrl() {
    return "http://127.0.0.1:" + alertmanager.getAddress().getPort();
  }

  private void start(String command, Map<String, String> env, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-jar");
    cmd.add(Path.of("target", "vitals.jar").toAbsolutePath().toString());
    cmd.add(command);
    cmd.addAll(List.of(args));
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve(command + ".log").toFile());
    pb.environment().put("VITALS_STANDALONE_CONTROLLERPORT", String.valueOf(freePort()));
    pb.environment().put("VITALS_INGEST_GRPC_PORT", String.valueOf(freePort()));
    pb.environment().put("VITALS_INGEST_HTTP_PORT", String.valueOf(freePort()));
    pb.environment().putAll(env);
    processes.add(pb.start());
  }

  private void awaitReady(int admin, String log) throws IOException {
    Process p = processes.get(processes.size() - 1);
    try {
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(500))
          .ignoreExceptionsInstanceOf(IOException.class)
          .failFast("vitals exited", () -> !p.isAlive())
          .untilAsserted(() -> assertThat(get(admin, "/readyz").statusCode()).isEqualTo(200));
    } catch (ConditionTimeoutException | org.awaitility.core.TerminalFailureException e) {
      throw new AssertionError(
          "vitals "
              + log
              + " did not become ready; its log:\n"
              + Files.readString(dir.resolve(log + ".log")),
          e);
    }
  }

  /** A firing alert as the streams stage writes it (alerts.v1). */
  private static void produceAlert(String bootstrap) throws Exception {
    try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", bootstrap))) {
      admin.createTopics(List.of(new NewTopic("vitals.alerts.v1", 1, (short) 1))).all().get();
    } catch (java.util.concurrent.ExecutionException e) {
      if (!(e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException)) {
        throw e;
      }
    }
    String json =
        "{\"fingerprint\":\"fp1\",\"status\":\"firing\","
            + "\"labels\":{\"alertname\":\"CheckoutBurn\",\"service\":\"checkout\",\"severity\":\"page\"},"
            + "\"annotations\":{\"summary\":\"s\",\"description\":\"d\"},"
            + "\"startsAt\":\""
            + Instant.now()
            + "\",\"endsAt\":null,\"generatorUrl\":null}";
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Map.<String, Object>of("bootstrap.servers", bootstrap),
            new StringSerializer(),
            new StringSerializer())) {
      producer.send(new ProducerRecord<>("vitals.alerts.v1", "fp1", json)).get();
    }
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static synchronized int freePort() {
    return FreePorts.next();
  }
}
