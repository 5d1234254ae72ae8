package dev.vitals.bench.faults;

import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** The spans in the raw topic {@code otlp_spans}, counted per ledger id. */
final class RawSpans {

  private final Map<Long, Integer> spansByAttempt = new ConcurrentHashMap<>();
  private final AtomicLong records = new AtomicLong();
  private final AtomicLong unreadable = new AtomicLong();

  void accept(ConsumerRecord<byte[], byte[]> record) {
    records.incrementAndGet();
    try {
      ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(record.value());
      for (ResourceSpans rs : request.getResourceSpansList()) {
        for (ScopeSpans ss : rs.getScopeSpansList()) {
          for (Span span : ss.getSpansList()) {
            long spanId = ByteBuffer.wrap(span.getSpanId().toByteArray()).getLong();
            spansByAttempt.merge(SpanRequests.attemptOf(spanId), 1, Integer::sum);
          }
        }
      }
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      unreadable.incrementAndGet();
    }
  }

  /** How many spans of the attempt are in the topic (0 when none). */
  int spansOf(long attempt) {
    return spansByAttempt.getOrDefault(attempt, 0);
  }

  long records() {
    return records.get();
  }
}
