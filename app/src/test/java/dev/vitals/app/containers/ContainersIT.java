package dev.vitals.app.containers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vitals.schemas.Signal;
import dev.vitals.schemas.Topics;
import dev.vitals.schemas.testing.FreePorts;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The Vitals image as users run it, with podman ({@code docker/ci/}): built from {@code
 * docker/Dockerfile} on Debian-built bases, then run alone ({@code standalone}) and as the
 * deployment {@code docker/compose.yaml} describes, one container per stage on one network with a
 * Kafka broker and the stores. Fails on CI without podman; skipped elsewhere.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ContainersIT {

  static final String IMAGE = "localhost/vitals:ci";
  static final String NETWORK = "vitals-it";
  static final Path DOCKER = Podman.REPO.resolve("docker");
  static final Path CI = DOCKER.resolve("ci");

  /** podman stop's grace before SIGKILL, as compose's default stop_grace_period is 10 s. */
  static final int STOP_TIMEOUT_S = 30;

  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void buildImages() throws Exception {
    Podman.require();
    Podman.removeAll();
    Podman.script(
        "images.sh", Path.of("target", "containers", "images.log"), Duration.ofMinutes(25));
  }

  @AfterAll
  static void removeContainers() throws Exception {
    if (Files.isExecutable(Path.of("/usr/bin/podman"))) {
      Podman.removeAll();
    }
  }

  @Test
  @Order(1)
  void theImagesStandaloneAnswersOnEveryPortPagesAndStopsCleanly() throws Exception {
    int grpc = FreePorts.next();
    int otlpHttp = FreePorts.next();
    int query = FreePorts.next();
    int admin = FreePorts.next();
    String name = "vitals-it-standalone";
    Podman.ok(
        "run",
        "-d",
        "--name",
        name,
        "--label",
        Podman.LABEL,
        "-p",
        "127.0.0.1:" + grpc + ":4317",
        "-p",
        "127.0.0.1:" + otlpHttp + ":4318",
        "-p",
        "127.0.0.1:" + query + ":8080",
        "-p",
        "127.0.0.1:" + admin + ":8888",
        IMAGE); // no command: the image's default, standalone
    awaitReady(name, admin);
    assertThat(Podman.ok("run", "--rm", "--no-healthcheck", IMAGE, "version"))
        .startsWith("vitals ");

    // The image's own health check, and who it runs as.
    assertThat(Podman.run(Duration.ofSeconds(30), "healthcheck", "run", name).exit())
        .as("podman healthcheck run")
        .isZero();
    assertThat(Podman.ok("exec", name, "id", "-un")).isEqualTo("vitals");

    // OTLP on both transports, with the SDK's own exporters; counted below, on the query API.
    assertThat(
            sendSpans(
                OtlpGrpcSpanExporter.builder().setEndpoint("http://127.0.0.1:" + grpc).build(),
                "grpc-probe"))
        .as("OTLP/gRPC export")
        .isTrue();
    assertThat(
            sendSpans(
                OtlpHttpSpanExporter.builder()
                    .setEndpoint("http://127.0.0.1:" + otlpHttp + "/v1/traces")
                    .build(),
                "http-probe"))
        .as("OTLP/HTTP export")
        .isTrue();

    HttpResponse<String> statusPage = get(query, "/");
    assertThat(statusPage.statusCode()).isEqualTo(200);
    assertThat(statusPage.body()).contains("<title>Vitals status</title>");

    // The demo's checkout service pages within minutes, as the README promises; both probes' spans
    // made their services known.
    awaitOrDump(
        name,
        Duration.ofMinutes(5),
        () -> {
          assertThat(get(query, "/api/v1/alerts").body())
              .contains("VitalsErrorBudgetBurn", "\"service\":\"checkout\"", "page");
          assertThat(get(query, "/api/v1/services").body()).contains("grpc-probe", "http-probe");
        });

    stopCleanly(name, true);
  }

  @Test
  @Order(2)
  void theComposeDeploymentCarriesDataToPrometheusAndAlertmanagerAndStopsCleanly()
      throws Exception {
    Compose compose = Compose.load(DOCKER.resolve("compose.yaml"), CI.resolve("local.env"));
    Podman.ok("network", "create", "--label", Podman.LABEL, NETWORK);

    // Kafka as compose configures it, plus a listener the test reaches from the host.
    int kafkaPort = FreePorts.next();
    Map<String, String> kafkaEnv = compose.environment("kafka");
    Map<String, String> hostListener =
        Map.of(
            "KAFKA_LISTENERS", kafkaEnv.get("KAFKA_LISTENERS") + ",HOST://:29092",
            "KAFKA_ADVERTISED_LISTENERS",
                kafkaEnv.get("KAFKA_ADVERTISED_LISTENERS") + ",HOST://127.0.0.1:" + kafkaPort,
            "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP",
                kafkaEnv.get("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP") + ",HOST:PLAINTEXT");
    start(compose, "kafka", Map.of(29092, kafkaPort), hostListener);

    // Everything else at once, without waiting for Kafka (podman-compose ignores depends_on
    // conditions): each stage must wait for the broker by itself. The admin ports (8888) are
    // published for the test only.
    int ingestAdmin = FreePorts.next();
    int query = FreePorts.next();
    int streamsAdmin = FreePorts.next();
    int sinksAdmin = FreePorts.next();
    int prometheus = FreePorts.next();
    int alertmanager = FreePorts.next();
    start(compose, "ingest", Map.of(4318, FreePorts.next(), 8888, ingestAdmin), Map.of());
    start(compose, "streams", Map.of(8080, query, 8888, streamsAdmin), Map.of());
    start(compose, "sinks", Map.of(8888, sinksAdmin), Map.of());
    start(compose, "prometheus", Map.of(9090, prometheus), Map.of());
    start(compose, "alertmanager", Map.of(9093, alertmanager), Map.of());
    start(compose, "victoriametrics", Map.of(), Map.of());
    // loadgen too, as podman-compose starts it: it retries until ingest answers.
    start(compose, "loadgen", Map.of(), Map.of());

    awaitReady("vitals-it-ingest", ingestAdmin);
    awaitReady("vitals-it-streams", streamsAdmin);
    awaitReady("vitals-it-sinks", sinksAdmin);
    // The health checks compose relies on: the stages' image HEALTHCHECK, Kafka's compose test.
    for (String stage : List.of("ingest", "streams", "sinks")) {
      assertThat(
              Podman.run(Duration.ofSeconds(30), "healthcheck", "run", "vitals-it-" + stage).exit())
          .as(stage + " health check")
          .isZero();
    }
    String kafkaCheck = compose.healthcheckShell("kafka").orElseThrow();
    assertThat(
            Podman.run(Duration.ofSeconds(60), "exec", "vitals-it-kafka", "sh", "-c", kafkaCheck)
                .exit())
        .as("Kafka's compose health check: " + kafkaCheck)
        .isZero();

    // The demo's data comes out of the stores: service signals written by the sinks, the
    // stages' own metrics scraped, and checkout's page in Alertmanager.
    awaitOrDump(
        "vitals-it-sinks",
        Duration.ofMinutes(5),
        () -> {
          assertThat(promQuery(prometheus, "vitals_requests_per_second{service=\"checkout\"}"))
              .as("checkout's request rate in Prometheus")
              .contains("\"service\":\"checkout\"");
          assertThat(promQuery(prometheus, "vitals_ingest_produced_records_total"))
              .as("ingest's own metrics, scraped")
              .contains("\"job\":\"vitals-ingest\"");
          assertThat(get(alertmanager, "/api/v2/alerts").body())
              .as("Alertmanager's alerts")
              .contains("\"alertname\":\"VitalsErrorBudgetBurn\"", "\"service\":\"checkout\"");
        });

    // Nothing acknowledged is lost: with the traffic stopped, every record ingest counts as
    // acknowledged by Kafka is in the raw topics, and still is after Kafka's own stop and start.
    // A request in flight when loadgen stopped may still be acknowledged just after: compare
    // once both have settled (a lost record would keep them apart for good).
    stopCleanly("vitals-it-loadgen", false);
    long[] counts = new long[2];
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofSeconds(2))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              counts[0] = producedRecords(ingestAdmin);
              counts[1] = rawRecords(kafkaPort);
              assertThat(counts[1]).as("records in the raw topics").isEqualTo(counts[0]);
            });
    long acknowledged = counts[0];
    assertThat(acknowledged).isPositive();

    for (String stage : List.of("ingest", "sinks", "streams")) {
      stopCleanly("vitals-it-" + stage, true);
    }
    for (String store : List.of("prometheus", "alertmanager", "victoriametrics", "kafka")) {
      stopCleanly("vitals-it-" + store, false);
    }
    Podman.ok("start", "vitals-it-kafka");
    await()
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofSeconds(2))
        .ignoreExceptions()
        .untilAsserted(() -> assertThat(rawRecords(kafkaPort)).isEqualTo(acknowledged));
  }

  // --- containers ---

  /**
   * Starts the compose service as container vitals-it-SERVICE, reachable on the test network by the
   * service's name: compose's image, entrypoint, environment (plus {@code env}), volumes (named
   * ones as labelled test volumes), health check setting and command; container ports published on
   * 127.0.0.1 as {@code publish} maps them, instead of compose's fixed host ports.
   */
  private static void start(
      Compose compose, String service, Map<Integer, Integer> publish, Map<String, String> env)
      throws Exception {
    List<String> run = new ArrayList<>(List.of("run", "-d", "--name", "vitals-it-" + service));
    run.addAll(List.of("--label", Podman.LABEL, "--network", NETWORK));
    run.addAll(List.of("--network-alias", service, "--hostname", service));
    compose.entrypoint(service).ifPresent(e -> run.addAll(List.of("--entrypoint", e)));
    Map<String, String> environment = new LinkedHashMap<>(compose.environment(service));
    environment.putAll(env);
    environment.forEach((k, v) -> run.addAll(List.of("-e", k + "=" + v)));
    for (Compose.Mount mount : compose.volumes(service)) {
      String source = mount.named() ? volume(mount.source()) : mount.source();
      run.addAll(List.of("-v", source + ":" + mount.target() + mount.options()));
    }
    if (!compose.healthcheck(service)) {
      run.add("--no-healthcheck");
    }
    publish.forEach(
        (inside, host) -> run.addAll(List.of("-p", "127.0.0.1:" + host + ":" + inside)));
    run.add(compose.image(service));
    run.addAll(compose.command(service));
    Podman.ok(run.toArray(String[]::new));
  }

  private static String volume(String name) throws Exception {
    String volume = "vitals-it-" + name;
    if (Podman.run(Duration.ofSeconds(30), "volume", "exists", volume).exit() != 0) {
      Podman.ok("volume", "create", "--label", Podman.LABEL, volume);
    }
    return volume;
  }

  /**
   * podman stop within the timeout (no SIGKILL); the JVM's exit code after SIGTERM is 143 (128 +
   * 15) when it ran its shutdown hooks, 0 when the process ended by itself.
   */
  private static void stopCleanly(String container, boolean vitals) throws Exception {
    Podman.Result stop =
        Podman.run(
            Duration.ofSeconds(STOP_TIMEOUT_S + 30),
            "stop",
            "-t",
            Integer.toString(STOP_TIMEOUT_S),
            container);
    assertThat(stop.exit()).as("podman stop " + container + ": " + stop.output()).isZero();
    assertThat(stop.took())
        .as(container + " stopped before the SIGKILL; its log:\n" + Podman.logs(container))
        .isLessThan(Duration.ofSeconds(STOP_TIMEOUT_S));
    assertThat(Podman.exitCode(container))
        .as(container + " exit code; its log:\n" + Podman.logs(container))
        .isIn(0, 143);
    if (vitals) {
      assertThat(Podman.logs(container)).contains("shutdown complete");
    }
  }

  // --- probes ---

  private void awaitReady(String container, int adminPort) {
    awaitOrDump(
        container,
        Duration.ofMinutes(3),
        () -> assertThat(get(adminPort, "/readyz").statusCode()).isEqualTo(200));
  }

  private static void awaitOrDump(
      String container, Duration atMost, org.awaitility.core.ThrowingRunnable check) {
    try {
      await()
          .atMost(atMost)
          .pollInterval(Duration.ofSeconds(3))
          .ignoreExceptions()
          .untilAsserted(check);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(container + "'s log:\n" + Podman.logs(container), e);
    }
  }

  /** One server span of the service, exported synchronously; whether the export succeeded. */
  private static boolean sendSpans(SpanExporter exporter, String service) {
    SdkTracerProvider tracing =
        SdkTracerProvider.builder()
            .setResource(
                Resource.getDefault()
                    .merge(
                        Resource.create(
                            Attributes.of(AttributeKey.stringKey("service.name"), service))))
            .addSpanProcessor(SimpleSpanProcessor.create(exporter))
            .build();
    tracing
        .get("containers-it")
        .spanBuilder("GET /probe")
        .setSpanKind(SpanKind.SERVER)
        .setAttribute(AttributeKey.longKey("http.response.status_code"), 200L)
        .startSpan()
        .end();
    CompletableResultCode flushed = tracing.forceFlush().join(30, TimeUnit.SECONDS);
    tracing.close();
    return flushed.isSuccess();
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10))
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private String promQuery(int port, String promql) throws Exception {
    return get(port, "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8))
        .body();
  }

  /** vitals_ingest_produced_records_total of the ingest container, over all topics. */
  private long producedRecords(int adminPort) throws Exception {
    long sum = 0;
    for (String line : get(adminPort, "/metrics").body().split("\n")) {
      if (line.startsWith("vitals_ingest_produced_records_total{")) {
        sum += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  /** Records in the raw topics: their end offsets (ingest's producer is not transactional). */
  private static long rawRecords(int kafkaPort) throws Exception {
    try (Admin admin =
        Admin.create(
            Map.of(
                "bootstrap.servers", "127.0.0.1:" + kafkaPort,
                "request.timeout.ms", "5000",
                "default.api.timeout.ms", "10000"))) {
      List<String> topics = new ArrayList<>();
      for (Signal signal : Signal.values()) {
        topics.add(Topics.DEFAULT.raw(signal));
      }
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      admin
          .describeTopics(topics)
          .allTopicNames()
          .get(10, TimeUnit.SECONDS)
          .forEach(
              (topic, d) ->
                  d.partitions()
                      .forEach(
                          p ->
                              latest.put(
                                  new TopicPartition(topic, p.partition()), OffsetSpec.latest())));
      return admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS).values().stream()
          .mapToLong(o -> o.offset())
          .sum();
    }
  }
}
