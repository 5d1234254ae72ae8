package dev.vitals.streams.graph;

import dev.vitals.schemas.ServiceKey;
import dev.vitals.schemas.Topics;
import dev.vitals.schemas.otlp.OtlpResources;
import dev.vitals.schemas.signals.EdgeWindow;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Reads the raw spans topic (the raw stream carries all three raw topics; others are passed by) and
 * forwards one {@link SpanHalf} per CLIENT, PRODUCER, SERVER or CONSUMER span, keyed by tenant and
 * trace id for the repartition that brings every span of a trace to one task. Internal spans and
 * spans without valid ids are skipped; a record that does not parse is left to the window topology,
 * which dead-letters it.
 */
final class SpanSplitter implements Processor<byte[], byte[], byte[], SpanHalf> {

  static final String DEFAULT_TENANT = "default";
  private static final int TRACE_ID_BYTES = 16;
  private static final int SPAN_ID_BYTES = 8;

  private final String spansTopic;
  private final GraphMetrics metrics;
  private ProcessorContext<byte[], SpanHalf> context;

  SpanSplitter(Topics topics, GraphMetrics metrics) {
    this.spansTopic = topics.raw(dev.vitals.schemas.Signal.TRACES);
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<byte[], SpanHalf> context) {
    this.context = context;
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    String topic = context.recordMetadata().map(RecordMetadata::topic).orElse("");
    if (!topic.equals(spansTopic) || record.value() == null) {
      return;
    }
    ExportTraceServiceRequest request;
    try {
      request = ExportTraceServiceRequest.parseFrom(record.value());
    } catch (Exception e) {
      return;
    }
    String tenant = tenant(record);
    for (ResourceSpans rs : request.getResourceSpansList()) {
      ServiceKey service = OtlpResources.serviceKey(tenant, rs.getResource());
      EdgeWindow.Node node = EdgeWindow.Node.service(service.namespace(), service.name());
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        for (Span span : ss.getSpansList()) {
          SpanHalf half = half(tenant, node, span, record.timestamp());
          if (half != null) {
            metrics.spanIn(half.caller());
            context.forward(record.withKey(half.traceKey()).withValue(half));
          }
        }
      }
    }
  }

  static SpanHalf half(String tenant, EdgeWindow.Node node, Span span, long recordTimestamp) {
    boolean caller;
    boolean messaging;
    switch (span.getKind()) {
      case SPAN_KIND_CLIENT -> {
        caller = true;
        messaging = false;
      }
      case SPAN_KIND_PRODUCER -> {
        caller = true;
        messaging = true;
      }
      case SPAN_KIND_SERVER -> {
        caller = false;
        messaging = false;
      }
      case SPAN_KIND_CONSUMER -> {
        caller = false;
        messaging = true;
      }
      default -> {
        return null;
      }
    }
    if (span.getTraceId().size() != TRACE_ID_BYTES || span.getSpanId().size() != SPAN_ID_BYTES) {
      return null;
    }
    byte[] parent =
        span.getParentSpanId().size() == SPAN_ID_BYTES
            ? span.getParentSpanId().toByteArray()
            : new byte[0];
    long endNanos = span.getEndTimeUnixNano();
    long endMs = endNanos > 0 ? endNanos / 1_000_000 : recordTimestamp;
    long duration = Math.max(0, endNanos - span.getStartTimeUnixNano());
    EdgeWindow.Node peer = caller ? PeerNames.peer(span.getAttributesList()) : null;
    String peerType =
        peer == null ? null : PeerNames.connectionType(span.getAttributesList(), messaging);
    return new SpanHalf(
        tenant,
        node,
        caller,
        messaging,
        span.getTraceId().toByteArray(),
        span.getSpanId().toByteArray(),
        parent,
        endMs,
        duration,
        span.getStatus().getCode() == Status.StatusCode.STATUS_CODE_ERROR,
        peer,
        peerType);
  }

  static String tenant(Record<byte[], byte[]> record) {
    Header h = record.headers().lastHeader(Topics.HEADER_TENANT);
    if (h != null && h.value() != null && h.value().length > 0) {
      String t = new String(h.value(), StandardCharsets.UTF_8);
      if (t.indexOf('/') < 0) {
        return t;
      }
    }
    if (record.key() != null && record.key().length > 0) {
      try {
        return ServiceKey.parse(new String(record.key(), StandardCharsets.UTF_8)).tenant();
      } catch (IllegalArgumentException e) {
        return DEFAULT_TENANT;
      }
    }
    return DEFAULT_TENANT;
  }
}
