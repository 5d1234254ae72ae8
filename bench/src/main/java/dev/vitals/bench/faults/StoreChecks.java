package dev.vitals.bench.faults;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What reached the stores: VictoriaMetrics has every closed window's {@code vitals_window_requests}
 * sample with its latest count (no gap); Alertmanager has exactly the alerts firing in {@code
 * vitals.alerts.v1}, the failing service's page among them as one alert per label set with the
 * {@code startsAt} it first had, and the topic never resolved that page.
 */
final class StoreChecks {

  static final String BURN = "VitalsErrorBudgetBurn";

  private final Stores stores;
  private final TopicTail alertsTail;
  private final AlertLog alerts;
  private final Map<String, String> firstStartsAt = new HashMap<>();

  StoreChecks(Stores stores, TopicTail alertsTail, AlertLog alerts) {
    this.stores = stores;
    this.alertsTail = alertsTail;
    this.alerts = alerts;
  }

  String storeProblem(List<ClosedWindows.Window> closed) {
    long first = closed.stream().mapToLong(ClosedWindows.Window::startMs).min().orElse(0);
    Map<String, Map<Long, Double>> byService = new HashMap<>();
    List<String> wrong = new ArrayList<>();
    int compared = 0;
    for (ClosedWindows.Window w : closed) {
      if (w.requests() == 0) {
        continue;
      }
      compared++;
      Double v = byService.computeIfAbsent(w.service(), s -> samples(s, first)).get(w.endMs());
      if (v == null || v.longValue() != w.requests()) {
        wrong.add(
            w.service()
                + " at "
                + Instant.ofEpochMilli(w.endMs())
                + ": store has "
                + v
                + ", window says "
                + w.requests());
      }
    }
    return wrong.isEmpty() ? "" : "of " + compared + " samples wrong " + Fetch.first(wrong);
  }

  /** The service-level samples of {@code vitals_window_requests}: time → highest value. */
  private Map<Long, Double> samples(String service, long fromMs) {
    String match =
        URLEncoder.encode(
            "vitals_window_requests{service=\"" + service + "\"}", StandardCharsets.UTF_8);
    String body =
        Fetch.get(
            stores.victoriaMetricsUrl(
                "/api/v1/export?match[]=" + match + "&start=" + (fromMs / 1000 - 60)));
    Map<Long, Double> samples = new HashMap<>();
    for (String line : body.split("\n", -1)) {
      JsonNode n = line.isBlank() ? null : Fetch.json(line);
      if (n == null || n.path("metric").has("operation")) {
        continue;
      }
      JsonNode values = n.path("values");
      JsonNode times = n.path("timestamps");
      for (int i = 0; i < times.size(); i++) {
        samples.merge(times.get(i).asLong(), values.get(i).asDouble(), Math::max);
      }
    }
    return samples;
  }

  String alertProblem() {
    Fetch.sync(alertsTail);
    List<String> wrong = new ArrayList<>();
    Map<String, Set<String>> startsByFingerprint = new HashMap<>();
    for (AlertLog.Event e : alerts.of(BURN, SpanRequests.FAILING_SERVICE)) {
      if (e.status().equals("resolved")) {
        wrong.add("topic: " + e);
      }
      startsByFingerprint.computeIfAbsent(e.fingerprint(), k -> new HashSet<>()).add(e.startsAt());
    }
    startsByFingerprint.forEach(
        (fp, starts) -> {
          if (starts.size() > 1) {
            wrong.add("topic: fingerprint " + fp + " fired with startsAt " + starts);
          }
        });
    if (startsByFingerprint.isEmpty()) {
      wrong.add("topic: no " + BURN + " for " + SpanRequests.FAILING_SERVICE);
    }
    wrong.addAll(alertmanagerProblems());
    return String.join("; ", wrong);
  }

  private List<String> alertmanagerProblems() {
    JsonNode am = Fetch.json(Fetch.get(stores.alertmanagerUrl("/api/v2/alerts?active=true")));
    List<String> wrong = firingMismatch(am);
    Map<String, List<JsonNode>> byIncident = new TreeMap<>();
    for (JsonNode a : am) {
      JsonNode l = a.path("labels");
      if (l.path("alertname").asText().equals(BURN)
          && l.path("service").asText().equals(SpanRequests.FAILING_SERVICE)) {
        String incident = l.path("severity").asText() + "/" + l.path("slo").asText();
        byIncident.computeIfAbsent(incident, k -> new ArrayList<>()).add(a);
      }
    }
    if (!byIncident.containsKey("page/availability")) {
      wrong.add("alertmanager: no firing page among " + byIncident.keySet());
    }
    byIncident.forEach(
        (incident, list) -> {
          if (list.size() != 1) {
            wrong.add("alertmanager: " + list.size() + " alerts for " + incident + ": " + list);
            return;
          }
          String starts = list.get(0).path("startsAt").asText();
          String before = firstStartsAt.putIfAbsent(incident, starts);
          if (before != null && !before.equals(starts)) {
            wrong.add("alertmanager: " + incident + " startsAt " + starts + ", first " + before);
          }
        });
    return wrong;
  }

  /**
   * Every alert whose latest event in {@code vitals.alerts.v1} is firing is active in Alertmanager,
   * and no other alert is.
   */
  private List<String> firingMismatch(JsonNode am) {
    Set<String> active = new TreeSet<>();
    for (JsonNode a : am) {
      JsonNode l = a.path("labels");
      active.add(
          l.path("alertname").asText()
              + "{service="
              + l.path("service").asText()
              + ",severity="
              + l.path("severity").asText()
              + ",slo="
              + l.path("slo").asText()
              + "}");
    }
    Set<String> firing = alerts.firing();
    List<String> wrong = new ArrayList<>();
    for (String f : firing) {
      if (!active.contains(f)) {
        wrong.add("alertmanager lacks firing " + f);
      }
    }
    for (String a : active) {
      if (!firing.contains(a)) {
        wrong.add("alertmanager has " + a + ", not firing in vitals.alerts.v1");
      }
    }
    return wrong;
  }

  String alertSummary() {
    List<AlertLog.Event> burn = alerts.of(BURN, SpanRequests.FAILING_SERVICE);
    Map<String, Integer> others = new TreeMap<>();
    for (AlertLog.Event e : alerts.events()) {
      if (!e.service().equals(SpanRequests.FAILING_SERVICE)) {
        others.merge(e.status() + " " + e.alertname() + "/" + e.service(), 1, Integer::sum);
      }
    }
    return String.format(
        "%s of %s firing in Alertmanager, one alert each, startsAt unchanged; topic: %d events of"
            + " %d fingerprints, none resolved; Alertmanager has exactly the %d alerts firing in"
            + " the topic; other alert events: %s",
        firstStartsAt.keySet(),
        SpanRequests.FAILING_SERVICE,
        burn.size(),
        burn.stream().map(AlertLog.Event::fingerprint).distinct().count(),
        alerts.firing().size(),
        others.isEmpty() ? "none" : others);
  }
}
