package dev.vitals.streams.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vitals.schemas.ServiceKey;
import dev.vitals.schemas.signals.SignalJson;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.HostInfo;

/**
 * The list endpoints — services, alerts, the SLO report — answered by scatter-gather: this
 * instance's stores plus the same request to every other instance, which answers from its own.
 */
final class ListQueries {

  static final String UNREACHABLE_HEADER = "X-Vitals-Unreachable";

  static final List<String> SERVICE_COLUMNS =
      List.of(
          "key",
          "tenant",
          "namespace",
          "service",
          "status",
          "reasons",
          "since",
          "evaluatedAt",
          "behindSeconds",
          "catchingUp");
  static final List<String> ALERT_COLUMNS =
      List.of(
          "fingerprint",
          "labels.alertname",
          "labels.severity",
          "labels.tenant",
          "labels.namespace",
          "labels.service",
          "labels.slo",
          "startsAt",
          "annotations.summary",
          "annotations.description",
          "annotations.runbook_url",
          "generatorUrl");
  static final List<String> BURN_WINDOWS = List.of("5m", "30m", "1h", "2h", "6h", "1d", "3d");

  private final StateView view;
  private final Peers peers;
  private final Lag lag;

  /**
   * How far a service's signals are behind the wall clock: {@code behindSeconds} is the age of its
   * latest evaluation (the end of its latest window), and it is {@code catchingUp} past {@code
   * catchUpAfter} unless it is SILENT (a forgotten service keeps its last, silent, health).
   */
  record Lag(LongSupplier clockMs, Duration catchUpAfter) {

    void annotate(ObjectNode item) {
      Instant evaluated;
      try {
        evaluated = Instant.parse(item.path("evaluatedAt").asText(""));
      } catch (DateTimeParseException e) {
        return;
      }
      long behind = Math.max(0, clockMs.getAsLong() - evaluated.toEpochMilli()) / 1000;
      item.put("behindSeconds", behind);
      item.put(
          "catchingUp",
          behind > catchUpAfter.toSeconds() && !"SILENT".equals(item.path("status").asText()));
    }
  }

  ListQueries(StateView view, Peers peers, Lag lag) {
    this.view = view;
    this.peers = peers;
    this.lag = lag;
  }

  Reply services(ApiRequest r, Caller caller) {
    Gathered all = serviceItems(r, caller);
    String tenant = r.param("tenant", null);
    List<JsonNode> items = new ArrayList<>();
    for (JsonNode health : all.items()) {
      if (tenant == null || tenant.equals(Items.tenant(health))) {
        ObjectNode item = SignalJson.MAPPER.createObjectNode();
        item.put("key", Items.serviceKey(health));
        item.setAll((ObjectNode) health);
        lag.annotate(item);
        items.add(item);
      }
    }
    return reply(r, "services", items, all.unreachable(), SERVICE_COLUMNS, null);
  }

  /** Every visible service's health, sorted by key. */
  Gathered serviceItems(ApiRequest r, Caller caller) {
    List<JsonNode> local = new ArrayList<>();
    for (KeyValue<String, String> kv : view.scan(StoreNames.HEALTH, "")) {
      addIfJson(local, StoreNames.HEALTH, kv);
    }
    Gathered all = gather(r, "/api/v1/services", "services", local);
    return visible(all, caller, Items::serviceKey, Comparator.comparing(Items::serviceKey));
  }

  Reply alerts(ApiRequest r, Caller caller) {
    List<JsonNode> local = new ArrayList<>();
    for (KeyValue<String, String> kv : view.scan(StoreNames.ALERTS_ACTIVE, "")) {
      JsonNode alert = Items.parse(StoreNames.ALERTS_ACTIVE, kv.key, kv.value);
      if (alert != null && Items.firing(alert)) {
        local.add(alert);
      }
    }
    Gathered all =
        visible(
            gather(r, "/api/v1/alerts" + r.querySuffix(), "alerts", local),
            caller,
            a -> a.path("fingerprint").asText(""),
            ALERT_ORDER);
    Predicate<JsonNode> wanted = serviceFilter(r.param("service", null));
    List<JsonNode> items = all.items().stream().filter(wanted).toList();
    return reply(r, "alerts", items, all.unreachable(), ALERT_COLUMNS, null);
  }

