package dev.vitals.bench.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeoutException;

/**
 * The exactness checks run after every fault, each against the client's ledger: the raw topic, the
 * closed windows, the query API, VictoriaMetrics and Alertmanager. A check waits (up to {@link
 * Settings#checkDeadline}) for the cluster to catch up, and says how long that took: the backlog
 * drain time.
 */
final class Checks {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long CLOSE_MARGIN_MS = 3000;
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final Settings settings;
  private final Ledger ledger;
  private final TopicTail rawTail;
  private final RawSpans raw;
  private final TopicTail windowsTail;
  private final ClosedWindows windows;
  private final TopicTail alertsTail;
  private final AlertLog alerts;
  private final VitalsStages stages;
  private final Stores stores;
  private final Map<String, String> firstStartsAt = new HashMap<>();

  Checks(
      Settings settings,
      Ledger ledger,
      TopicTail rawTail,
      RawSpans raw,
      TopicTail windowsTail,
      ClosedWindows windows,
      TopicTail alertsTail,
      AlertLog alerts,
      VitalsStages stages,
      Stores stores) {
    this.settings = settings;
    this.ledger = ledger;
    this.rawTail = rawTail;
    this.raw = raw;
    this.windowsTail = windowsTail;
    this.windows = windows;
    this.alertsTail = alertsTail;
    this.alerts = alerts;
    this.stages = stages;
    this.stores = stores;
  }

  /** Every process the campaign did not stop on purpose is running. */
  Check processes(String fault) {
    List<String> dead =
        stages.all().stream().filter(p -> !p.alive()).map(ManagedProcess::name).toList();
    return new Check(
        fault,
        "processes alive",
        dead.isEmpty(),
        0,
        dead.isEmpty()
            ? "all " + stages.all().size() + " Vitals processes run"
            : "exited: " + dead);
  }

  /**
   * Every acknowledged request's spans are in {@code otlp_spans} exactly once; a request that was
   * not acknowledged is there at most once (all its spans, or none).
   */
  Check rawTopic(String fault) {
    return Awaiting.check(
        fault, "raw topic", settings.checkDeadline(), this::rawProblem, this::rawSummary);
  }

  private String rawProblem() {
    sync(rawTail);
    List<String> wrong = new ArrayList<>();
    for (Attempt a : ledger.snapshot()) {
      int found = raw.spansOf(a.id());
      boolean ok = a.acknowledged() ? found == a.spans() : found == 0 || found == a.spans();
      if (!ok) {
        wrong.add(
            "request "
                + a.id()
                + " (status "
                + a.status()
                + ", "
                + a.spans()
                + " spans): "
                + found
                + " spans in otlp_spans");
      }
    }
    return wrong.isEmpty() ? "" : wrong.size() + " requests wrong, e.g. " + first(wrong);
  }

  private String rawSummary() {
    long acked = 0;
    long ackedSpans = 0;
    long refused = 0;
    long landed = 0;
    Map<String, Integer> statuses = new TreeMap<>();
    for (Attempt a : ledger.snapshot()) {
      if (a.acknowledged()) {
        acked++;
        ackedSpans += a.spans();
      } else {
        refused++;
        statuses.merge(
            a.failure() == null ? String.valueOf(a.status()) : a.failure(), 1, Integer::sum);
        if (raw.spansOf(a.id()) > 0) {
          landed++;
        }
      }
    }
    return String.format(
        "%,d acknowledged requests (%,d spans) each present exactly once in %,d raw records;"
            + " %,d not acknowledged %s, of which %,d landed once (the client was told to retry)",
        acked, ackedSpans, raw.records(), refused, statuses, landed);
  }

  /**
   * The latest revision of every closed window counts exactly the spans that reached the raw topic:
   * all acknowledged ones, plus those of unacknowledged requests that landed anyway.
   */
  Check windows(String fault) {
    long closedBefore = System.currentTimeMillis() - settings.grace().toMillis() - CLOSE_MARGIN_MS;
    return Awaiting.check(
        fault,
        "closed windows exact",
        settings.checkDeadline(),
        () -> windowProblem(closedBefore),
        () -> windowSummary(closedBefore));
  }

