package dev.vitals.streams.query;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;

/** The query API's own metrics: requests by endpoint and status code, and their duration. */
final class QueryMetrics {

  private final Counter requests;
  private final Histogram duration;

  QueryMetrics(PrometheusRegistry registry) {
    requests =
        Counter.builder()
            .name("vitals_query_requests_total")
            .help("Query API requests answered, by endpoint and HTTP status code.")
            .labelNames("endpoint", "code")
            .register(registry);
    duration =
        Histogram.builder()
            .name("vitals_query_request_duration_seconds")
            .help("Time to answer a query API request, forwarding and gathering included.")
            .unit(Unit.SECONDS)
            .labelNames("endpoint")
            .register(registry);
  }

  void answered(String endpoint, int code, double seconds) {
    requests.labelValues(endpoint, Integer.toString(code)).inc();
    duration.labelValues(endpoint).observe(seconds);
  }
}
