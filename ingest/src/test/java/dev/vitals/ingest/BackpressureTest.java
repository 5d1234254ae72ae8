package dev.vitals.ingest;

import static dev.vitals.ingest.TestIngest.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.google.rpc.RetryInfo;
import com.google.rpc.Status;
import dev.vitals.schemas.otlp.OtlpResources;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.StatusProto;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.resource.v1.Resource;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.MockProducer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BackpressureTest {

  private static final long MAX_IN_FLIGHT = 256 * 1024;
  private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(1);
  private static final int BODY = 100_000;

  MockProducer<byte[], byte[]> producer;
  PrometheusRegistry registry;
  IngestStage server;
  ManagedChannel channel;

  @BeforeEach
  void start() throws IOException {
    producer = TestIngest.producer(false); // Kafka never acknowledges unless told to
    registry = new PrometheusRegistry();
    server =
        IngestStage.start(
            TestIngest.localSettings()
                .withLimits(
                    new IngestSettings.Limits(
                        128 * 1024,
                        MAX_IN_FLIGHT,
                        KAFKA_TIMEOUT,
                        Duration.ofSeconds(2),
                        1_000_000)),
            producer,
            registry);
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.grpcPort()).usePlaintext().build();
  }

  @AfterEach
  void stop() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    while (producer.completeNext()) {
      // let close() flush without waiting
    }
    server.close();
  }

  @Test
  void unacknowledgedRequestsHoldTheBoundSoFurtherRequestsAreThrottledUntilKafkaAnswers()
      throws Exception {
    // Two bodies fill the bound; Kafka never answers, so each gets a retryable 503 after the
    // Kafka timeout, and their bytes stay held.
    long started = System.nanoTime();
    List<CompletableFuture<HttpResponse<byte[]>>> stuck =
        List.of(sendAsync(logs("stuck-1")), sendAsync(logs("stuck-2")));
    for (CompletableFuture<HttpResponse<byte[]>> f : stuck) {
      HttpResponse<byte[]> response = f.get(10, TimeUnit.SECONDS);
      assertThat(response.statusCode()).isEqualTo(503);
      assertThat(response.headers().firstValue("Retry-After")).hasValue("2");
      assertThat(retryInfo(Status.parseFrom(response.body()))).isTrue();
    }
    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .isGreaterThanOrEqualTo(KAFKA_TIMEOUT.minusMillis(100))
        .isLessThan(KAFKA_TIMEOUT.multipliedBy(5));
    assertThat(producer.history()).hasSize(2);
    assertThat(inFlightBytes()).isGreaterThan(2.0 * BODY);

    // The bound is full: refused at once with 429, Retry-After and a RetryInfo detail.
    long refusedAt = System.nanoTime();
    HttpResponse<byte[]> throttled = sendAsync(logs("throttled")).get(10, TimeUnit.SECONDS);
    assertThat(Duration.ofNanos(System.nanoTime() - refusedAt)).isLessThan(KAFKA_TIMEOUT);
    assertThat(throttled.statusCode()).isEqualTo(429);
    assertThat(throttled.headers().firstValue("Retry-After")).hasValue("2");
    Status status = Status.parseFrom(throttled.body());
    assertThat(retryInfo(status)).isTrue();
    assertThat(
            status.getDetailsList().stream()
                .filter(d -> d.is(RetryInfo.class))
                .map(d -> unpack(d).getRetryDelay().getSeconds()))
        .containsExactly(2L);

    // And over gRPC: UNAVAILABLE carrying RetryInfo.
    StatusRuntimeException e =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                LogsServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .export(logs("grpc-throttled")));
    assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.UNAVAILABLE);
    assertThat(retryInfo(StatusProto.fromThrowable(e))).isTrue();
    assertThat(producer.history()).hasSize(2);

    // Kafka finally acknowledges: the bound is released and requests are accepted again.
    assertThat(producer.completeNext()).isTrue();
    assertThat(producer.completeNext()).isTrue();
    assertThat(inFlightBytes()).isZero();
    CompletableFuture<HttpResponse<byte[]>> after = sendAsync(logs("after"));
    await().atMost(Duration.ofSeconds(10)).until(() -> producer.history().size() == 3);
    assertThat(producer.completeNext()).isTrue();
    assertThat(after.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    CompletableFuture<Void> grpcAfter =
        CompletableFuture.runAsync(
            () ->
                LogsServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .export(logs("grpc-after")));
    await().atMost(Duration.ofSeconds(10)).until(() -> producer.history().size() == 4);
    assertThat(producer.completeNext()).isTrue();
    grpcAfter.get(10, TimeUnit.SECONDS);
    assertThat(inFlightBytes()).isZero();
  }

  @Test
  void kafkaErrorGetsRetryable503AndReleasesTheBound() throws Exception {
    CompletableFuture<HttpResponse<byte[]>> failing = sendAsync(logs("failing"));
    await().atMost(Duration.ofSeconds(10)).until(() -> producer.history().size() == 1);
    assertThat(inFlightBytes()).isGreaterThan(BODY);

    assertThat(
            producer.errorNext(new org.apache.kafka.common.errors.TimeoutException("broker gone")))
        .isTrue();

    HttpResponse<byte[]> response = failing.get(10, TimeUnit.SECONDS);
    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.headers().firstValue("Retry-After")).hasValue("2");
    assertThat(Status.parseFrom(response.body()).getMessage()).contains("broker gone");
    assertThat(inFlightBytes()).isZero();
  }

  private double inFlightBytes() {
    String text = TestIngest.metricsText(registry);
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("(?m)^vitals_ingest_inflight_bytes (\\S+)$").matcher(text);
    assertThat(m.find()).as(text).isTrue();
    return Double.parseDouble(m.group(1));
  }

  private CompletableFuture<HttpResponse<byte[]>> sendAsync(ExportLogsServiceRequest request) {
    return TestIngest.CLIENT.sendAsync(
        post(server, "/v1/logs", "application/x-protobuf", request.toByteArray()).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  private static boolean retryInfo(Status status) {
    return status.getDetailsList().stream().anyMatch(d -> d.is(RetryInfo.class));
  }

  private static RetryInfo unpack(com.google.protobuf.Any any) {
    try {
      return any.unpack(RetryInfo.class);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  /** One log record of about {@link #BODY} bytes. */
  private static ExportLogsServiceRequest logs(String service) {
    return ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(
            ResourceLogs.newBuilder()
                .setResource(
                    Resource.newBuilder()
                        .addAttributes(OtlpResources.stringKeyValue("service.name", service)))
                .addScopeLogs(
                    ScopeLogs.newBuilder()
                        .addLogRecords(
                            LogRecord.newBuilder()
                                .setBody(AnyValue.newBuilder().setStringValue("x".repeat(BODY))))))
        .build();
  }
}
