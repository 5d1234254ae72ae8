package dev.vitals.ingest;

import dev.vitals.ingest.auth.TenantRateLimiter;
import dev.vitals.ingest.grpc.GrpcIngestServer;
import dev.vitals.ingest.http.HttpIngestServer;
import dev.vitals.ingest.metrics.IngestMetrics;
import dev.vitals.ingest.pipeline.ExportPipeline;
import dev.vitals.ingest.pipeline.InFlightLimiter;
import dev.vitals.ingest.pipeline.KafkaProducers;
import dev.vitals.ingest.tls.TlsContexts;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest stage: OTLP/gRPC, OTLP/HTTP and remote write in, Kafka out. Start it with {@link
 * #start}; {@link #close()} stops accepting, waits for Kafka to acknowledge what is in flight, and
 * closes the producer.
 */
public final class IngestStage implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(IngestStage.class);

  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final ExecutorService grpcExecutor;
  private final java.util.concurrent.ScheduledExecutorService timer;
  private final ExportPipeline pipeline;
  private final HttpIngestServer http;
  private final GrpcIngestServer grpc;
  private final Producer<byte[], byte[]> producer;
  private final AtomicBoolean closed = new AtomicBoolean();

  private IngestStage(
      EventLoopGroup boss,
      EventLoopGroup workers,
      ExecutorService grpcExecutor,
      java.util.concurrent.ScheduledExecutorService timer,
      ExportPipeline pipeline,
      HttpIngestServer http,
      GrpcIngestServer grpc,
      Producer<byte[], byte[]> producer) {
    this.boss = boss;
    this.workers = workers;
    this.grpcExecutor = grpcExecutor;
    this.timer = timer;
    this.pipeline = pipeline;
    this.http = http;
    this.grpc = grpc;
    this.producer = producer;
  }

  /**
   * Starts both listeners.
   *
   * @param kafka producer properties (at least {@code bootstrap.servers}); the delivery settings
   *     that keep acknowledged data safe are set here and cannot be overridden
   * @param registry where the stage's metrics are registered
   */
  public static IngestStage start(
      IngestSettings settings, Map<String, Object> kafka, PrometheusRegistry registry)
      throws IOException {
    return start(settings, KafkaProducers.create(kafka, settings.limits()), registry);
  }

  /** Starts with a given producer (tests and benchmarks). */
  public static IngestStage start(
      IngestSettings settings, Producer<byte[], byte[]> producer, PrometheusRegistry registry)
      throws IOException {
    int cores = Runtime.getRuntime().availableProcessors();
    InFlightLimiter inFlight = new InFlightLimiter(settings.limits().maxInFlightBytes());
    // One bucket per tenant across both listeners.
    TenantRateLimiter rates =
        new TenantRateLimiter(
            settings.limits().tenantBytesPerSecond(),
            settings.limits().tenantBurstBytes(),
            System::nanoTime);
    IngestMetrics metrics =
        new IngestMetrics(registry, inFlight::used, settings.limits().maxInFlightBytes());
    ExportPipeline pipeline =
        new ExportPipeline(
            producer,
            settings.topics(),
            settings.limits(),
            metrics,
            Executors.newFixedThreadPool(Math.max(2, cores), threads("vitals-ingest-worker")),
            Clock.systemUTC());
    EventLoopGroup boss = new NioEventLoopGroup(1, threads("vitals-ingest-accept"));
    EventLoopGroup workers = new NioEventLoopGroup(Math.max(2, cores), threads("vitals-ingest-io"));
    ExecutorService grpcExecutor =
        Executors.newFixedThreadPool(Math.max(2, cores), threads("vitals-ingest-grpc"));
    java.util.concurrent.ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(threads("vitals-ingest-timer"));
    HttpIngestServer http = null;
    try {
      SslContext httpTls = settings.tls() == null ? null : TlsContexts.forHttp(settings.tls());
      SslContext grpcTls = settings.tls() == null ? null : TlsContexts.forGrpc(settings.tls());
      http =
          HttpIngestServer.start(
              settings, httpTls, boss, workers, pipeline, inFlight, rates, metrics);
      GrpcIngestServer grpc =
          GrpcIngestServer.start(
              settings,
              grpcTls,
              boss,
              workers,
              grpcExecutor,
              timer,
              pipeline,
              inFlight,
              rates,
              metrics);
      log.info(
          "ingest listening: OTLP/gRPC on {}:{}, OTLP/HTTP and remote write on {}:{}{}",
          settings.grpc().host(),
          grpc.port(),
          settings.http().host(),
          http.port(),
          settings.tls() == null ? "" : " (TLS, client auth " + settings.tls().clientAuth() + ")");
      return new IngestStage(boss, workers, grpcExecutor, timer, pipeline, http, grpc, producer);
    } catch (IOException | RuntimeException | InterruptedException e) {
      if (http != null) {
        http.close();
      }
      pipeline.close();
      grpcExecutor.shutdownNow();
      timer.shutdownNow();
      var unusedBoss = boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      var unusedWorkers = workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw e instanceof IOException io ? io : new IOException("cannot start ingest: " + e, e);
    }
  }

  private static ThreadFactory threads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** The bound gRPC port (useful with port 0). */
  public int grpcPort() {
    return grpc.port();
  }

  /** The bound HTTP port (useful with port 0). */
  public int httpPort() {
    return http.port();
  }

  /** True while both listeners are up and Kafka has answered for its cluster metadata. */
  public boolean ready() {
    if (closed.get()) {
      return false;
    }
    try {
      producer.partitionsFor(pipeline.rawTopicForReadiness());
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /**
   * Graceful shutdown: stop accepting connections, finish the requests already taken (each waits
   * for Kafka's acknowledgement), flush and close the producer, then stop the event loops.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    log.info("ingest stopping: no new requests; finishing those in flight");
    http.close();
    grpc.close();
    pipeline.close();
    grpcExecutor.shutdown();
    timer.shutdown();
    boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    log.info("ingest stopped");
  }
}
