package dev.vitals.app.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AdminServerTest {

  private final HttpClient client = HttpClient.newHttpClient();
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final AtomicBoolean kafkaReady = new AtomicBoolean();
  private final java.util.concurrent.atomic.AtomicReference<String> streamsReason =
      new java.util.concurrent.atomic.AtomicReference<>();
  private AdminServer server;

  @BeforeEach
  void start() throws Exception {
    Counter.builder().name("vitals_test_requests_total").help("test").register(registry).inc(3);
    server =
        AdminServer.builder()
            .setHost("127.0.0.1")
            .setPort(0)
            .setRegistry(registry)
            .addReadinessCheck("kafka", kafkaReady::get)
            .addReadinessCheck("always", () -> true)
            .addReadinessReason("streams", streamsReason::get)
            .start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void metricsAreServedInPrometheusTextFormat() throws Exception {
    HttpResponse<String> r = get("/metrics");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/plain; version=0.0.4"));
    assertThat(r.body()).contains("vitals_test_requests_total 3.0");
  }

  @Test
  void healthzIsOkWhileTheProcessRuns() throws Exception {
    assertThat(get("/healthz").statusCode()).isEqualTo(200);
    assertThat(get("/healthz").body()).isEqualTo("ok\n");
  }

  @Test
  void readyzGivesTheReasonACheckReports() throws Exception {
    kafkaReady.set(true);
    streamsReason.set("restoring state: 2 stores, 1200 records left");

    HttpResponse<String> r = get("/readyz");

    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.body())
        .isEqualTo("not ready: streams (restoring state: 2 stores, 1200 records left)\n");
    streamsReason.set(null);
    assertThat(get("/readyz").statusCode()).isEqualTo(200);
  }

  @Test
  void readyzNamesTheChecksThatDoNotPassUntilAllDo() throws Exception {
    HttpResponse<String> waiting = get("/readyz");
    assertThat(waiting.statusCode()).isEqualTo(503);
    assertThat(waiting.body()).isEqualTo("not ready: kafka\n");

    kafkaReady.set(true);

    assertThat(get("/readyz").statusCode()).isEqualTo(200);
  }

  @Test
  void everyAnswerIncludingA404ForbidsFramingAndSniffing() throws Exception {
    for (String path : List.of("/nope", "/healthz", "/metrics")) {
      HttpResponse<String> r = get(path);

      assertThat(r.headers().firstValue("X-Content-Type-Options")).as(path).hasValue("nosniff");
      assertThat(r.headers().firstValue("Content-Security-Policy"))
          .as(path)
          .hasValue("default-src 'none'; frame-ancestors 'none'");
      assertThat(r.headers().firstValue("X-Frame-Options")).as(path).hasValue("DENY");
    }
  }

  @Test
  void unknownPathsAre404AndOtherMethods405() throws Exception {
    assertThat(get("/nope").statusCode()).isEqualTo(404);
    HttpResponse<String> post =
        client.send(
            HttpRequest.newBuilder(uri("/metrics"))
                .POST(HttpRequest.BodyPublishers.ofString("x"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(405);
  }

  private HttpResponse<String> get(String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }
}