  private Map<ClosedWindows.Slot, long[]> expected(long closedBefore) {
    Map<ClosedWindows.Slot, long[]> expected = new HashMap<>();
    long w = settings.windowMs();
    for (Attempt a : ledger.snapshot()) {
      long start = Math.floorDiv(a.eventMs(), w) * w;
      if (start + w > closedBefore) {
        continue;
      }
      long[] counts =
          expected.computeIfAbsent(
              new ClosedWindows.Slot(SpanRequests.serviceName(a.service()), start),
              k -> new long[2]);
      counts[0] += raw.spansOf(a.id());
      counts[1] += a.acknowledged() ? a.spans() : 0;
    }
    return expected;
  }

  private String windowProblem(long closedBefore) {
    sync(rawTail);
    sync(windowsTail);
    Map<ClosedWindows.Slot, long[]> expected = expected(closedBefore);
    long first = expected.keySet().stream().mapToLong(ClosedWindows.Slot::startMs).min().orElse(0);
    Set<String> services = new HashSet<>();
    expected.keySet().forEach(s -> services.add(s.service()));
    List<String> wrong = new ArrayList<>();
    Set<ClosedWindows.Slot> seen = new HashSet<>();
    for (ClosedWindows.Window w : windows.all()) {
      ClosedWindows.Slot slot = new ClosedWindows.Slot(w.service(), w.startMs());
      if (!services.contains(w.service()) || w.startMs() < first || w.endMs() > closedBefore) {
        continue;
      }
      seen.add(slot);
      long[] e = expected.getOrDefault(slot, new long[2]);
      if (w.spans() != e[0] || w.requests() != e[0]) {
        wrong.add(describe(w, e));
      }
    }
    expected.forEach(
        (slot, e) -> {
          if (e[0] > 0 && !seen.contains(slot)) {
            wrong.add(
                slot.service()
                    + " "
                    + java.time.Instant.ofEpochMilli(slot.startMs())
                    + ": no window, expected "
                    + e[0]
                    + " spans ("
                    + e[1]
                    + " acknowledged)");
          }
        });
    return wrong.isEmpty() ? "" : wrong.size() + " windows wrong, e.g. " + first(wrong);
  }

  private static String describe(ClosedWindows.Window w, long[] e) {
    return w.service()
        + " "
        + java.time.Instant.ofEpochMilli(w.startMs())
        + " rev "
        + w.revision()
        + ": spans "
        + w.spans()
        + ", requests "
        + w.requests()
        + ", expected "
        + e[0]
        + " ("
        + e[1]
        + " acknowledged)";
  }

  private String windowSummary(long closedBefore) {
    Map<ClosedWindows.Slot, long[]> expected = expected(closedBefore);
    long landed = expected.values().stream().mapToLong(e -> e[0]).sum();
    long acked = expected.values().stream().mapToLong(e -> e[1]).sum();
    long revised = windows.all().stream().filter(w -> w.revision() > 0).count();
    return String.format(
        "%,d closed windows of %d services hold exactly the %,d spans in otlp_spans (%,d of them"
            + " acknowledged); %d windows were revised by late data",
        expected.size(),
        expected.keySet().stream().map(ClosedWindows.Slot::service).distinct().count(),
        landed,
        acked,
        revised);
  }

  /** The start of the latest window of the service read so far; 0 when none. */
  long latestWindowStart(String service) {
    sync(windowsTail);
    return windows.all().stream()
        .filter(w -> w.service().equals(service))
        .mapToLong(ClosedWindows.Window::startMs)
        .max()
        .orElse(0);
  }

  /** No window ever ended more than one window after the wall clock when it was read. */
  Check noFutureWindows(String fault) {
    List<String> future = windows.futureWindows();
    return new Check(
        fault,
        "no future windows",
        future.isEmpty(),
        0,
        future.isEmpty()
            ? "every window read ended at most one window after the wall clock"
            : future.size() + " future windows, e.g. " + first(future));
  }

