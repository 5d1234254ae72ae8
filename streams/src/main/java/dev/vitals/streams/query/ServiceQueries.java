package dev.vitals.streams.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vitals.schemas.ServiceKey;
import dev.vitals.schemas.signals.SignalJson;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.state.HostInfo;

/**
 * One service's endpoints, routed by its key: a request that reaches an instance that does not own
 * the service's partition is forwarded whole to the owner. The owner reads each store's part
 * locally, or — when Kafka Streams placed that store's partition elsewhere — from the instance that
 * has it, through {@code /internal/v1/parts/...}, which answers from local state only.
 */
final class ServiceQueries {

  static final String INTERNAL_PREFIX = "/internal/v1/parts/";

  static final List<String> WINDOW_COLUMNS =
      List.of(
          "windowStart",
          "windowEnd",
          "revision",
          "requests",
          "errors",
          "latency.p50",
          "latency.p90",
          "latency.p99",
          "latency.max",
          "logs.TRACE",
          "logs.DEBUG",
          "logs.INFO",
          "logs.WARN",
          "logs.ERROR",
          "logs.FATAL",
          "spans",
          "errorSpans",
          "silent",
          "sampleErrors",
          "exemplarTraceIds");

  private final StateView view;
  private final Peers peers;
  private final ListQueries lists;
  private final GraphQueries graph;

  ServiceQueries(StateView view, Peers peers, ListQueries lists, GraphQueries graph) {
    this.view = view;
    this.peers = peers;
    this.lists = lists;
    this.graph = graph;
  }

  /** {@code /api/v1/services/{ref}} or, with {@code windows}, {@code .../windows}. */
  Reply service(ApiRequest r, Caller caller, List<String> rawRef, boolean windows) {
    ServiceKey key = resolve(ServiceRef.parse(rawRef), r, caller);
    Part primary = windows ? Part.WINDOWS : Part.HEALTH;
    StateView.Route route = view.route(primary.store(), key.toString());
    if (!r.forwarded() && route.kind() == StateView.Route.Kind.REMOTE) {
      String path = "/api/v1/services/" + ServiceRef.path(key) + (windows ? "/windows" : "");
      return peers.forward(route.host(), path + r.querySuffix(), r);
    }
    return windows ? windows(r, caller, key) : detail(r, caller, key);
  }

  /** {@code /internal/v1/parts/{part}/{tenant}/{namespace}/{name}}: local state only. */
  Reply part(Caller caller, List<String> rawSegments) {
    if (rawSegments.size() != 4) {
      throw ApiException.notFound("internal path (expected: {part}/{tenant}/{namespace}/{name})");
    }
    Part part = Part.ofUrlName(rawSegments.get(0));
    ServiceKey key = ServiceRef.parse(rawSegments.subList(1, 4)).key();
    ObjectNode body = SignalJson.MAPPER.createObjectNode();
    ArrayNode items = body.putArray("items");
    if (caller.sees(key.tenant())) {
      part.readLocal(view, key).forEach(items::add);
    }
    return Reply.json(body);
  }

  private Reply detail(ApiRequest r, Caller caller, ServiceKey key) {
    List<JsonNode> health = fetch(Part.HEALTH, key, r, caller);
    List<JsonNode> slos = new ArrayList<>(fetch(Part.SLOS, key, r, caller));
    List<JsonNode> alerts = new ArrayList<>(fetch(Part.ALERTS, key, r, caller));
    if (health.isEmpty() && slos.isEmpty() && alerts.isEmpty()) {
      throw unknown(key);
    }
    slos.sort(Comparator.comparing(s -> s.path("slo").asText("")));
    alerts.sort(ListQueries.ALERT_ORDER);
    if (r.wantsCsv()) {
      return Reply.csv(Csv.table(detailColumns(), detailRows(key, health, slos, alerts.size())));
    }
    ObjectNode body = SignalJson.MAPPER.createObjectNode();
    body.put("key", key.toString());
    body.set("health", health.isEmpty() ? SignalJson.MAPPER.nullNode() : health.get(0));
    slos.forEach(body.putArray("slos")::add);
    alerts.forEach(body.putArray("alerts")::add);
    graph.neighbours(key, caller, body);
    return Reply.json(body);
  }

