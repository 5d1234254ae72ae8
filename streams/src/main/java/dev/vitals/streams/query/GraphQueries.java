package dev.vitals.streams.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vitals.schemas.ServiceKey;
import dev.vitals.schemas.signals.EdgeWindow;
import dev.vitals.schemas.signals.ServiceWindow;
import dev.vitals.schemas.signals.SignalJson;
import dev.vitals.streams.graph.GraphTopology;
import dev.vitals.streams.sketch.LatencySketch;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.streams.KeyValue;

/**
 * The dependency graph: {@code /api/v1/graph} and the neighbours on a service's page, from the
 * global store of recent edge windows (the same on every instance: no other instance is asked). An
 * edge's numbers cover the windows that ended within {@code range} of the newest window end of any
 * edge, so a replay or a backlog reads as it would have live.
 */
final class GraphQueries {

  static final Duration DEFAULT_RANGE = Duration.ofMinutes(5);
  private static final Pattern RANGE = Pattern.compile("([1-9][0-9]{0,4})([smh])");

  static final List<String> EDGE_COLUMNS =
      List.of(
          "tenant",
          "client.namespace",
          "client.name",
          "client.virtual",
          "client.status",
          "server.namespace",
          "server.name",
          "server.virtual",
          "server.status",
          "connectionType",
          "requests",
          "errors",
          "rate",
          "errorRatio",
          "p99",
          "clientP99",
          "serverP99",
          "sampled");

  private final StateView view;
  private final ListQueries lists;

  GraphQueries(StateView view, ListQueries lists) {
    this.view = view;
    this.lists = lists;
  }

  /** {@code /api/v1/graph[?range=5m][&tenant=t]}: nodes with health, edges with their numbers. */
  Reply graph(ApiRequest r, Caller caller) {
    Duration range = range(r.param("range", null));
    String tenant = r.param("tenant", null);
    Gathered services = lists.serviceItems(r, caller);
    Map<String, String> status = new LinkedHashMap<>();
    for (JsonNode health : services.items()) {
      if (tenant == null || tenant.equals(Items.tenant(health))) {
        status.put(Items.serviceKey(health), health.path("status").asText(null));
      }
    }
    List<Edge> edges = edges(caller, range, e -> tenant == null || tenant.equals(e.tenant()));
    Map<String, ObjectNode> nodes = new TreeMap<>();
    status.forEach((key, s) -> nodes.put(key, node(ServiceKey.parse(key), false, s)));
    List<JsonNode> rows = new ArrayList<>();
    for (Edge e : edges) {
      ObjectNode row = e.toJson(status);
      rows.add(row);
      nodes.putIfAbsent(row.path("client").path("key").asText(), (ObjectNode) row.get("client"));
      nodes.putIfAbsent(row.path("server").path("key").asText(), (ObjectNode) row.get("server"));
    }
    if (r.wantsCsv()) {
      return Reply.csv(Csv.table(EDGE_COLUMNS, rows));
    }
    ObjectNode body = SignalJson.MAPPER.createObjectNode();
    body.put("range", r.param("range", "5m"));
    edges.stream()
        .map(Edge::to)
        .max(Comparator.naturalOrder())
        .ifPresent(
            to -> {
              body.put("from", to.minus(range).toString());
              body.put("to", to.toString());
            });
    ArrayNode nodeArray = body.putArray("nodes");
    nodes.values().forEach(nodeArray::add);
    rows.forEach(body.putArray("edges")::add);
    ArrayNode missing = body.putArray("unreachable");
    services.unreachable().forEach(missing::add);
    return Reply.json(body);
  }

  /** A service's callers and callees over the default range, for its page. */
  void neighbours(ServiceKey key, Caller caller, ObjectNode body) {
    String self = key.toString();
    List<Edge> edges = edges(caller, DEFAULT_RANGE, e -> e.tenant().equals(key.tenant()));
    ArrayNode upstream = body.putArray("upstream");
    ArrayNode downstream = body.putArray("downstream");
    for (Edge e : edges) {
      if (e.serverKey().equals(self)) {
        upstream.add(e.toJson(Map.of()));
      }
      if (e.clientKey().equals(self)) {
        downstream.add(e.toJson(Map.of()));
      }
    }
  }

