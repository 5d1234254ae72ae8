package dev.vitals.streams.query;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;

/**
 * The query API's own metrics: requests by endpoint and status code, their duration, and calls to
 * other instances that failed.
 */
final class QueryMetrics {

  private final Counter requests;
  private final Histogram duration;
  private final Counter peerFailures;

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
    peerFailures =
        Counter.builder()
            .name("vitals_query_peer_failures_total")
            .help(
                "Calls to other instances that failed or timed out, by kind: route (a service's"
                    + " owner; answered 503) or gather (a list, answered partial).")
            .labelNames("kind")
            .register(registry);
    for (String kind : new String[] {"route", "gather"}) {
      peerFailures.labelValues(kind);
    }
  }

  void peerFailed(String kind) {
    peerFailures.labelValues(kind).inc();
  }

  void answered(String endpoint, int code, double seconds) {
    requests.labelValues(endpoint, Integer.toString(code)).inc();
    duration.labelValues(endpoint).observe(seconds);
  }
}