  private Reply windows(ApiRequest r, Caller caller, ServiceKey key) {
    List<JsonNode> windows = fetch(Part.WINDOWS, key, r, caller);
    if (windows.isEmpty()) {
      throw ApiException.notFound("service: " + key + " has no recent windows");
    }
    if (r.wantsCsv()) {
      return Reply.csv(Csv.table(WINDOW_COLUMNS, windows));
    }
    ObjectNode body = SignalJson.MAPPER.createObjectNode();
    body.put("key", key.toString());
    windows.forEach(body.putArray("windows")::add);
    return Reply.json(body);
  }

  /** One store's items of the service, from wherever its partition lives. */
  private List<JsonNode> fetch(Part part, ServiceKey key, ApiRequest r, Caller caller) {
    StateView.Route route = view.route(part.store(), key.toString());
    List<JsonNode> items = new ArrayList<>();
    switch (route.kind()) {
      case LOCAL:
        items.addAll(part.readLocal(view, key));
        break;
      case REMOTE:
        HostInfo owner = route.host();
        String path = INTERNAL_PREFIX + part.urlName() + '/' + ServiceRef.path(key);
        peers.getJsonNow(owner, path, r).path("items").forEach(items::add);
        break;
      case NONE:
        break;
    }
    items.removeIf(item -> !item.isObject() || !caller.sees(Items.tenant(item)));
    return items;
  }

  /**
   * The key a reference names, visible to the caller. A bare name takes {@code ?tenant=} (default:
   * the caller's tenant, else "default") and {@code ?namespace=}; without a namespace it must match
   * exactly one known service.
   */
  private ServiceKey resolve(ServiceRef ref, ApiRequest r, Caller caller) {
    ServiceKey key = ref.key();
    if (key == null) {
      String tenant = r.param("tenant", caller.defaultTenant());
      String namespace = r.params().get("namespace");
      key = namespace == null ? byName(tenant, ref.name(), r, caller) : key(tenant, namespace, ref);
    }
    if (!caller.sees(key.tenant())) {
      throw unknown(key);
    }
    return key;
  }

  private ServiceKey byName(String tenant, String name, ApiRequest r, Caller caller) {
    List<String> candidates = new ArrayList<>();
    for (JsonNode health : lists.serviceItems(r, caller).items()) {
      if (Items.tenant(health).equals(tenant) && health.path("service").asText().equals(name)) {
        candidates.add(Items.serviceKey(health));
      }
    }
    if (candidates.isEmpty()) {
      throw ApiException.notFound("service: " + name + " not found in tenant " + tenant);
    }
    if (candidates.size() > 1) {
      ObjectNode details = SignalJson.MAPPER.createObjectNode();
      candidates.forEach(details.putArray("candidates")::add);
      throw new ApiException(
          409,
          "service: " + name + " is ambiguous (expected: ?namespace= or the full key)",
          Map.of(),
          details);
    }
    return ServiceKey.parse(candidates.get(0));
  }

  private static ServiceKey key(String tenant, String namespace, ServiceRef ref) {
    try {
      return new ServiceKey(tenant, namespace, ref.name());
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(e.getMessage());
    }
  }

  private static ApiException unknown(ServiceKey key) {
    return ApiException.notFound("service: " + key + " not found");
  }

  private static List<String> detailColumns() {
    List<String> columns =
        new ArrayList<>(
            List.of(
                "key",
                "tenant",
                "namespace",
                "service",
                "status",
                "reasons",
                "since",
                "activeAlerts",
                "slo",
                "objective",
                "errorBudgetRemaining"));
    ListQueries.BURN_WINDOWS.forEach(w -> columns.add("burnRates." + w));
    return columns;
  }

  /** One row per SLO (one row without SLOs), the health repeated on each. */
  private static List<JsonNode> detailRows(
      ServiceKey key, List<JsonNode> health, List<JsonNode> slos, int activeAlerts) {
    ObjectNode base = SignalJson.MAPPER.createObjectNode();
    base.put("key", key.toString());
    base.put("tenant", key.tenant());
    base.put("namespace", key.namespace());
    base.put("service", key.name());
    if (!health.isEmpty()) {
      for (String field : List.of("status", "reasons", "since")) {
        base.set(field, Items.orNull(health.get(0).path(field)));
      }
    }
    base.put("activeAlerts", activeAlerts);
    List<JsonNode> rows = new ArrayList<>();
    for (JsonNode slo : slos) {
      ObjectNode row = base.deepCopy();
      for (String field : List.of("slo", "objective", "errorBudgetRemaining", "burnRates")) {
        row.set(field, Items.orNull(slo.path(field)));
      }
      rows.add(row);
    }
    return rows.isEmpty() ? List.of(base) : rows;
  }
}
