package dev.vitals.streams.query;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vitals.schemas.ServiceKey;
import dev.vitals.schemas.signals.AlertEvent;
import dev.vitals.schemas.signals.Health;
import dev.vitals.schemas.signals.ServiceWindow;
import dev.vitals.schemas.signals.SignalJson;
import dev.vitals.schemas.signals.SloEvaluation;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Records as the topologies write them into the stores, and an HTTP client for tests. */
final class Fixtures {

  static final Instant T0 = Instant.parse("2025-03-01T12:00:00Z");

  private Fixtures() {}

  static String health(ServiceKey key, Health.Status status, String... reasons) {
    return SignalJson.MAPPER
        .valueToTree(
            new Health(
                key.tenant(),
                key.namespace(),
                key.name(),
                status,
                List.of(reasons),
                T0.minusSeconds(600),
                T0))
        .toString();
  }

  static String slo(ServiceKey key, String slo, double budget, Map<String, Double> burn) {
    return SignalJson.MAPPER
        .valueToTree(
            new SloEvaluation(
                key.tenant(), key.namespace(), key.name(), slo, 0.999, T0, burn, budget))
        .toString();
  }

  /** An evaluation with the optional fields a topology may add: period, good, total. */
  static String sloWithPeriod(
      ServiceKey key, String slo, double budget, Map<String, Double> burn, String period) {
    ObjectNode node =
        SignalJson.MAPPER.valueToTree(
            new SloEvaluation(
                key.tenant(), key.namespace(), key.name(), slo, 0.999, T0, burn, budget));
    node.put("period", period);
    node.put("good", 999_000);
    node.put("total", 1_000_000);
    return node.toString();
  }

  static String alert(
      String fingerprint, ServiceKey key, String alertname, String severity, Instant startsAt) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("alertname", alertname);
    labels.put("service", key.name());
    labels.put("severity", severity);
    labels.put("tenant", key.tenant());
    if (!key.namespace().isEmpty()) {
      labels.put("namespace", key.namespace()); // labels are never empty (alerts.v1)
    }
    labels.put("slo", "availability");
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put("summary", alertname + " on " + key.name());
    annotations.put("description", "burning budget, \"fast\"");
    annotations.put("runbook_url", "https://runbooks.example/" + alertname);
    annotations.put("burn_rates", "1h=15.2, 5m=20.1");
    annotations.put("sample_errors", "upstream timeout");
    annotations.put("trace_ids", "4bf92f3577b34da6a3ce929d0e0e4736");
    return SignalJson.MAPPER
        .valueToTree(
            new AlertEvent(
                fingerprint,
                AlertEvent.Status.firing,
                labels,
                annotations,
                startsAt,
                null,
                "/#/services/" + ServiceRef.path(key)))
        .toString();
  }

  /** {@code count} one-minute windows ending at T0, with {@code errors} errors each. */
  static String windows(ServiceKey key, int count, long requests, long errors) {
    List<ServiceWindow> windows = new ArrayList<>();
    for (int i = count; i > 0; i--) {
      Instant start = T0.minusSeconds(60L * i);
      windows.add(
          new ServiceWindow(
              key.tenant(),
              key.namespace(),
              key.name(),
              null,
              start,
              start.plusSeconds(60),
              0,
              requests,
              errors,
              new ServiceWindow.Latency(0.05, 0.1, 0.25 * i, 0.5, null),
              Map.of("ERROR", errors, "INFO", 10L),
              requests,
              errors,
              errors > 0 ? List.of("upstream timeout, retrying") : List.of(),
              errors > 0 ? List.of("4bf92f3577b34da6a3ce929d0e0e4736") : List.of(),
              false));
    }
    return SignalJson.MAPPER.valueToTree(windows).toString();
  }

  static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  /** GET {@code http://127.0.0.1:port + path} with header name/value pairs. */
  static HttpResponse<String> get(int port, String path, String... headers) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
