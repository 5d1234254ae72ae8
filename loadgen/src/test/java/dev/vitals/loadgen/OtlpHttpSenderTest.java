package dev.vitals.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.vitals.schemas.Signal;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OtlpHttpSenderTest {

  private HttpServer server;
  private final Deque<int[]> answers = new ArrayDeque<>();
  private final List<Received> received = new CopyOnWriteArrayList<>();

  record Received(String path, String authorization, String tenant, String encoding, byte[] body) {}

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          var h = exchange.getRequestHeaders();
          received.add(
              new Received(
                  exchange.getRequestURI().getPath(),
                  h.getFirst("Authorization"),
                  h.getFirst("X-Scope-OrgID"),
                  h.getFirst("Content-Encoding"),
                  body));
          int[] answer = answers.isEmpty() ? new int[] {200, -1} : answers.poll();
          if (answer[1] >= 0) {
            exchange.getResponseHeaders().add("Retry-After", Integer.toString(answer[1]));
          }
          exchange.sendResponseHeaders(answer[0], -1);
          exchange.close();
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private OtlpHttpSender.Builder sender() {
    return OtlpHttpSender.builder()
        .endpoint(URI.create("http://localhost:" + server.getAddress().getPort() + "/"));
  }

  private static OtlpExport export() {
    Captured c = new Captured();
    try (Loadgen lg =
        Loadgen.builder().scenario(Scenario.steady(1, Baseline.DEFAULT)).sender(c).build()) {
      lg.runStep();
    }
    return c.exports.get(0);
  }

  @Test
  void overloadAnswersAreRetriedAfterTheirRetryAfter() {
    answers.add(new int[] {429, 0});
    answers.add(new int[] {503, 0});
    OtlpHttpSender sender = sender().build();

    assertThat(sender.send(export())).isTrue();
    assertThat(received).hasSize(3);
    assertThat(sender.retries()).isEqualTo(2);
  }

  @Test
  void aBadRequestFailsAtOnce() {
    answers.add(new int[] {400, -1});
    OtlpHttpSender sender = sender().build();

    assertThat(sender.send(export())).isFalse();
    assertThat(received).hasSize(1);
  }

  @Test
  void retriesStopWhenTheRetryTimeIsUsedUp() {
    answers.add(new int[] {503, 30});
    OtlpHttpSender sender = sender().maxRetryTime(Duration.ofSeconds(5)).build();

    assertThat(sender.send(export())).isFalse();
    assertThat(received).hasSize(1);
  }

  @Test
  void requestsCarryTokenTenantAndAGzippedOtlpBody() throws IOException {
    OtlpExport export = export();
    OtlpHttpSender sender = sender().gzip(true).token("s3cret").tenant("acme").build();

    assertThat(sender.send(export)).isTrue();

    Received r = received.get(0);
    assertThat(r.path()).isEqualTo(Signal.METRICS.httpPath());
    assertThat(r.authorization()).isEqualTo("Bearer s3cret");
    assertThat(r.tenant()).isEqualTo("acme");
    assertThat(r.encoding()).isEqualTo("gzip");
    try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(r.body()))) {
      assertThat(ExportMetricsServiceRequest.parseFrom(in)).isEqualTo(export.request());
    }
  }
}
