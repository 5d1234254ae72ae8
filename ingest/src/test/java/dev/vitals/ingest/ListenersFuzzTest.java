package dev.vitals.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.ingest.otlp.OtlpSignal;
import dev.vitals.schemas.testing.Mutations;
import dev.vitals.schemas.testing.Mutations.Mutation;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.kafka.clients.producer.MockProducer;

/**
 * Both listeners of a running ingest, fed mutated valid requests with mangled headers: every HTTP
 * answer is in the documented set (never 500), every gRPC status is one a client can act on (never
 * UNKNOWN or INTERNAL), nothing logs a stack trace, and afterwards the process is healthy: a valid
 * request is accepted and no in-flight byte is held.
 */
@Tag("fuzz")
class ListenersFuzzTest {

  private static final Set<Integer> DOCUMENTED =
      Set.of(200, 400, 401, 404, 405, 408, 413, 415, 429, 431, 503);
  private static final Set<Status.Code> ACTIONABLE =
      Set.of(
          Status.Code.OK,
          Status.Code.INVALID_ARGUMENT,
          Status.Code.RESOURCE_EXHAUSTED,
          Status.Code.UNAVAILABLE,
          Status.Code.UNAUTHENTICATED,
          Status.Code.UNIMPLEMENTED);

  static MockProducer<byte[], byte[]> producer;
  static PrometheusRegistry registry;
  static IngestStage server;
  static ManagedChannel channel;
  static LogCapture log;

  @BeforeContainer
  static void start() throws IOException {
    log = LogCapture.start();
    producer = TestIngest.producer(true);
    registry = new PrometheusRegistry();
    server =
        IngestStage.start(
            TestIngest.localSettings()
                .withLimits(
                    new IngestSettings.Limits(
                        64 * 1024, 1 << 20, Duration.ofSeconds(5), Duration.ofSeconds(1), 16_384)),
            producer,
            registry);
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.grpcPort()).usePlaintext().build();
  }

  @AfterContainer
  static void processIsHealthyAndQuiet() throws InterruptedException {
    try {
      var valid = OtlpExamples.of(OtlpSignal.METRICS).toByteArray();
      var answer =
          TestIngest.send(TestIngest.post(server, "/v1/metrics", "application/x-protobuf", valid));
      assertThat(answer.statusCode()).isEqualTo(200);
      assertThat(TestIngest.sum(TestIngest.metricsText(registry), "vitals_ingest_inflight_bytes"))
          .isZero();
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      server.close();
      log.close();
    }
    assertThat(log.text()).doesNotContain("\tat ", "ERROR", "SEVERE");
  }

  @Property
  void everyHttpRequestGetsADocumentedAnswer(
      @ForAll("paths") String path,
      @ForAll("contentTypes") String contentType,
      @ForAll("encodings") String encoding,
      @ForAll OtlpSignal signal,
      @ForAll boolean json,
      @ForAll("mutations") List<Mutation> mutations) {
    producer.clear();
    var example = OtlpExamples.of(signal);
    byte[] plain = json ? OtlpExamples.json(example) : example.toByteArray();
    byte[] body =
        Mutations.apply(encoding.equals("gzip") ? TestIngest.gzip(plain) : plain, mutations);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + path))
            .timeout(Duration.ofSeconds(20))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (!contentType.isEmpty()) {
      request.header("Content-Type", contentType);
    }
    if (!encoding.isEmpty()) {
      request.header("Content-Encoding", encoding);
    }
    HttpResponse<byte[]> answer = TestIngest.send(request);

    assertThat(answer.statusCode()).isIn(DOCUMENTED);
  }

  @Property
  void everyGrpcCallGetsAnActionableStatus(
      @ForAll OtlpSignal signal,
      @ForAll boolean gzip,
      @ForAll("mutations") List<Mutation> mutations) {
    producer.clear();
    byte[] body = Mutations.apply(OtlpExamples.of(signal).toByteArray(), mutations);
    CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS);
    Status.Code code = Status.Code.OK;
    try {
      ClientCalls.blockingUnaryCall(
          channel, export(signal), gzip ? options.withCompression("gzip") : options, body);
    } catch (StatusRuntimeException e) {
      code = e.getStatus().getCode();
    }
    assertThat(code).isIn(ACTIONABLE);
  }

  @Provide
  Arbitrary<String> paths() {
    return Arbitraries.of(
        "/v1/metrics",
        "/v1/logs",
        "/v1/traces",
        "/api/v1/write",
        "/v1/metrics?x=1",
        "/v1/metrics/",
        "/v1/Metrics",
        "/",
        "/v1/metrics%00",
        "/..%2Fv1/metrics");
  }

  @Provide
  Arbitrary<String> contentTypes() {
    return Arbitraries.of(
        "application/x-protobuf",
        "application/json",
        "application/json; charset=utf-8",
        "APPLICATION/X-PROTOBUF",
        "application/x-protobuf;proto=prometheus.WriteRequest",
        "text/plain",
        "application/json;;;",
        ";",
        "");
  }

  @Provide
  Arbitrary<String> encodings() {
    return Arbitraries.of("", "", "gzip", "identity", "snappy", "deflate", "gzip, gzip", "GZIP");
  }

  @Provide
  Arbitrary<List<Mutation>> mutations() {
    return Mutations.some(4);
  }

  private static MethodDescriptor<byte[], byte[]> export(OtlpSignal signal) {
    String method =
        switch (signal) {
          case METRICS -> MetricsServiceGrpc.getExportMethod().getFullMethodName();
          case LOGS -> LogsServiceGrpc.getExportMethod().getFullMethodName();
          case TRACES -> TraceServiceGrpc.getExportMethod().getFullMethodName();
        };
    return MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(method)
        .setRequestMarshaller(RAW)
        .setResponseMarshaller(RAW)
        .build();
  }

  private static final MethodDescriptor.Marshaller<byte[]> RAW =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };
}
