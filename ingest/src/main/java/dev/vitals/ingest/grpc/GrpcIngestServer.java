package dev.vitals.ingest.grpc;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import com.google.protobuf.util.Durations;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import com.google.rpc.RetryInfo;
import dev.vitals.ingest.IngestSettings;
import dev.vitals.ingest.auth.TenantRateLimiter;
import dev.vitals.ingest.auth.TenantResolver;
import dev.vitals.ingest.metrics.IngestMetrics;
import dev.vitals.ingest.metrics.IngestMetrics.Reason;
import dev.vitals.ingest.net.ConnectionLimit;
import dev.vitals.ingest.otlp.OtlpSignal;
import dev.vitals.ingest.pipeline.ExportOutcome;
import dev.vitals.ingest.pipeline.ExportPipeline;
import dev.vitals.ingest.pipeline.InFlightLimiter;
import dev.vitals.ingest.pipeline.Reservation;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServerStreamTracer;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The OTLP/gRPC listener (4317). Requests arrive as bytes (gRPC has already inflated and
 * size-checked them) and take the same export pipeline as HTTP; failures carry {@code
 * google.rpc.Status} details: {@code BadRequest} for bad data, {@code RetryInfo} on the retryable
 * {@code UNAVAILABLE}.
 */
public final class GrpcIngestServer implements AutoCloseable {

  private static final Context.Key<String> TENANT = Context.key("vitals.tenant");
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final Metadata.Key<String> SCOPE_ORG_ID =
      Metadata.Key.of("x-scope-orgid", Metadata.ASCII_STRING_MARSHALLER);

  /** How long calls in progress may run on a connection past its maximum age. */
  private static final Duration MAX_CONNECTION_AGE_GRACE = Duration.ofSeconds(30);

  private final Server server;

  private GrpcIngestServer(Server server) {
    this.server = server;
  }

