package dev.vitals.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SlowBodyTest {

  PrometheusRegistry registry;
  IngestStage server;

  @BeforeEach
  void start() throws Exception {
    registry = new PrometheusRegistry();
    server =
        IngestStage.start(
            TestIngest.localSettings()
                .withLimits(IngestSettings.Limits.DEFAULT.withBodyTimeout(Duration.ofMillis(300))),
            TestIngest.producer(true),
            registry);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void aSenderThatStallsMidBodyIsCutOffAndItsInFlightRoomFreed() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", server.httpPort())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /v1/metrics HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\n"
                  + "Content-Length: 100000\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.write(new byte[10]);
      out.flush();

      InputStream in = socket.getInputStream();
      String answer = new String(in.readAllBytes(), StandardCharsets.US_ASCII);

      assertThat(answer).startsWith("HTTP/1.1 408").containsIgnoringCase("connection: close");
    }
    String metrics = TestIngest.metricsText(registry);
    assertThat(
            TestIngest.sum(
                metrics, "vitals_ingest_rejected_requests_total", "reason=\"slow_body\""))
        .isEqualTo(1.0);
    assertThat(TestIngest.sum(metrics, "vitals_ingest_inflight_bytes")).isZero();
  }
}