  /**
   * Each listed streams instance answers {@code /api/v1/services} with every service and nothing
   * unreachable, and {@code /api/v1/services/{key}} with 200 for every service (routed to the
   * owner).
   */
  Check query(String fault, List<Integer> instances) {
    return Awaiting.check(
        fault,
        "query API on streams " + instances,
        settings.checkDeadline(),
        () -> queryProblem(instances),
        () -> "every service answered 200 by instances " + instances + ", lists complete");
  }

  String queryProblem(List<Integer> instances) {
    List<String> wrong = new ArrayList<>();
    for (int i : instances) {
      URI base = stages.queryUrls().get(i);
      String list = get(base.resolve("/api/v1/services"));
      if (list.startsWith("!")) {
        wrong.add("streams-" + (i + 1) + " /api/v1/services " + list);
        continue;
      }
      Set<String> keys = new HashSet<>();
      JsonNode n = parse(list);
      n.path("services").forEach(s -> keys.add(s.path("key").asText()));
      if (n.path("unreachable").size() > 0) {
        wrong.add("streams-" + (i + 1) + " lists unreachable " + n.path("unreachable"));
      }
      for (int s = 0; s < settings.services(); s++) {
        if (!keys.contains(SpanRequests.serviceKey(s))) {
          wrong.add("streams-" + (i + 1) + " list lacks " + SpanRequests.serviceKey(s));
        }
        String one = get(base.resolve("/api/v1/services/default/-/" + SpanRequests.serviceName(s)));
        if (one.startsWith("!")) {
          wrong.add("streams-" + (i + 1) + " " + SpanRequests.serviceName(s) + " " + one);
        }
      }
    }
    return wrong.isEmpty() ? "" : first(wrong);
  }

  /**
   * VictoriaMetrics holds, for every closed window the topic has, the sample {@code
   * vitals_window_requests} at the window's end with the latest revision's count: no gap.
   */
  Check victoriaMetrics(String fault) {
    long closedBefore = System.currentTimeMillis() - settings.grace().toMillis() - CLOSE_MARGIN_MS;
    return Awaiting.check(
        fault,
        "VictoriaMetrics has no gap",
        settings.checkDeadline(),
        () -> storeProblem(closedBefore),
        () ->
            "every closed window with requests is a sample of vitals_window_requests with its"
                + " latest count");
  }

  private String storeProblem(long closedBefore) {
    sync(windowsTail);
    Map<ClosedWindows.Slot, long[]> expected = expected(closedBefore);
    long first = expected.keySet().stream().mapToLong(ClosedWindows.Slot::startMs).min().orElse(0);
    List<String> wrong = new ArrayList<>();
    int compared = 0;
    for (int s = 0; s < settings.services(); s++) {
      String service = SpanRequests.serviceName(s);
      Map<Long, Double> samples = samples(service, first);
      for (ClosedWindows.Window w : windows.all()) {
        if (!w.service().equals(service)
            || w.startMs() < first
            || w.endMs() > closedBefore
            || w.requests() == 0) {
          continue;
        }
        compared++;
        Double v = samples.get(w.endMs());
        if (v == null || v.longValue() != w.requests()) {
          wrong.add(
              service
                  + " at "
                  + java.time.Instant.ofEpochMilli(w.endMs())
                  + ": store has "
                  + v
                  + ", window says "
                  + w.requests());
        }
      }
    }
    return wrong.isEmpty()
        ? ""
        : wrong.size() + " of " + compared + " samples wrong, e.g. " + first(wrong);
  }

