package dev.vitals.ingest.pipeline;

import com.google.protobuf.Message;
import dev.vitals.ingest.IngestSettings.Limits;
import dev.vitals.ingest.metrics.IngestMetrics;
import dev.vitals.ingest.metrics.IngestMetrics.Reason;
import dev.vitals.ingest.otlp.OtlpSignal;
import dev.vitals.schemas.ServiceKey;
import dev.vitals.schemas.Topics;
import dev.vitals.schemas.otlp.OtlpResources;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The path every accepted request takes, whatever its transport: parse (on a worker thread), split
 * into one record per resource, key by service, produce, and answer once Kafka acknowledged every
 * record or the Kafka timeout passed. The request's reserved bytes are released only when Kafka has
 * answered for all its records, so a stalled broker fills the in-flight bound and turns into "slow
 * down" answers instead of memory growth.
 */
public final class ExportPipeline implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ExportPipeline.class);
  private static final byte[] PROTOBUF = "application/x-protobuf".getBytes(StandardCharsets.UTF_8);

  private final Producer<byte[], byte[]> producer;
  private final Topics topics;
  private final Limits limits;
  private final IngestMetrics metrics;
  private final ExecutorService workers;
  private final RecordSplitter splitter;
  private final Clock clock;
  private final AtomicBoolean closed = new AtomicBoolean();

  public ExportPipeline(
      Producer<byte[], byte[]> producer,
      Topics topics,
      Limits limits,
      IngestMetrics metrics,
      ExecutorService workers,
      Clock clock) {
    this.producer = producer;
    this.topics = topics;
    this.limits = limits;
    this.metrics = metrics;
    this.workers = workers;
    this.splitter = new RecordSplitter(limits.maxRecordBytes() - 1024);
    this.clock = clock;
  }

  /** Parses a request body; throws {@link MalformedException} with a message for the client. */
  @FunctionalInterface
  public interface Parser {
    Parsed parse() throws MalformedException;
  }

  /**
   * A parsed request, and the items the parser itself refused (such as remote-write series without
   * a name). A binary protobuf request is usually only walked ({@code walk} set, {@code request}
   * null): its resources are sliced out of {@code wire} without a message tree.
   */
  // Carries encoded bytes between steps; never compared or hashed, so array identity is fine.
  @SuppressWarnings("ArrayRecordComponent")
  public record Parsed(
      Message request,
      long rejectedItems,
      String rejectMessage,
      byte[] wire,
      RequestWalker.Walk walk) {
    public Parsed(Message request, long rejectedItems, String rejectMessage) {
      this(request, rejectedItems, rejectMessage, null, null);
    }

    public static Parsed of(Message request) {
      return new Parsed(request, 0, "");
    }

    /**
     * Binary protobuf of the signal's request type: walked in place when {@link RequestWalker}
     * vouches for it, else parsed by protobuf, whose error is then the client's answer.
     */
    public static Parsed protobuf(OtlpSignal signal, byte[] body) throws MalformedException {
      RequestWalker.Walk walk = RequestWalker.of(signal).walk(body);
      if (walk != null) {
        return new Parsed(null, 0, "", body, walk);
      }
      return tree(signal, body);
    }

    /** Binary protobuf parsed into its message tree. */
    static Parsed tree(OtlpSignal signal, byte[] body) throws MalformedException {
      try {
        // Keep the bytes: resources that fit a record are sliced out of them, not re-serialized.
        return new Parsed(signal.parse(body), 0, "", body, null);
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        throw new MalformedException(
            "invalid protobuf "
                + signal.requestPrototype().getDescriptorForType().getName()
                + ": "
                + e.getMessage());
      }
    }

    /** The request as a message tree, parsed from the wire bytes if it was only walked. */
    public Message message(OtlpSignal signal) throws MalformedException {
      return request != null ? request : tree(signal, wire).request();
    }
  }

  /** The body cannot be parsed; the message names the problem. */
  public static class MalformedException extends Exception {
    private static final long serialVersionUID = 1L;

    public MalformedException(String message) {
      super(message);
    }
  }

  /** The body is over the size limit once decompressed. */
  public static final class TooLargeException extends MalformedException {
    private static final long serialVersionUID = 1L;

    public TooLargeException(String message) {
      super(message);
    }
  }

  /** The in-flight bound is reached while decompressing: retry later. */
  public static final class ThrottledException extends MalformedException {
    private static final long serialVersionUID = 1L;

    public ThrottledException(String message) {
      super(message);
    }
  }

  /** Who sent what: the parts of a request that every transport knows. */
  public record Context(
      OtlpSignal signal, String transport, String tenant, String requestId, long receivedMs) {}

  /**
   * Exports one request. The caller's {@code reservation} is released here once Kafka has answered
   * for every record (or the request failed). The future never completes exceptionally.
   */
  public CompletableFuture<ExportOutcome> export(
      Context context, Reservation reservation, Parser parser) {
    if (closed.get()) {
      reservation.release();
      return CompletableFuture.completedFuture(
          new ExportOutcome.Unavailable("ingest is shutting down; retry against another instance"));
    }
    CompletableFuture<ExportOutcome> answer = new CompletableFuture<>();
    try {
      workers.execute(() -> run(context, reservation, parser, answer));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      reservation.release();
      answer.complete(new ExportOutcome.Unavailable("ingest is shutting down"));
    }
    return answer.completeOnTimeout(
        new ExportOutcome.Unavailable(
            "Kafka did not acknowledge within " + limits.kafkaTimeout().toMillis() + " ms"),
        limits.kafkaTimeout().toMillis(),
        TimeUnit.MILLISECONDS);
  }

  @SuppressWarnings(
      "FutureReturnValueIgnored") // the callbacks complete `answer`, which the caller holds
  private void run(
      Context context,
      Reservation reservation,
      Parser parser,
      CompletableFuture<ExportOutcome> answer) {
    Parsed parsed;
    try {
      parsed = parser.parse();
    } catch (MalformedException e) {
      reservation.release();
      answer.complete(
          e instanceof TooLargeException
              ? new ExportOutcome.TooLarge(e.getMessage())
              : e instanceof ThrottledException
                  ? new ExportOutcome.Throttled(e.getMessage())
                  : new ExportOutcome.Malformed(e.getMessage()));
      return;
    } catch (RuntimeException e) {
      // Input a parser did not foresee: still the client's fault (400), and a bug of ours worth
      // one line saying where, never a stack trace per request nor our class names to the client.
      reservation.release();
      log.warn(
          "request {}: a parser failed on its input: {} at {}",
          context.requestId(),
          e,
          e.getStackTrace().length > 0 ? e.getStackTrace()[0] : "?");
      answer.complete(new ExportOutcome.Malformed("cannot parse the request"));
      return;
    }
    RecordSplitter.Split split;
    try {
      split = splitter.split(context.signal(), parsed);
    } catch (MalformedException e) {
      // Only when a walked request, parsed after all for a resource over the record limit, is
      // refused by protobuf: the walker vouched wrongly (a bug of ours), protobuf's error stands.
      reservation.release();
      log.warn("request {}: walked, then refused by protobuf", context.requestId());
      answer.complete(new ExportOutcome.Malformed(e.getMessage()));
      return;
    }
    long items = split.items();
    CompletableFuture<Void> acked = publish(context, split.parts());
    acked.whenComplete(
        (ok, error) -> {
          reservation.release();
          if (error == null) {
            answer.complete(accepted(context, items, split.rejectedItems(), parsed));
            return;
          }
          Throwable cause =
              error instanceof java.util.concurrent.CompletionException ? error.getCause() : error;
          // A request already answered by the timeout was counted there, once.
          if (answer.complete(
              new ExportOutcome.Unavailable(
                  "Kafka did not acknowledge the data: " + cause.getMessage()))) {
            metrics.kafkaError(cause);
          }
        });
    answer.whenComplete(
        (outcome, error) -> {
          if (outcome instanceof ExportOutcome.Unavailable && !acked.isDone()) {
            metrics.kafkaError(new TimeoutException());
          }
        });
  }

  private ExportOutcome accepted(Context context, long items, long tooLarge, Parsed parsed) {
    String message = parsed.rejectMessage();
    if (tooLarge > 0) {
      metrics.rejectedItems(context.signal().signal().label(), Reason.RECORD_TOO_LARGE, tooLarge);
      message =
          (message.isEmpty() ? "" : message + "; ")
              + tooLarge
              + " "
              + context.signal().itemNoun()
              + " rejected: each alone is larger than the "
              + limits.maxRecordBytes()
              + "-byte Kafka record limit";
    }
    return new ExportOutcome.Accepted(items - tooLarge, tooLarge + parsed.rejectedItems(), message);
  }

  @SuppressWarnings("FutureReturnValueIgnored") // send()'s callback completes each `sent`
  private CompletableFuture<Void> publish(Context context, List<RecordSplitter.Part> parts) {
    String topic = topics.raw(context.signal().signal());
    List<CompletableFuture<Void>> sends = new ArrayList<>(parts.size());
    byte[] tenant = context.tenant().getBytes(StandardCharsets.UTF_8);
    byte[] requestId = context.requestId().getBytes(StandardCharsets.UTF_8);
    byte[] received = Long.toString(context.receivedMs()).getBytes(StandardCharsets.UTF_8);
    for (RecordSplitter.Part part : parts) {
      ServiceKey key = OtlpResources.serviceKey(context.tenant(), part.resource());
      RecordHeaders headers = new RecordHeaders();
      headers.add(Topics.HEADER_TENANT, tenant);
      headers.add(Topics.HEADER_REQUEST_ID, requestId);
      headers.add(Topics.HEADER_RECEIVED_MS, received);
      headers.add(Topics.HEADER_CONTENT_TYPE, PROTOBUF);
      ProducerRecord<byte[], byte[]> record =
          new ProducerRecord<>(topic, null, null, key.toBytes(), part.value(), headers);
      CompletableFuture<Void> sent = new CompletableFuture<>();
      sends.add(sent);
      try {
        producer.send(
            record,
            (metadata, error) -> {
              if (error == null) {
                metrics.produced(topic, 1, part.value().length);
                sent.complete(null);
              } else {
                sent.completeExceptionally(error);
              }
            });
      } catch (RuntimeException e) {
        // Metadata not available within max.block.ms, or the producer is closed: fail the rest
        // at once rather than block once per record.
        sent.completeExceptionally(e);
        break;
      }
    }
    return CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new));
  }

  /** A raw topic whose metadata tells whether Kafka answers. */
  public String rawTopicForReadiness() {
    return topics.raw(dev.vitals.schemas.Signal.METRICS);
  }

  public long nowMs() {
    return clock.millis();
  }

  /** Stops taking requests; those already taken finish, then the producer flushes and closes. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    workers.shutdown();
    try {
      if (!workers.awaitTermination(limits.kafkaTimeout().toMillis() * 2, TimeUnit.MILLISECONDS)) {
        log.warn("ingest workers did not finish in time");
      }
      producer.flush();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      producer.close(java.time.Duration.ofSeconds(30));
    }
  }
}