  Reply sloReport(ApiRequest r, Caller caller) {
    String period = r.param("period", SloReport.DEFAULT_PERIOD);
    int days = SloReport.requestedDays(period);
    List<JsonNode> local = new ArrayList<>();
    for (KeyValue<String, String> kv : view.scan(StoreNames.SLO_LATEST, "")) {
      JsonNode evaluation = Items.parse(StoreNames.SLO_LATEST, kv.key, kv.value);
      if (evaluation != null) {
        local.add(SloReport.row(evaluation, days));
      }
    }
    Function<JsonNode, String> id = row -> Items.serviceKey(row) + '|' + row.path("slo").asText();
    Gathered all =
        visible(
            gather(r, "/api/v1/reports/slo" + r.querySuffix(), "slos", local),
            caller,
            id,
            Comparator.comparing(id));
    ObjectNode extra = SignalJson.MAPPER.createObjectNode();
    extra.put("requestedPeriod", days + "d");
    if (all.items().stream().anyMatch(row -> !SloReport.covers(row, days))) {
      extra.put(
          "note",
          "some rows cover another period than requested (see each row's period): evaluations"
              + " carry their budget over the SLO's configured period only, and only 1d and 3d"
              + " can be derived from burn rates");
    }
    List<String> columns = new ArrayList<>();
    columns.addAll(
        List.of(
            "tenant",
            "namespace",
            "service",
            "slo",
            "objective",
            "period",
            "errorBudgetRemaining",
            "good",
            "total",
            "budgetSource",
            "evaluatedAt"));
    BURN_WINDOWS.forEach(w -> columns.add("burnRates." + w));
    return reply(r, "slos", all.items(), all.unreachable(), columns, extra);
  }

  /** Most urgent first, then the oldest, then by fingerprint for a stable order. */
  static final Comparator<JsonNode> ALERT_ORDER =
      Comparator.<JsonNode>comparingInt(Items::severityRank)
          .thenComparing(a -> instant(a.path("startsAt").asText("")))
          .thenComparing(a -> a.path("fingerprint").asText(""));

  private static Instant instant(String text) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      return Instant.MAX;
    }
  }

  private static Predicate<JsonNode> serviceFilter(String service) {
    if (service == null) {
      return a -> true;
    }
    if (service.indexOf('/') >= 0) {
      ServiceKey key;
      try {
        key = ServiceKey.parse(service);
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest(e.getMessage());
      }
      return a -> Items.alertOf(a, key);
    }
    return a -> a.path("labels").path("service").asText("").equals(service);
  }

  private Gathered gather(ApiRequest r, String pathAndQuery, String field, List<JsonNode> local) {
    List<JsonNode> items = new ArrayList<>(local);
    List<String> unreachable = new ArrayList<>();
    if (!r.forwarded()) {
      Map<HostInfo, CompletableFuture<JsonNode>> calls = new LinkedHashMap<>();
      for (HostInfo peer : view.peers()) {
        calls.put(peer, peers.getJson(peer, pathAndQuery, r));
      }
      calls.forEach(
          (peer, call) -> {
            try {
              call.join().path(field).forEach(items::add);
            } catch (CompletionException e) {
              unreachable.add(Peers.name(peer));
              peers.gatherFailed(peer, e.getCause() == null ? e : e.getCause());
            }
          });
    }
    return new Gathered(items, unreachable);
  }

  /** What the caller may see, once per id (this instance's copy first), in order. */
  private static Gathered visible(
      Gathered all, Caller caller, Function<JsonNode, String> id, Comparator<JsonNode> order) {
    Map<String, JsonNode> byId = new LinkedHashMap<>();
    for (JsonNode item : all.items()) {
      if (item.isObject() && caller.sees(Items.tenant(item))) {
        byId.putIfAbsent(id.apply(item), item);
      }
    }
    List<JsonNode> items = new ArrayList<>(byId.values());
    items.sort(order);
    return new Gathered(items, all.unreachable());
  }

  private static Reply reply(
      ApiRequest r,
      String field,
      List<JsonNode> items,
      List<String> unreachable,
      List<String> columns,
      ObjectNode extra) {
    Reply reply;
    if (r.wantsCsv()) {
      reply = Reply.csv(Csv.table(columns, items));
    } else {
      ObjectNode body = SignalJson.MAPPER.createObjectNode();
      if (extra != null) {
        body.setAll(extra);
      }
      ArrayNode array = body.putArray(field);
      items.forEach(array::add);
      ArrayNode missing = body.putArray("unreachable");
      unreachable.forEach(missing::add);
      reply = Reply.json(body);
    }
    return unreachable.isEmpty()
        ? reply
        : reply.withHeader(UNREACHABLE_HEADER, String.join(",", unreachable));
  }

  private static void addIfJson(List<JsonNode> out, String store, KeyValue<String, String> kv) {
    JsonNode node = Items.parse(store, kv.key, kv.value);
    if (node != null) {
      out.add(node);
    }
  }
}