  public static GrpcIngestServer start(
      IngestSettings settings,
      SslContext tls,
      EventLoopGroup boss,
      EventLoopGroup workers,
      ExecutorService executor,
      java.util.concurrent.ScheduledExecutorService timer,
      ExportPipeline pipeline,
      InFlightLimiter inFlight,
      TenantRateLimiter rates,
      IngestMetrics metrics)
      throws IOException {
    IngestSettings.Listener listener = settings.grpc();
    Handler handler =
        new Handler(pipeline, inFlight, rates, metrics, settings.limits().retryAfter());
    ServerInterceptor auth = new TenantInterceptor(new TenantResolver(settings.auth()), metrics);
    ServerInterceptor gate =
        new ReadGate(
            readSlots(settings.limits()),
            settings.limits().kafkaTimeout(),
            settings.limits().bodyTimeout(),
            timer,
            (call, message) -> {
              metrics.rejected(signalLabel(call), "grpc", Reason.THROTTLED);
              return handler.retryable(message);
            });
    ConnectionLimit connections =
        new ConnectionLimit(listener.maxConnections(), () -> metrics.refusedConnection("grpc"));
    metrics.openConnections("grpc", connections::open);
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(new InetSocketAddress(listener.host(), listener.port()))
            .bossEventLoopGroup(boss)
            .workerEventLoopGroup(workers)
            .channelFactory(connections.serverChannels())
            .executor(executor)
            .maxInboundMessageSize(
                (int) Math.min(Integer.MAX_VALUE, settings.limits().maxRequestBytes()))
            .maxConcurrentCallsPerConnection(256)
            .permitKeepAliveTime(10, TimeUnit.SECONDS)
            .permitKeepAliveWithoutCalls(true)
            .handshakeTimeout(listener.headerTimeout().toMillis(), TimeUnit.MILLISECONDS)
            .maxInboundMetadataSize(listener.maxHeaderBytes())
            .maxConnectionIdle(listener.idleTimeout().toMillis(), TimeUnit.MILLISECONDS)
            .addStreamTracerFactory(new TooLargeCounter(metrics));
    if (listener.maxConnectionAge() != null) {
      builder
          .maxConnectionAge(listener.maxConnectionAge().toMillis(), TimeUnit.MILLISECONDS)
          .maxConnectionAgeGrace(MAX_CONNECTION_AGE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    }
    if (tls != null) {
      builder.sslContext(tls);
    }
    builder.addService(
        ServerInterceptors.intercept(
            service(OtlpSignal.METRICS, MetricsServiceGrpc.SERVICE_NAME, handler), gate, auth));
    builder.addService(
        ServerInterceptors.intercept(
            service(OtlpSignal.LOGS, LogsServiceGrpc.SERVICE_NAME, handler), gate, auth));
    builder.addService(
        ServerInterceptors.intercept(
            service(OtlpSignal.TRACES, TraceServiceGrpc.SERVICE_NAME, handler), gate, auth));
    return new GrpcIngestServer(builder.build().start());
  }

  /**
   * Bodies read at once: as many of the largest allowed body as fit in the in-flight bound, so that
   * reading never holds more than the bound (at least 2).
   */
  static int readSlots(IngestSettings.Limits limits) {
    return (int) Math.max(2, Math.min(1024, limits.maxInFlightBytes() / limits.maxRequestBytes()));
  }

  private static ServerServiceDefinition service(
      OtlpSignal signal, String serviceName, Handler handler) {
    MethodDescriptor<Body, Message> export =
        MethodDescriptor.<Body, Message>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(MethodDescriptor.generateFullMethodName(serviceName, "Export"))
            .setRequestMarshaller(BodyMarshaller.INSTANCE)
            .setResponseMarshaller(ProtoUtils.marshaller(signal.response(0, "")))
            .build();
    return ServerServiceDefinition.builder(serviceName)
        .addMethod(
            export, ServerCalls.asyncUnaryCall((body, out) -> handler.export(signal, body, out)))
        .build();
  }

  public int port() {
    return server.getPort();
  }

  /** Stops accepting calls and waits for the ones in progress. */
  @Override
  public void close() {
    server.shutdown();
    try {
      if (!server.awaitTermination(10, TimeUnit.SECONDS)) {
        server.shutdownNow();
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  /** Exports one call's body and answers it. */
  private record Handler(
      ExportPipeline pipeline,
      InFlightLimiter inFlight,
      TenantRateLimiter rates,
      IngestMetrics metrics,
      Duration retryAfter) {

    void export(OtlpSignal signal, Body call, StreamObserver<Message> out) {
      long started = System.nanoTime();
      String label = signal.signal().label();
      if (call.refused() != null) {
        if (call.refused().getCode() != Status.Code.RESOURCE_EXHAUSTED) {
          metrics.rejected(label, "grpc", Reason.MALFORMED); // too large: TooLargeCounter counts
        }
        metrics.answered(label, "grpc", "rejected", 0);
        out.onError(call.refused().asRuntimeException());
        return;
      }
      byte[] body = call.bytes();
      Duration wait = rates.tryAcquire(TENANT.get(), body.length);
      if (wait != null) {
        metrics.rejected(label, "grpc", Reason.RATE_LIMITED);
        metrics.answered(label, "grpc", "rejected", 0);
        // A quota, not an outage: RESOURCE_EXHAUSTED, retryable because it carries RetryInfo.
        out.onError(
            withRetryInfo(
                Code.RESOURCE_EXHAUSTED_VALUE,
                "tenant "
                    + TENANT.get()
                    + " is over its rate limit; retry in "
                    + wait.toMillis()
                    + " ms",
                wait));
        return;
      }
      Reservation reservation = Reservation.tryAcquire(inFlight, body.length);
      if (reservation == null) {
        metrics.rejected(label, "grpc", Reason.THROTTLED);
        metrics.answered(label, "grpc", "rejected", 0);
        out.onError(
            retryable(
                "ingest is at its in-flight limit of " + inFlight.limit() + " bytes; retry later"));
        return;
      }
      String tenant = TENANT.get();
      ExportPipeline.Context context =
          new ExportPipeline.Context(
              signal,
              "grpc",
              tenant,
              Long.toHexString(ThreadLocalRandom.current().nextLong()),
              pipeline.nowMs());
      var unused =
          pipeline
              .export(context, reservation, () -> ExportPipeline.Parsed.protobuf(signal, body))
              .thenAccept(outcome -> answer(signal, outcome, out, started));
    }

    private void answer(
        OtlpSignal signal, ExportOutcome outcome, StreamObserver<Message> out, long started) {
      metrics.outcome(
          signal.signal().label(), "grpc", outcome, (System.nanoTime() - started) / 1e9);
      if (outcome instanceof ExportOutcome.Accepted a) {
        out.onNext(signal.response(a.rejectedItems(), a.message()));
        out.onCompleted();
        return;
      }
      if (outcome instanceof ExportOutcome.Malformed m) {
        out.onError(
            StatusProto.toStatusRuntimeException(
                com.google.rpc.Status.newBuilder()
                    .setCode(Code.INVALID_ARGUMENT_VALUE)
                    .setMessage(m.message())
                    .addDetails(
                        Any.pack(
                            BadRequest.newBuilder()
                                .addFieldViolations(
                                    BadRequest.FieldViolation.newBuilder()
                                        .setField("request")
                                        .setDescription(m.message()))
                                .build()))
                    .build()));
      } else if (outcome instanceof ExportOutcome.TooLarge t) {
        out.onError(Status.RESOURCE_EXHAUSTED.withDescription(t.message()).asRuntimeException());
      } else if (outcome instanceof ExportOutcome.Throttled t) {
        out.onError(retryable(t.message()));
      } else if (outcome instanceof ExportOutcome.Unavailable u) {
        out.onError(retryable(u.message()));
      }
    }

    /** UNAVAILABLE with a RetryInfo: the OTLP way of saying "slow down". */
    io.grpc.StatusRuntimeException retryable(String message) {
      return withRetryInfo(Code.UNAVAILABLE_VALUE, message, retryAfter);
    }

    private static io.grpc.StatusRuntimeException withRetryInfo(
        int code, String message, Duration delay) {
      return StatusProto.toStatusRuntimeException(
          com.google.rpc.Status.newBuilder()
              .setCode(code)
              .setMessage(message)
              .addDetails(
                  Any.pack(
                      RetryInfo.newBuilder()
                          .setRetryDelay(Durations.fromMillis(delay.toMillis()))
                          .build()))
              .build());
    }
  }

  /** Resolves the tenant from call metadata before the call starts; refuses unknown callers. */
  private record TenantInterceptor(TenantResolver tenants, IngestMetrics metrics)
      implements ServerInterceptor {
    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(
        ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
      TenantResolver.Result who =
          tenants.resolve(headers.get(AUTHORIZATION), headers.get(SCOPE_ORG_ID));
      if (who instanceof TenantResolver.Denied denied) {
        metrics.rejected(signalLabel(call), "grpc", Reason.UNAUTHENTICATED);
        call.close(Status.UNAUTHENTICATED.withDescription(denied.message()), new Metadata());
        return new ServerCall.Listener<>() {};
      }
      Context context = Context.current().withValue(TENANT, ((TenantResolver.Tenant) who).id());
      return Contexts.interceptCall(context, call, headers, next);
    }
  }

  private static String signalLabel(ServerCall<?, ?> call) {
    return signalLabel(call.getMethodDescriptor().getFullMethodName());
  }

  /** The {@code signal} metric label of an OTLP service's full method name. */
  private static String signalLabel(String fullMethodName) {
    if (fullMethodName == null) {
      return "none";
    }
    return fullMethodName.contains(".metrics.")
        ? "metrics"
        : fullMethodName.contains(".logs.") ? "logs" : "traces";
  }

  /**
   * Counts calls gRPC itself refused before our handler saw them: for size (a message or, once
   * inflated, a compressed one over the limit) and for a {@code grpc-encoding} it has no
   * decompressor for.
   */
  private static final class TooLargeCounter extends ServerStreamTracer.Factory {
    private final IngestMetrics metrics;

    TooLargeCounter(IngestMetrics metrics) {
      this.metrics = metrics;
    }

    @Override
    public ServerStreamTracer newServerStreamTracer(String fullMethodName, Metadata headers) {
      return new ServerStreamTracer() {
        @Override
        public void streamClosed(Status status) {
          if (status.getCode() == Status.Code.RESOURCE_EXHAUSTED
              && status.getDescription() != null
              && status.getDescription().contains("exceeds maximum")) {
            metrics.rejected(signalLabel(fullMethodName), "grpc", Reason.TOO_LARGE);
          } else if (status.getCode() == Status.Code.UNIMPLEMENTED
              && status.getDescription() != null
              && status.getDescription().startsWith("Can't find decompressor")) {
            metrics.rejected(signalLabel(fullMethodName), "grpc", Reason.UNSUPPORTED_MEDIA_TYPE);
          }
        }
      };
    }
  }

  /**
   * A call's request: its bytes, or why they could not be read — gRPC inflates a compressed message
   * while it is read and stops with RESOURCE_EXHAUSTED once it passes the limit (a gzip bomb), or
   * the compressed bytes are corrupt. Reading happens in the marshaller, where an exception would
   * become UNKNOWN and a SEVERE log line per call, so the refusal is carried to the handler.
   *
   * @param refused null when {@code bytes} is the whole request
   */
  // Carries encoded bytes between steps; never compared or hashed, so array identity is fine.
  @SuppressWarnings("ArrayRecordComponent")
  private record Body(byte[] bytes, Status refused) {}

  /** Passes the request bytes through; parsing happens in the pipeline, like for HTTP. */
  private enum BodyMarshaller implements MethodDescriptor.Marshaller<Body> {
    INSTANCE;

    @Override
    public InputStream stream(Body value) {
      return new ByteArrayInputStream(value.bytes());
    }

    @Override
    public Body parse(InputStream stream) {
      try {
        return new Body(stream.readAllBytes(), null);
      } catch (io.grpc.StatusRuntimeException e) {
        return new Body(null, e.getStatus());
      } catch (IOException e) {
        return new Body(
            null,
            Status.INVALID_ARGUMENT.withDescription(
                "unreadable compressed message: " + e.getMessage()));
      }
    }
  }
}
