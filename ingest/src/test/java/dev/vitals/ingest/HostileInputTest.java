package dev.vitals.ingest;

import static dev.vitals.ingest.TestIngest.post;
import static dev.vitals.ingest.TestIngest.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.rpc.BadRequest;
import com.google.rpc.Status;
import dev.vitals.schemas.otlp.OtlpResources;
import io.grpc.CallOptions;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.apache.kafka.clients.producer.MockProducer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xerial.snappy.SnappyFramedOutputStream;

class HostileInputTest {

  private static final long MAX_REQUEST = 256 * 1024;
  private static final String TOKEN = "good-token";
  private static final String REJECTED = "vitals_ingest_rejected_requests_total";

  static MockProducer<byte[], byte[]> producer;
  static PrometheusRegistry registry;
  static IngestStage server;
  static ManagedChannel channel;

  private String metricsBefore;

  @BeforeAll
  static void start() throws IOException {
    producer = TestIngest.producer(true);
    registry = new PrometheusRegistry();
    server =
        IngestStage.start(
            TestIngest.localSettings()
                .withAuth(new IngestSettings.Auth(Map.of(TOKEN, "acme"), null))
                .withLimits(
                    new IngestSettings.Limits(
                        MAX_REQUEST,
                        4 * MAX_REQUEST,
                        Duration.ofSeconds(5),
                        Duration.ofSeconds(1),
                        1_000_000)),
            producer,
            registry);
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.grpcPort()).usePlaintext().build();
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.close();
    }
  }

  @BeforeEach
  void rememberMetrics() {
    producer.clear();
    metricsBefore = TestIngest.metricsText(registry);
  }

  @AfterEach
  void serverStillAcceptsAValidRequest() throws Exception {
    producer.clear();
    HttpResponse<byte[]> response =
        send(
            authorized(
                post(server, "/v1/metrics", "application/x-protobuf", valid(10).toByteArray())));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(producer.history()).hasSize(1);
    assertThat(new String(producer.history().get(0).key(), StandardCharsets.UTF_8))
        .isEqualTo("acme//hostile");
  }

  @Test
  void truncatedProtobufGets400WithBadRequestStatusAndIsCountedMalformed() throws Exception {
    byte[] whole = valid(50).toByteArray();

    HttpResponse<byte[]> response =
        send(
            authorized(
                post(
                    server,
                    "/v1/metrics",
                    "application/x-protobuf",
                    Arrays.copyOf(whole, whole.length - 7))));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/x-protobuf");
    Status status = Status.parseFrom(response.body());
    assertThat(status.getMessage()).contains("invalid protobuf");
    assertThat(status.getDetailsList()).anyMatch(d -> d.is(BadRequest.class));
    assertThat(producer.history()).isEmpty();
    assertRejected("http", "malformed", 1);
  }

  @Test
  void textPlainGets415AndIsCountedAsUnsupportedMediaType() {
    HttpResponse<byte[]> response =
        send(
            authorized(
                post(
                    server,
                    "/v1/metrics",
                    "text/plain",
                    "hello".getBytes(StandardCharsets.UTF_8))));

    assertThat(response.statusCode()).isEqualTo(415);
    assertRejected("http", "unsupported_media_type", 1);
  }

  @Test
  void gzipBombGets413WithoutBeingInflatedPastTheLimit() throws Exception {
    ByteArrayOutputStream compressed = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(compressed)) {
      byte[] zeros = new byte[1 << 20];
      for (int i = 0; i < 100; i++) {
        gz.write(zeros);
      }
    }
    byte[] bomb = compressed.toByteArray();
    assertThat(bomb.length).isBetween(50_000, (int) MAX_REQUEST); // ~100 KB in, 100 MiB out

    HttpResponse<byte[]> response =
        send(
            authorized(post(server, "/v1/metrics", "application/x-protobuf", bomb))
                .header("Content-Encoding", "gzip"));

    assertThat(response.statusCode()).isEqualTo(413);
    assertRejected("http", "too_large", 1);
  }

  @Test
  void declaredOversizedBodyGets413BeforeAnyBodyIsSent() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", server.httpPort())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /v1/metrics HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                  + TOKEN
                  + "\r\nContent-Type: application/x-protobuf\r\nContent-Length: 100000000\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String statusLine =
          new BufferedReader(
                  new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
              .readLine();
      assertThat(statusLine).startsWith("HTTP/1.1 413");
    }
    assertRejected("http", "too_large", 1);
  }

  @Test
  void missingOrUnknownBearerTokenGets401() {
    HttpResponse<byte[]> missing =
        send(
            post(server, "/v1/metrics", "application/x-protobuf", valid(1).toByteArray())
                .header("X-Scope-OrgID", "acme"));
    HttpResponse<byte[]> unknown =
        send(
            post(server, "/v1/metrics", "application/x-protobuf", valid(1).toByteArray())
                .header("Authorization", "Bearer not-the-token"));

    assertThat(missing.statusCode()).isEqualTo(401);
    assertThat(unknown.statusCode()).isEqualTo(401);
    assertThat(producer.history()).isEmpty();
    assertRejected("http", "unauthenticated", 2);
  }

  @Test
  void missingTenantWithoutDefaultTenantGets401() throws IOException {
    PrometheusRegistry ownRegistry = new PrometheusRegistry();
    MockProducer<byte[], byte[]> ownProducer = TestIngest.producer(true);
    try (IngestStage noDefault =
        IngestStage.start(
            TestIngest.localSettings().withAuth(new IngestSettings.Auth(Map.of(), null)),
            ownProducer,
            ownRegistry)) {
      HttpResponse<byte[]> anonymous =
          send(post(noDefault, "/v1/metrics", "application/x-protobuf", valid(1).toByteArray()));
      HttpResponse<byte[]> named =
          send(
              post(noDefault, "/v1/metrics", "application/x-protobuf", valid(1).toByteArray())
                  .header("X-Scope-OrgID", "team-a"));

      assertThat(anonymous.statusCode()).isEqualTo(401);
      assertThat(named.statusCode()).isEqualTo(200);
      assertThat(ownProducer.history()).hasSize(1);
      assertThat(new String(ownProducer.history().get(0).key(), StandardCharsets.UTF_8))
          .isEqualTo("team-a//hostile");
      assertThat(
              TestIngest.sum(
                  TestIngest.metricsText(ownRegistry),
                  REJECTED,
                  "reason=\"unauthenticated\"",
                  "transport=\"http\""))
          .isEqualTo(1);
    }
  }

  @Test
  void remoteWriteInSnappyFramedFormatGets400() throws Exception {
    ByteArrayOutputStream framed = new ByteArrayOutputStream();
    try (SnappyFramedOutputStream out = new SnappyFramedOutputStream(framed)) {
      out.write(
          dev.vitals.schemas.remotewrite.RemoteWriteCodec.encode(
              new dev.vitals.schemas.remotewrite.WriteRequest(
                  java.util.List.of(
                      new dev.vitals.schemas.remotewrite.TimeSeries(
                          java.util.List.of(
                              new dev.vitals.schemas.remotewrite.Label("__name__", "up")),
                          java.util.List.of(
                              new dev.vitals.schemas.remotewrite.Sample(
                                  1, 1_700_000_000_000L)))))));
    }

    HttpResponse<byte[]> response =
        send(
            authorized(
                    post(server, "/api/v1/write", "application/x-protobuf", framed.toByteArray()))
                .header("Content-Encoding", "snappy")
                .header("X-Prometheus-Remote-Write-Version", "0.1.0"));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(new String(response.body(), StandardCharsets.UTF_8)).contains("framing format");
    assertThat(producer.history()).isEmpty();
    assertRejected("remote_write", "malformed", 1);
  }

  @Test
  void remoteWriteClaimingFourGibibytesGets413WithAPlainMessageAndNoStackTrace() {
    byte[] body = new byte[5 + 16];
    body[0] = body[1] = body[2] = body[3] = (byte) 0xff;
    body[4] = 0x0f;

    HttpResponse<byte[]> response;
    try (LogCapture logs = LogCapture.start()) {
      response =
          send(
              authorized(post(server, "/api/v1/write", "application/x-protobuf", body))
                  .header("Content-Encoding", "snappy")
                  .header("X-Prometheus-Remote-Write-Version", "0.1.0"));
      assertThat(logs.text()).doesNotContain("\tat ").doesNotContain("Exception");
    }

    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(new String(response.body(), StandardCharsets.UTF_8).strip())
        .isEqualTo("decompressed body: 4294967295 bytes declared (expected: <= 262144)");
    assertThat(producer.history()).isEmpty();
    assertRejected("remote_write", "too_large", 1);
  }

  @Test
  void aSlashInsideANamespaceOrNameIsEscapedInTheRecordKeySoServicesStayApart() {
    ExportMetricsServiceRequest slashInNamespace = withService(valid(1), "coll/ide", "svc");
    ExportMetricsServiceRequest slashInName = withService(valid(1), "coll", "ide/svc");

    send(
        authorized(
            post(server, "/v1/metrics", "application/x-protobuf", slashInNamespace.toByteArray())));
    send(
        authorized(
            post(server, "/v1/metrics", "application/x-protobuf", slashInName.toByteArray())));

    assertThat(producer.history())
        .extracting(r -> new String(r.key(), StandardCharsets.UTF_8))
        .containsExactly("acme/coll%2Fide/svc", "acme/coll/ide%2Fsvc");
  }

  private static ExportMetricsServiceRequest withService(
      ExportMetricsServiceRequest request, String namespace, String name) {
    ExportMetricsServiceRequest.Builder b = request.toBuilder();
    b.getResourceMetricsBuilder(0)
        .setResource(
            Resource.newBuilder()
                .addAttributes(OtlpResources.stringKeyValue("service.namespace", namespace))
                .addAttributes(OtlpResources.stringKeyValue("service.name", name)));
    return b.build();
  }

  @Test
  void getOnAnExportPathGets405() {
    HttpResponse<byte[]> response =
        send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.httpPort() + "/v1/metrics"))
                .header("Authorization", "Bearer " + TOKEN)
                .GET());

    assertThat(response.statusCode()).isEqualTo(405);
    assertThat(response.headers().firstValue("Allow")).hasValue("POST");
    assertRejected("http", "method_not_allowed", 1);
  }

  @Test
  void unknownPathGets404() {
    HttpResponse<byte[]> response =
        send(
            authorized(
                post(server, "/v1/everything", "application/x-protobuf", valid(1).toByteArray())));

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(response.headers().firstValue("Content-Security-Policy"))
        .hasValue("default-src 'none'; frame-ancestors 'none'");
    assertRejected("http", "not_found", 1);
  }

  @Test
  void truncatedProtobufOverGrpcGetsInvalidArgument() {
    byte[] whole = valid(50).toByteArray();

    StatusRuntimeException e =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                ClientCalls.blockingUnaryCall(
                    ClientInterceptors.intercept(channel, bearer(TOKEN)),
                    RAW_EXPORT,
                    CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS),
                    Arrays.copyOf(whole, whole.length - 7)));

    assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.INVALID_ARGUMENT);
    assertThat(io.grpc.protobuf.StatusProto.fromThrowable(e).getDetailsList())
        .anyMatch(d -> d.is(BadRequest.class));
    assertThat(producer.history()).isEmpty();
    assertRejected("grpc", "malformed", 1);
  }

  @Test
  void messageOverTheLimitOverGrpcGetsResourceExhausted() {
    ExportMetricsServiceRequest big = valid(20_000);
    assertThat((long) big.getSerializedSize()).isGreaterThan(MAX_REQUEST);

    StatusRuntimeException e =
        catchThrowableOfType(StatusRuntimeException.class, () -> stub(TOKEN).export(big));

    assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.RESOURCE_EXHAUSTED);
    assertThat(producer.history()).isEmpty();
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertRejected("grpc", "too_large", 1));
  }

  @Test
  void gzipBombOverGrpcGetsResourceExhaustedIsCountedAndLogsNoStackTrace() {
    // 64 MiB of zeros, gzipped by the client as it streams out (about 64 KiB on the wire).
    MethodDescriptor<byte[], byte[]> zeros =
        RAW_EXPORT.toBuilder(new ZerosMarshaller(64 << 20), new RawBytes()).build();

    StatusRuntimeException e;
    try (LogCapture logs = LogCapture.start()) {
      e =
          catchThrowableOfType(
              StatusRuntimeException.class,
              () ->
                  ClientCalls.blockingUnaryCall(
                      ClientInterceptors.intercept(channel, bearer(TOKEN)),
                      zeros,
                      CallOptions.DEFAULT
                          .withCompression("gzip")
                          .withDeadlineAfter(20, TimeUnit.SECONDS),
                      new byte[0]));
      assertThat(logs.text()).doesNotContain("\tat ").doesNotContain("SEVERE");
    }

    assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.RESOURCE_EXHAUSTED);
    assertThat(producer.history()).isEmpty();
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertRejected("grpc", "too_large", 1));
  }

  @Test
  void unknownGrpcEncodingGetsUnimplementedAndIsCounted() throws Exception {
    io.grpc.CompressorRegistry compressors = io.grpc.CompressorRegistry.newEmptyInstance();
    compressors.register(
        new io.grpc.Codec() {
          @Override
          public String getMessageEncoding() {
            return "x-unknown";
          }

          @Override
          public OutputStream compress(OutputStream os) {
            return os;
          }

          @Override
          public InputStream decompress(InputStream is) {
            return is;
          }
        });
    ManagedChannel odd =
        NettyChannelBuilder.forAddress("127.0.0.1", server.grpcPort())
            .usePlaintext()
            .compressorRegistry(compressors)
            .build();
    try {
      StatusRuntimeException e =
          catchThrowableOfType(
              StatusRuntimeException.class,
              () ->
                  ClientCalls.blockingUnaryCall(
                      ClientInterceptors.intercept(odd, bearer(TOKEN)),
                      RAW_EXPORT,
                      CallOptions.DEFAULT
                          .withCompression("x-unknown")
                          .withDeadlineAfter(10, TimeUnit.SECONDS),
                      valid(1).toByteArray()));

      assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.UNIMPLEMENTED);
      assertThat(producer.history()).isEmpty();
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(() -> assertRejected("grpc", "unsupported_media_type", 1));
    } finally {
      odd.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  /** Streams {@code size} zero bytes without holding them. */
  private record ZerosMarshaller(long size) implements MethodDescriptor.Marshaller<byte[]> {
    @Override
    public InputStream stream(byte[] ignored) {
      return new InputStream() {
        private long left = size;

        @Override
        public int read() {
          return left-- > 0 ? 0 : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
          if (left <= 0) {
            return -1;
          }
          int n = (int) Math.min(len, left);
          Arrays.fill(b, off, off + n, (byte) 0);
          left -= n;
          return n;
        }
      };
    }

    @Override
    public byte[] parse(InputStream stream) {
      throw new UnsupportedOperationException();
    }
  }

  @Test
  void badTokenOverGrpcGetsUnauthenticated() {
    StatusRuntimeException e =
        catchThrowableOfType(StatusRuntimeException.class, () -> stub("wrong").export(valid(1)));

    assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.UNAUTHENTICATED);
    assertThat(producer.history()).isEmpty();
    assertRejected("grpc", "unauthenticated", 1);
  }

  @Test
  void validRequestOverGrpcIsAccepted() {
    assertThat(stub(TOKEN).export(valid(3)).hasPartialSuccess()).isFalse();
    assertThat(producer.history()).hasSize(1);
  }

  private void assertRejected(String transport, String reason, int count) {
    String[] labels = {"transport=\"" + transport + "\"", "reason=\"" + reason + "\""};
    String after = TestIngest.metricsText(registry);
    assertThat(
            TestIngest.sum(after, REJECTED, labels)
                - TestIngest.sum(metricsBefore, REJECTED, labels))
        .as("%s %s rejections in%n%s", transport, reason, after)
        .isEqualTo(count);
  }

  private static HttpRequest.Builder authorized(HttpRequest.Builder request) {
    return request.header("Authorization", "Bearer " + TOKEN);
  }

  private static MetricsServiceGrpc.MetricsServiceBlockingStub stub(String token) {
    return MetricsServiceGrpc.newBlockingStub(channel)
        .withInterceptors(bearer(token))
        .withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  private static io.grpc.ClientInterceptor bearer(String token) {
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    return MetadataUtils.newAttachHeadersInterceptor(headers);
  }

  /** The metrics Export method, sending whatever bytes it is given. */
  private static final MethodDescriptor<byte[], byte[]> RAW_EXPORT =
      MethodDescriptor.<byte[], byte[]>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName(MetricsServiceGrpc.getExportMethod().getFullMethodName())
          .setRequestMarshaller(new RawBytes())
          .setResponseMarshaller(new RawBytes())
          .build();

  private static final class RawBytes implements MethodDescriptor.Marshaller<byte[]> {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  /** One resource ("hostile") with a gauge of {@code points} points. */
  static ExportMetricsServiceRequest valid(int points) {
    Gauge.Builder gauge = Gauge.newBuilder();
    for (int i = 0; i < points; i++) {
      gauge.addDataPoints(NumberDataPoint.newBuilder().setAsInt(i).setTimeUnixNano(1_000L + i));
    }
    return ExportMetricsServiceRequest.newBuilder()
        .addResourceMetrics(
            ResourceMetrics.newBuilder()
                .setResource(
                    Resource.newBuilder()
                        .addAttributes(OtlpResources.stringKeyValue("service.name", "hostile")))
                .addScopeMetrics(
                    ScopeMetrics.newBuilder()
                        .addMetrics(Metric.newBuilder().setName("g").setGauge(gauge))))
        .build();
  }
}
