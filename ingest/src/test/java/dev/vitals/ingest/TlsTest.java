package dev.vitals.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

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
import java.util.ArrayList;
import java.util.List;
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

  static MockProducer<byte[], byte[]> producer;
  static IngestServer server;

  @BeforeAll
  static void start() throws Exception {
    openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "ca.key");
    openssl(
        "req",
        "-x509",
        "-new",
        "-key",
        "ca.key",
        "-subj",
        "/CN=Vitals Test CA",
        "-days",
        "2",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
        "-out",
        "ca.pem");
    issue(
        "server",
        "localhost",
        "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
    issue("client", "test-client", "extendedKeyUsage=clientAuth\n");

    producer = TestIngest.producer(true);
    server =
        IngestServer.start(
            TestIngest.localSettings()
                .withTls(
                    new IngestSettings.Tls(
                        dir.resolve("server.pem"),
                        dir.resolve("server.key"),
                        dir.resolve("ca.pem"),
                        IngestSettings.ClientAuth.REQUIRE)),
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
        client(Pem.clientContext(path("ca.pem"), path("client.pem"), path("client.key")))
            .send(request(), HttpResponse.BodyHandlers.ofByteArray());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(producer.history()).hasSize(1);
  }

  @Test
  void httpsRequestWithoutClientCertificateFailsTheHandshake() throws Exception {
    HttpClient client = client(Pem.clientContext(path("ca.pem"), null, null));

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

  /** A key and a certificate for {@code cn} signed by the test CA. */
  private static void issue(String name, String cn, String extensions) throws Exception {
    openssl(
        "genpkey",
        "-algorithm",
        "EC",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-out",
        name + ".key");
    openssl("req", "-new", "-key", name + ".key", "-subj", "/CN=" + cn, "-out", name + ".csr");
    Files.writeString(dir.resolve(name + ".ext"), "basicConstraints=CA:FALSE\n" + extensions);
    openssl(
        "x509",
        "-req",
        "-in",
        name + ".csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        name + ".ext",
        "-out",
        name + ".pem");
  }

  private static void openssl(String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add("openssl");
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("openssl %s: %s", command, output).isZero();
  }
}
