package dev.vitals.loadgen;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.Message;
import dev.vitals.schemas.Signal;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;

/**
 * One OTLP export request of one service: an {@code ExportMetricsServiceRequest}, {@code
 * ExportTraceServiceRequest} or {@code ExportLogsServiceRequest}, as an SDK would send it.
 */
public record OtlpExport(Signal signal, String service, Message request) {

  public OtlpExport {
    requireNonNull(signal, "signal");
    requireNonNull(service, "service");
    requireNonNull(request, "request");
  }

  public ExportMetricsServiceRequest metrics() {
    return (ExportMetricsServiceRequest) request;
  }

  public ExportTraceServiceRequest traces() {
    return (ExportTraceServiceRequest) request;
  }

  public ExportLogsServiceRequest logs() {
    return (ExportLogsServiceRequest) request;
  }
}