  private List<Edge> edges(
      Caller caller, Duration range, java.util.function.Predicate<EdgeWindow> wanted) {
    Map<String, List<EdgeWindow>> byEdge = new TreeMap<>();
    Instant newest = Instant.MIN;
    for (KeyValue<String, String> kv : view.scan(GraphTopology.EDGES_RECENT, "")) {
      for (EdgeWindow w : windows(kv.value)) {
        if (caller.sees(w.tenant()) && wanted.test(w)) {
          byEdge.computeIfAbsent(kv.key, k -> new ArrayList<>()).add(w);
          newest = newest.isAfter(w.windowEnd()) ? newest : w.windowEnd();
        }
      }
    }
    List<Edge> out = new ArrayList<>();
    if (byEdge.isEmpty()) {
      return out;
    }
    Instant from = newest.minus(range);
    for (List<EdgeWindow> windows : byEdge.values()) {
      List<EdgeWindow> inRange = windows.stream().filter(w -> w.windowEnd().isAfter(from)).toList();
      if (!inRange.isEmpty()) {
        out.add(new Edge(inRange, range, newest));
      }
    }
    return out;
  }

  private static List<EdgeWindow> windows(String json) {
    try {
      return List.of(SignalJson.MAPPER.readValue(json, EdgeWindow[].class));
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }

  static Duration range(String text) {
    if (text == null) {
      return DEFAULT_RANGE;
    }
    Matcher m = RANGE.matcher(text);
    if (!m.matches()) {
      throw ApiException.badRequest(
          "range: \"" + text + "\" (expected: a number and s, m or h, at most 1h, e.g. 5m)");
    }
    long n = Long.parseLong(m.group(1));
    Duration d =
        switch (m.group(2)) {
          case "s" -> Duration.ofSeconds(n);
          case "m" -> Duration.ofMinutes(n);
          default -> Duration.ofHours(n);
        };
    if (d.compareTo(GraphTopology.RECENT) > 0) {
      throw ApiException.badRequest(
          "range: \"" + text + "\" (expected: at most " + GraphTopology.RECENT.toMinutes() + "m)");
    }
    return d;
  }

  private static ObjectNode node(ServiceKey key, boolean virtual, String status) {
    ObjectNode n = SignalJson.MAPPER.createObjectNode();
    n.put("key", key.toString());
    n.put("tenant", key.tenant());
    n.put("namespace", key.namespace());
    n.put("name", key.name());
    n.put("virtual", virtual);
    n.put("status", status);
    return n;
  }

  /** One edge over a range: the sum of its windows in it. */
  private record Edge(List<EdgeWindow> windows, Duration range, Instant to) {

    EdgeWindow last() {
      return windows.get(windows.size() - 1);
    }

    String tenant() {
      return last().tenant();
    }

    String clientKey() {
      EdgeWindow.Node n = last().client();
      return new ServiceKey(tenant(), n.namespace(), n.name()).toString();
    }

    String serverKey() {
      EdgeWindow.Node n = last().server();
      return new ServiceKey(tenant(), n.namespace(), n.name()).toString();
    }

    ObjectNode toJson(Map<String, String> status) {
      long requests = windows.stream().mapToLong(EdgeWindow::requests).sum();
      long errors = windows.stream().mapToLong(EdgeWindow::errors).sum();
      Double clientP99 = p99(EdgeWindow::clientLatency);
      Double serverP99 = p99(EdgeWindow::serverLatency);
      EdgeWindow last = last();
      ObjectNode row = SignalJson.MAPPER.createObjectNode();
      row.put("tenant", tenant());
      row.set("client", nodeOf(last.client(), clientKey(), status));
      row.set("server", nodeOf(last.server(), serverKey(), status));
      row.put("connectionType", last.connectionType());
      row.put("requests", requests);
      row.put("errors", errors);
      row.put("rate", requests / (double) range.toSeconds());
      row.put("errorRatio", requests == 0 ? 0 : errors / (double) requests);
      row.put("p99", clientP99 != null ? clientP99 : serverP99);
      row.put("clientP99", clientP99);
      row.put("serverP99", serverP99);
      row.put("sampled", windows.stream().anyMatch(EdgeWindow::sampled));
      row.put("windows", windows.size());
      return row;
    }

    private static ObjectNode nodeOf(EdgeWindow.Node n, String key, Map<String, String> status) {
      ObjectNode node = node(ServiceKey.parse(key), n.virtual(), status.get(key));
      return node;
    }

    private Double p99(Function<EdgeWindow, ServiceWindow.Latency> side) {
      LatencySketch merged = new LatencySketch();
      for (EdgeWindow w : windows) {
        ServiceWindow.Latency l = side.apply(w);
        if (l != null && l.sketch() != null) {
          merged.merge(LatencySketch.fromBase64(l.sketch()));
        }
      }
      return merged.count() == 0 ? null : merged.quantile(0.99);
    }
  }
}
