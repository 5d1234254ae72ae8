package dev.vitals.loadgen;

import dev.vitals.schemas.Signal;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Exemplar;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Turns one step of one service into the OTLP requests its SDK would export. */
final class StepExports {

  static final String METRIC = "http.server.request.duration";

  private final ServiceModel service;
  private final GeneratorSettings settings;
  private final long startNanos;
  private final long endNanos;
  private final List<TracedRequest> spans;
  private final ServiceModel.StepRequests step;

  StepExports(
      ServiceModel service,
      GeneratorSettings settings,
      Instant start,
      Instant end,
      ServiceModel.StepRequests step) {
    this.service = service;
    this.settings = settings;
    this.startNanos = Otlp.nanos(start);
    this.endNanos = Otlp.nanos(end);
    this.step = step;
    List<TracedRequest> kept = new ArrayList<>(step.sampled());
    kept.addAll(step.failed().subList(0, Math.min(settings.spansPerStep(), step.failed().size())));
    kept.sort(Comparator.comparingLong(t -> t.request().startNanos()));
    this.spans = kept;
  }

  /** The step's requests: metrics, then traces and logs when there are any. */
  List<OtlpExport> exports() {
    List<OtlpExport> out = new ArrayList<>(3);
    ExportMetricsServiceRequest metrics = metrics();
    if (metrics != null) {
      out.add(new OtlpExport(Signal.METRICS, service.name(), metrics));
    }
    if (!spans.isEmpty()) {
      CallSpans calls = new CallSpans(service);
      out.add(new OtlpExport(Signal.TRACES, service.name(), traces(calls)));
      out.addAll(calls.calleeExports());
    }
    List<LogRecord> logs = logRecords();
    if (!logs.isEmpty()) {
      out.add(new OtlpExport(Signal.LOGS, service.name(), logs(logs)));
    }
    return out;
  }

  private ExportMetricsServiceRequest metrics() {
    Metric.Builder metric =
        Metric.newBuilder()
            .setName(METRIC)
            .setUnit("s")
            .setDescription("Duration of HTTP server requests.");
    AggregationTemporality temporality =
        settings.temporality() == Temporality.CUMULATIVE
            ? AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE
            : AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA;
    if (settings.histogram() == HistogramKind.EXPLICIT) {
      metric.getHistogramBuilder().setAggregationTemporality(temporality);
    } else {
      metric.getExponentialHistogramBuilder().setAggregationTemporality(temporality);
    }
    long pointStart =
        settings.temporality() == Temporality.CUMULATIVE
            ? Otlp.nanos(service.processStart())
            : startNanos;
    Map<Integer, List<Exemplar>> exemplars = exemplars();
    int points = 0;
    for (Map.Entry<Integer, LatencyHistogram> e : service.series().entrySet()) {
      if (e.getValue().count() == 0) {
        continue;
      }
      List<Exemplar> ex = exemplars.getOrDefault(e.getKey(), List.of());
      e.getValue().addPoint(metric, pointAttributes(e.getKey()), pointStart, endNanos, ex);
      points++;
    }
    if (points == 0) {
      return null;
    }
    return ExportMetricsServiceRequest.newBuilder()
        .addResourceMetrics(
            ResourceMetrics.newBuilder()
                .setResource(service.resource())
                .addScopeMetrics(ScopeMetrics.newBuilder().setScope(Otlp.SCOPE).addMetrics(metric)))
        .build();
  }

  private List<KeyValue> pointAttributes(int seriesKey) {
    Route route = service.routes().get(seriesKey / 1000);
    int status = seriesKey % 1000;
    List<KeyValue> attributes = new ArrayList<>(5);
    attributes.add(Otlp.attr("http.request.method", route.method()));
    attributes.add(Otlp.attr("http.route", route.path()));
    attributes.add(Otlp.attr("http.response.status_code", status));
    attributes.add(Otlp.attr("url.scheme", "http"));
    if (status >= 500) {
      attributes.add(Otlp.attr("error.type", Integer.toString(status)));
    }
    return attributes;
  }

  /** The first span of each series this step, as an exemplar of its point. */
  private Map<Integer, List<Exemplar>> exemplars() {
    Map<Integer, List<Exemplar>> out = new HashMap<>();
    for (TracedRequest t : spans) {
      out.computeIfAbsent(
          t.request().seriesKey(),
          k ->
              List.of(
                  Exemplar.newBuilder()
                      .setTimeUnixNano(endOf(t))
                      .setAsDouble(t.request().seconds())
                      .setTraceId(Otlp.traceId(t.traceHigh(), t.traceLow()))
                      .setSpanId(Otlp.spanId(t.spanId()))
                      .build()));
    }
    return out;
  }

