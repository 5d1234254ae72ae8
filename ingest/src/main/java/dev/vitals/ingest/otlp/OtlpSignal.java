package dev.vitals.ingest.otlp;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.vitals.schemas.Signal;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsPartialSuccess;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsPartialSuccess;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;

/**
 * What differs between the three OTLP signals: the request and response types, how items (data
 * points, log records, spans) are counted, and how a partial success is written. Everything else
 * (splitting, keying, producing) works on {@link Message} and the shared field layout: a request's
 * field 1 is its resource entries, an entry's field 1 is its Resource and field 2 its scopes, a
 * scope's field 2 its items.
 */
public enum OtlpSignal {
  METRICS(Signal.METRICS, ExportMetricsServiceRequest.getDefaultInstance(), "data points") {
    @Override
    public long countItems(Message request) {
      long n = 0;
      for (ResourceMetrics rm : ((ExportMetricsServiceRequest) request).getResourceMetricsList()) {
        for (ScopeMetrics sm : rm.getScopeMetricsList()) {
          for (Metric m : sm.getMetricsList()) {
            n += dataPointCount(m);
          }
        }
      }
      return n;
    }

    @Override
    public Message response(long rejected, String message) {
      var b = ExportMetricsServiceResponse.newBuilder();
      if (rejected > 0 || !message.isEmpty()) {
        b.setPartialSuccess(
            ExportMetricsPartialSuccess.newBuilder()
                .setRejectedDataPoints(rejected)
                .setErrorMessage(message));
      }
      return b.build();
    }
  },

  LOGS(Signal.LOGS, ExportLogsServiceRequest.getDefaultInstance(), "log records") {
    @Override
    public long countItems(Message request) {
      long n = 0;
      for (ResourceLogs rl : ((ExportLogsServiceRequest) request).getResourceLogsList()) {
        for (ScopeLogs sl : rl.getScopeLogsList()) {
          n += sl.getLogRecordsCount();
        }
      }
      return n;
    }

    @Override
    public Message response(long rejected, String message) {
      var b = ExportLogsServiceResponse.newBuilder();
      if (rejected > 0 || !message.isEmpty()) {
        b.setPartialSuccess(
            ExportLogsPartialSuccess.newBuilder()
                .setRejectedLogRecords(rejected)
                .setErrorMessage(message));
      }
      return b.build();
    }
  },

  TRACES(Signal.TRACES, ExportTraceServiceRequest.getDefaultInstance(), "spans") {
    @Override
    public long countItems(Message request) {
      long n = 0;
      for (ResourceSpans rs : ((ExportTraceServiceRequest) request).getResourceSpansList()) {
        for (ScopeSpans ss : rs.getScopeSpansList()) {
          n += ss.getSpansCount();
        }
      }
      return n;
    }

    @Override
    public Message response(long rejected, String message) {
      var b = ExportTraceServiceResponse.newBuilder();
      if (rejected > 0 || !message.isEmpty()) {
        b.setPartialSuccess(
            ExportTracePartialSuccess.newBuilder()
                .setRejectedSpans(rejected)
                .setErrorMessage(message));
      }
      return b.build();
    }
  };

  private final Signal signal;
  private final Message requestPrototype;
  private final String itemNoun;

  OtlpSignal(Signal signal, Message requestPrototype, String itemNoun) {
    this.signal = signal;
    this.requestPrototype = requestPrototype;
    this.itemNoun = itemNoun;
  }

  public Signal signal() {
    return signal;
  }

  /** An empty request of this signal's type, to build or parse from. */
  public Message requestPrototype() {
    return requestPrototype;
  }

  /** The request's repeated field of resource entries (field 1 in every signal). */
  public FieldDescriptor resourcesField() {
    return requestPrototype.getDescriptorForType().findFieldByNumber(1);
  }

  /** "data points", "log records" or "spans": what partial-success messages count. */
  public String itemNoun() {
    return itemNoun;
  }

  /** Parses binary protobuf. */
  public Message parse(byte[] body) throws InvalidProtocolBufferException {
    return requestPrototype.getParserForType().parseFrom(body);
  }

  /** The number of data points, log records or spans in a request of this signal. */
  public abstract long countItems(Message request);

  /**
   * The export response: full success when {@code rejected} is 0 and {@code message} is empty, else
   * a partial success.
   */
  public abstract Message response(long rejected, String message);

  /** The data points of one metric, whatever its type. */
  public static int dataPointCount(Metric m) {
    return switch (m.getDataCase()) {
      case GAUGE -> m.getGauge().getDataPointsCount();
      case SUM -> m.getSum().getDataPointsCount();
      case HISTOGRAM -> m.getHistogram().getDataPointsCount();
      case EXPONENTIAL_HISTOGRAM -> m.getExponentialHistogram().getDataPointsCount();
      case SUMMARY -> m.getSummary().getDataPointsCount();
      case DATA_NOT_SET -> 0;
    };
  }
}
