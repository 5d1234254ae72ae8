package dev.vitals.streams.slo;

import dev.vitals.schemas.signals.AlertEvent;
import dev.vitals.schemas.signals.EdgeWindow;
import dev.vitals.schemas.signals.Health;
import dev.vitals.schemas.signals.ServiceWindow;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * checkout serves 1,000 requests a minute and calls payments for each; an hour in, 40 % of
 * checkout's requests start failing — because 39 % of its calls to payments fail ({@code
 * paymentsFails}), or on its own with healthy calls. Each minute's edge window arrives after the
 * minute's service windows, as it does live (edge windows close a pairing wait later).
 */
final class CauseScenario {

  static final int HEALTHY_MINUTES = 60;
  static final int FAILING_MINUTES = 5;
  static final long REQUESTS = 1_000;
  static final long FAILED = 400;
  static final long FAILED_CALLS = 390;
  static final Duration MINUTE = SloHarness.MINUTE;
  static final EdgeWindow.Node CHECKOUT = EdgeWindow.Node.service(Windows.NAMESPACE, "checkout");
  static final EdgeWindow.Node PAYMENTS = EdgeWindow.Node.service(Windows.NAMESPACE, "payments");

  private CauseScenario() {}

  /** Runs the scenario; the alerts that fired. */
  static List<AlertEvent> run(SloHarness h, boolean paymentsFails) {
    for (int m = 0; m < HEALTHY_MINUTES + FAILING_MINUTES; m++) {
      boolean failing = m >= HEALTHY_MINUTES;
      Instant start = SloHarness.T0.plus(MINUTE.multipliedBy(m));
      h.send(Windows.of("checkout", start, MINUTE, REQUESTS, failing ? FAILED : 0));
      h.send(
          Windows.of(
              "payments", start, MINUTE, REQUESTS, failing && paymentsFails ? FAILED_CALLS : 0));
      if (failing && paymentsFails && m == HEALTHY_MINUTES) {
        h.send(
            new Health(
                Windows.TENANT,
                Windows.NAMESPACE,
                "payments",
                Health.Status.CRITICAL,
                List.of("availability page: burn 390× over 5m"),
                start.plus(MINUTE),
                start.plus(MINUTE)));
      }
      h.send(edge(EdgeWindow.Node.USER, CHECKOUT, start, REQUESTS, failing ? FAILED : 0));
      h.send(
          edge(CHECKOUT, PAYMENTS, start, REQUESTS, failing && paymentsFails ? FAILED_CALLS : 0));
    }
    return h.firing();
  }

  static EdgeWindow edge(
      EdgeWindow.Node client, EdgeWindow.Node server, Instant start, long requests, long errors) {
    ServiceWindow.Latency l = new ServiceWindow.Latency(0.05, 0.08, 0.1, 0.2, null);
    return new EdgeWindow(
        Windows.TENANT,
        client,
        server,
        EdgeWindow.DIRECT,
        start,
        start.plus(MINUTE),
        0,
        requests,
        errors,
        client.virtual() ? null : l,
        l,
        true);
  }

  static AlertEvent page(List<AlertEvent> alerts, String service) {
    return alerts.stream()
        .filter(a -> a.labels().get("service").equals(service))
        .filter(a -> a.labels().get("severity").equals("page"))
        .filter(a -> a.labels().get("alertname").equals(AlertEvents.ERROR_BUDGET_BURN))
        .findFirst()
        .orElse(null);
  }
}
