package dev.vitals.streams.slo;

import dev.vitals.schemas.signals.ServiceWindow;
import dev.vitals.streams.sketch.LatencySketch;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Service windows for tests. */
final class Windows {

  static final String TENANT = "acme";
  static final String NAMESPACE = "shop";

  private Windows() {}

  static ServiceWindow of(
      String service, Instant start, Duration length, long requests, long errors) {
    return of(service, null, start, length, requests, errors, null, List.of(), List.of());
  }

  static ServiceWindow of(
      String service,
      String operation,
      Instant start,
      Duration length,
      long requests,
      long errors,
      String sketch,
      List<String> sampleErrors,
      List<String> traces) {
    ServiceWindow.Latency latency =
        requests == 0 ? null : new ServiceWindow.Latency(0.1, 0.2, 0.3, 0.4, sketch);
    return new ServiceWindow(
        TENANT,
        NAMESPACE,
        service,
        operation,
        start,
        start.plus(length),
        0,
        requests,
        errors,
        latency,
        Map.of("INFO", requests),
        requests,
        errors,
        sampleErrors,
        traces,
        false);
  }

  static ServiceWindow withLatency(
      String service, Instant start, Duration length, LatencySketch sketch) {
    return of(
        service, null, start, length, sketch.count(), 0, sketch.toBase64(), List.of(), List.of());
  }

  static ServiceWindow silent(String service, Instant start, Duration length) {
    return new ServiceWindow(
        TENANT,
        NAMESPACE,
        service,
        null,
        start,
        start.plus(length),
        0,
        0,
        0,
        null,
        Map.of(),
        0,
        0,
        List.of(),
        List.of(),
        true);
  }

  static ServiceWindow revised(ServiceWindow w, int revision, long requests, long errors) {
    return new ServiceWindow(
        w.tenant(),
        w.namespace(),
        w.service(),
        w.operation(),
        w.windowStart(),
        w.windowEnd(),
        revision,
        requests,
        errors,
        w.latency(),
        w.logs(),
        w.spans(),
        w.errorSpans(),
        w.sampleErrors(),
        w.exemplarTraceIds(),
        w.silent());
  }

  static LatencySketch sketch(long n, double seconds) {
    LatencySketch s = new LatencySketch();
    s.record(seconds, n);
    return s;
  }
}
