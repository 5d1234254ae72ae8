package dev.vitals.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.vitals.common.tls.ServerTls;
import dev.vitals.schemas.testing.TestCerts;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.apache.kafka.clients.producer.MockProducer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsTest {

  @TempDir static Path dir;

  static TestCerts certs;
  static MockProducer<byte[], byte[]> producer;
  static IngestStage server;

  @BeforeAll
  static void start() throws Exception {
    certs = TestCerts.create(dir);

    producer = TestIngest.producer(true);
    server =
        IngestStage.start(
            TestIngest.localSettings()
                .withTls(
                    new ServerTls(
                        dir.resolve("server.pem"),
                        dir.resolve("server.key"),
                        dir.resolve("ca.pem"),
                        ServerTls.ClientAuth.REQUIRE)),
            producer,
            new PrometheusRegistry());
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @BeforeEach
  void forgetEarlierRecords() {
    producer.clear();
  }

  @Test
  void httpsRequestWithTheClientCertificateIsAccepted() throws Exception {
    HttpResponse<byte[]> response =
        client(certs.clientContext(true)).send(request(), HttpResponse.BodyHandlers.ofByteArray());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(producer.history()).hasSize(1);
  }

  @Test
  void httpsRequestWithoutClientCertificateFailsTheHandshake() throws Exception {
    HttpClient client = client(certs.clientContext(false));

    Throwable failure =
        catchThrowable(() -> client.send(request(), HttpResponse.BodyHandlers.ofByteArray()));

    assertThat(failure).isInstanceOf(IOException.class);
    assertThat(producer.history()).isEmpty();
  }

  @Test
  void plaintextHttpIsNotServed() {
    Throwable failure =
        catchThrowable(
            () ->
                TestIngest.CLIENT.send(
                    HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + server.httpPort() + "/v1/metrics"))
                        .timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/x-protobuf")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[0]))
                        .build(),
                    HttpResponse.BodyHandlers.ofByteArray()));

    assertThat(failure).isInstanceOf(IOException.class);
    assertThat(producer.history()).isEmpty();
  }

  @Test
  void sdkGrpcSpanExporterWithClientCertificateDeliversOverTls() throws Exception {
    OtlpGrpcSpanExporter exporter =
        OtlpGrpcSpanExporter.builder()
            .setEndpoint("https://localhost:" + server.grpcPort())
            .setTrustedCertificates(Files.readAllBytes(path("ca.pem")))
            .setClientTls(
                Files.readAllBytes(path("client.key")), Files.readAllBytes(path("client.pem")))
            .setTimeout(Duration.ofSeconds(10))
            .build();
    try (SdkTracerProvider provider =
        SdkTracerProvider.builder()
            .setResource(
                Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "secure")))
            .addSpanProcessor(SimpleSpanProcessor.create(exporter))
            .build()) {
      provider.get("tls-test").spanBuilder("over-tls").startSpan().end();
      assertThat(provider.forceFlush().join(15, TimeUnit.SECONDS).isSuccess()).isTrue();
    }

    assertThat(producer.history()).hasSize(1);
    assertThat(new String(producer.history().get(0).key(), StandardCharsets.UTF_8))
        .isEqualTo("default//secure");
    assertThat(
            ExportTraceServiceRequest.parseFrom(producer.history().get(0).value())
                .getResourceSpans(0)
                .getScopeSpans(0)
                .getSpans(0)
                .getName())
        .isEqualTo("over-tls");
  }

  private static HttpClient client(SSLContext context) {
    return HttpClient.newBuilder()
        .sslContext(context)
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  private static HttpRequest request() {
    return HttpRequest.newBuilder(
            URI.create("https://127.0.0.1:" + server.httpPort() + "/v1/metrics"))
        .timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/x-protobuf")
        .POST(HttpRequest.BodyPublishers.ofByteArray(HostileInputTest.valid(3).toByteArray()))
        .build();
  }

  private static Path path(String name) {
    return dir.resolve(name);
  }
}
