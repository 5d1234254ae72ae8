package dev.vitals.streams.window;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.vitals.schemas.Signal;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.resource.v1.Resource;

/** The three OTLP export requests seen alike: parse, count and pick resources. */
final class OtlpRequests {

  private OtlpRequests() {}

  static Message parse(Signal signal, byte[] bytes) throws InvalidProtocolBufferException {
    switch (signal) {
      case METRICS:
        return ExportMetricsServiceRequest.parseFrom(bytes);
      case LOGS:
        return ExportLogsServiceRequest.parseFrom(bytes);
      case TRACES:
        return ExportTraceServiceRequest.parseFrom(bytes);
      default:
        throw new IllegalArgumentException("signal: " + signal);
    }
  }

  /** A metrics record read in place ({@link MetricsRecord}), a protobuf request otherwise. */
  static Object read(Signal signal, byte[] bytes) throws InvalidProtocolBufferException {
    return signal == Signal.METRICS ? MetricsRecord.read(bytes) : parse(signal, bytes);
  }

  static int resourceCount(Object request) {
    if (request instanceof MetricsRecord) {
      return ((MetricsRecord) request).resources.size();
    }
    if (request instanceof ExportMetricsServiceRequest) {
      return ((ExportMetricsServiceRequest) request).getResourceMetricsCount();
    }
    if (request instanceof ExportLogsServiceRequest) {
      return ((ExportLogsServiceRequest) request).getResourceLogsCount();
    }
    return ((ExportTraceServiceRequest) request).getResourceSpansCount();
  }

  static Resource resource(Object request, int i) {
    if (request instanceof MetricsRecord) {
      return ((MetricsRecord) request).resources.get(i).resource();
    }
    if (request instanceof ExportMetricsServiceRequest) {
      return ((ExportMetricsServiceRequest) request).getResourceMetrics(i).getResource();
    }
    if (request instanceof ExportLogsServiceRequest) {
      return ((ExportLogsServiceRequest) request).getResourceLogs(i).getResource();
    }
    return ((ExportTraceServiceRequest) request).getResourceSpans(i).getResource();
  }

  /** A request holding only the i-th resource of {@code request}. */
  static Message only(Message request, int i) {
    if (request instanceof ExportMetricsServiceRequest) {
      return ExportMetricsServiceRequest.newBuilder()
          .addResourceMetrics(((ExportMetricsServiceRequest) request).getResourceMetrics(i))
          .build();
    }
    if (request instanceof ExportLogsServiceRequest) {
      return ExportLogsServiceRequest.newBuilder()
          .addResourceLogs(((ExportLogsServiceRequest) request).getResourceLogs(i))
          .build();
    }
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(((ExportTraceServiceRequest) request).getResourceSpans(i))
        .build();
  }
}