  /** The service-level samples of {@code vitals_window_requests}: time → highest value. */
  private Map<Long, Double> samples(String service, long fromMs) {
    String match =
        URLEncoder.encode(
            "vitals_window_requests{service=\"" + service + "\"}", StandardCharsets.UTF_8);
    String body =
        get(
            stores.victoriaMetricsUrl(
                "/api/v1/export?match[]=" + match + "&start=" + (fromMs / 1000 - 60)));
    Map<Long, Double> samples = new HashMap<>();
    if (body.startsWith("!")) {
      throw new IllegalStateException("VictoriaMetrics export " + body);
    }
    for (String line : body.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode n = parse(line);
      if (n.path("metric").has("operation")) {
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

  /**
   * The failing service's page is firing in Alertmanager as one alert per label set (one
   * fingerprint per incident) with the {@code startsAt} it first had; {@code vitals.alerts.v1} has
   * no resolve of it and one {@code startsAt} per fingerprint.
   */
  Check alerts(String fault) {
    return Awaiting.check(
        fault,
        "one alert per incident",
        settings.checkDeadline(),
        this::alertProblem,
        this::alertSummary);
  }

  private String alertProblem() {
    sync(alertsTail);
    List<String> wrong = new ArrayList<>();
    Map<String, Set<String>> startsByFingerprint = new HashMap<>();
    for (AlertLog.Event e : alerts.of("VitalsErrorBudgetBurn", SpanRequests.FAILING_SERVICE)) {
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
      wrong.add("topic: no VitalsErrorBudgetBurn for " + SpanRequests.FAILING_SERVICE);
    }
    JsonNode am = parse(amAlerts());
    Map<String, List<JsonNode>> byIncident = new TreeMap<>();
    for (JsonNode a : am) {
      JsonNode l = a.path("labels");
      if (!l.path("alertname").asText().equals("VitalsErrorBudgetBurn")) {
        continue;
      }
      String incident = l.path("severity").asText() + "/" + l.path("slo").asText();
      byIncident.computeIfAbsent(incident, k -> new ArrayList<>()).add(a);
    }
    if (!byIncident.containsKey("page/availability")) {
      wrong.add(
          "alertmanager: no firing page for "
              + SpanRequests.FAILING_SERVICE
              + " among "
              + byIncident.keySet());
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
    return wrong.isEmpty() ? "" : String.join("; ", wrong);
  }

  private String alertSummary() {
    List<AlertLog.Event> events = alerts.of("VitalsErrorBudgetBurn", SpanRequests.FAILING_SERVICE);
    long others = alerts.events().size() - events.size();
    return String.format(
        "%s firing in Alertmanager with its first startsAt, one alert each; topic: %d events"
            + " (none resolved) of %d fingerprints; %d other alert events %s",
        firstStartsAt.keySet(),
        events.size(),
        events.stream().map(AlertLog.Event::fingerprint).distinct().count(),
        others,
        otherAlerts());
  }

  private String otherAlerts() {
    Map<String, Integer> counts = new TreeMap<>();
    for (AlertLog.Event e : alerts.events()) {
      if (!e.service().equals(SpanRequests.FAILING_SERVICE)) {
        counts.merge(e.status() + " " + e.alertname() + "/" + e.service(), 1, Integer::sum);
      }
    }
    return counts.toString();
  }

  private String amAlerts() {
    String filter =
        URLEncoder.encode(
            "service=\"" + SpanRequests.FAILING_SERVICE + "\"", StandardCharsets.UTF_8);
    String body = get(stores.alertmanagerUrl("/api/v2/alerts?filter=" + filter));
    if (body.startsWith("!")) {
      throw new IllegalStateException("alertmanager " + body);
    }
    return body;
  }

  private static void sync(TopicTail tail) {
    try {
      tail.sync(Duration.ofSeconds(30));
    } catch (TimeoutException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /** The body of a 200 answer, or {@code "!<status> <body>"}. */
  private static String get(URI url) {
    try {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10)).build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        String b = r.body();
        return "!" + r.statusCode() + " " + b.substring(0, Math.min(200, b.length()));
      }
      return r.body();
    } catch (IOException e) {
      return "!" + e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "!interrupted";
    }
  }

  private static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalStateException("not JSON: " + json, e);
    }
  }

  private static String first(List<String> items) {
    return String.join("; ", items.subList(0, Math.min(5, items.size())));
  }
}
