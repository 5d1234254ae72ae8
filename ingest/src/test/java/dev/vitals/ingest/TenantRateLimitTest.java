package dev.vitals.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.apache.kafka.clients.producer.MockProducer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TenantRateLimitTest {

  /** 64 KiB of burst, refilled so slowly that timing cannot change the outcome. */
  static final long BURST = 64 * 1024;

  static final long RATE = 1024;

  MockProducer<byte[], byte[]> producer;
  PrometheusRegistry registry;
  IngestStage server;

  @BeforeEach
  void start() throws Exception {
    producer = TestIngest.producer(true);
    registry = new PrometheusRegistry();
    IngestSettings settings = TestIngest.localSettings();
    server =
        IngestStage.start(
            settings.withLimits(
                new IngestSettings.Limits(
                        BURST, 1L << 20, Duration.ofSeconds(5), Duration.ofSeconds(1), 1_000_000)
                    .withTenantRate(RATE, BURST)),
            producer,
            registry);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void aTenantOverItsRateIsToldWhenToRetryWhileAnotherTenantIsServed() {
    byte[] body = logs(20 * 1024);
    int noisyOk = 0;
    HttpResponse<byte[]> refused = null;
    for (int i = 0; i < 10 && refused == null; i++) {
      HttpResponse<byte[]> response = send("noisy", body);
      if (response.statusCode() == 200) {
        noisyOk++;
      } else {
        refused = response;
      }
    }

    assertThat(noisyOk).as("the 64 KiB burst lets three 20 KiB requests through").isEqualTo(3);
    assertThat(refused).isNotNull();
    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(refused.headers().firstValue("Retry-After")).isPresent();
    assertThat(send("quiet", body).statusCode()).as("another tenant is not slowed").isEqualTo(200);
    assertThat(
            TestIngest.sum(
                TestIngest.metricsText(registry),
                "vitals_ingest_rejected_requests_total",
                "reason=\"rate_limited\""))
        .isEqualTo(1.0);
  }

  private HttpResponse<byte[]> send(String tenant, byte[] body) {
    return TestIngest.send(
        TestIngest.post(server, "/v1/logs", "application/x-protobuf", body)
            .header("X-Scope-OrgID", tenant));
  }

  private static byte[] logs(int bytes) {
    return ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(
            ResourceLogs.newBuilder()
                .addScopeLogs(
                    ScopeLogs.newBuilder()
                        .addLogRecords(
                            LogRecord.newBuilder()
                                .setBody(AnyValue.newBuilder().setStringValue("x".repeat(bytes))))))
        .build()
        .toByteArray();
  }
}