  private ExportTraceServiceRequest traces(CallSpans calls) {
    ScopeSpans.Builder scope = ScopeSpans.newBuilder().setScope(Otlp.SCOPE);
    for (TracedRequest t : spans) {
      Span server = span(t);
      scope.addSpans(server);
      scope.addAllSpans(calls.of(t, server));
    }
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(
            ResourceSpans.newBuilder().setResource(service.resource()).addScopeSpans(scope))
        .build();
  }

  private Span span(TracedRequest t) {
    Request r = t.request();
    Route route = service.routes().get(r.routeIndex());
    Span.Builder span =
        Span.newBuilder()
            .setTraceId(Otlp.traceId(t.traceHigh(), t.traceLow()))
            .setSpanId(Otlp.spanId(t.spanId()))
            .setName(route.spanName())
            .setKind(Span.SpanKind.SPAN_KIND_SERVER)
            .setStartTimeUnixNano(startNanos + r.startNanos())
            .setEndTimeUnixNano(endOf(t))
            .addAttributes(Otlp.attr("http.request.method", route.method()))
            .addAttributes(Otlp.attr("http.route", route.path()))
            .addAttributes(Otlp.attr("url.path", route.samplePath(t.spanId() >>> 48)))
            .addAttributes(Otlp.attr("url.scheme", "http"))
            .addAttributes(Otlp.attr("http.response.status_code", r.status()));
    if (service.called()) {
      // Its callers' traces hold its calls from them; its own sample is of requests whose caller's
      // span was not kept: a remote parent that is not sent.
      span.setParentSpanId(Otlp.spanId(CallSpans.mix(t.spanId(), 0)));
    }
    if (r.failed()) {
      span.addAttributes(Otlp.attr("error.type", Integer.toString(r.status())))
          .setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR));
    }
    return span.build();
  }

  private List<LogRecord> logRecords() {
    List<TracedRequest> info = spans.stream().filter(t -> !t.request().failed()).toList();
    List<LogRecord> records = new ArrayList<>();
    for (TracedRequest t : info.subList(0, Math.min(settings.infoLogsPerStep(), info.size()))) {
      records.add(log(t, SeverityNumber.SEVERITY_NUMBER_INFO, "INFO", accessLine(t)));
    }
    for (TracedRequest t : step.failed()) {
      String message =
          ErrorMessages.of(t, service.routes().get(t.request().routeIndex()), service.upstream());
      records.add(log(t, SeverityNumber.SEVERITY_NUMBER_ERROR, "ERROR", message));
    }
    records.sort(Comparator.comparingLong(LogRecord::getTimeUnixNano));
    return records;
  }

  private String accessLine(TracedRequest t) {
    Route route = service.routes().get(t.request().routeIndex());
    return String.format(
        java.util.Locale.ROOT,
        "%s %s %d %d ms",
        route.method(),
        route.samplePath(t.spanId() >>> 48),
        t.request().status(),
        Math.round(t.request().seconds() * 1000));
  }

  private LogRecord log(TracedRequest t, SeverityNumber severity, String text, String message) {
    Route route = service.routes().get(t.request().routeIndex());
    LogRecord.Builder record =
        LogRecord.newBuilder()
            .setTimeUnixNano(endOf(t))
            .setObservedTimeUnixNano(endOf(t))
            .setSeverityNumber(severity)
            .setSeverityText(text)
            .setBody(AnyValue.newBuilder().setStringValue(message))
            .setTraceId(Otlp.traceId(t.traceHigh(), t.traceLow()))
            .setSpanId(Otlp.spanId(t.spanId()))
            .setFlags(1)
            .addAttributes(Otlp.attr("http.route", route.path()))
            .addAttributes(Otlp.attr("http.response.status_code", t.request().status()));
    ErrorMessages.exceptionType(t)
        .ifPresent(type -> record.addAttributes(Otlp.attr("exception.type", type)));
    return record.build();
  }

  private ExportLogsServiceRequest logs(List<LogRecord> records) {
    return ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(
            ResourceLogs.newBuilder()
                .setResource(service.resource())
                .addScopeLogs(
                    ScopeLogs.newBuilder().setScope(Otlp.SCOPE).addAllLogRecords(records)))
        .build();
  }

  private long endOf(TracedRequest t) {
    return startNanos + t.request().startNanos() + Math.round(t.request().seconds() * 1e9);
  }
}
