package dev.vitals.streams.query;

import static dev.vitals.streams.query.Fixtures.T0;
import static dev.vitals.streams.query.Fixtures.get;
import static dev.vitals.streams.query.QueryServerTest.CHECKOUT;
import static dev.vitals.streams.query.QueryServerTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vitals.schemas.ServiceKey;
import dev.vitals.schemas.signals.EdgeWindow;
import dev.vitals.schemas.signals.ServiceWindow;
import dev.vitals.schemas.signals.SignalJson;
import dev.vitals.streams.sketch.LatencySketch;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GraphQueriesTest {

  static final ServiceKey PAYMENTS = new ServiceKey("default", "", "payments");
  static final EdgeWindow.Node CHECKOUT_NODE = EdgeWindow.Node.service("", "checkout");
  static final EdgeWindow.Node PAYMENTS_NODE = EdgeWindow.Node.service("", "payments");

  final InMemoryStateView view = new InMemoryStateView();
  QueryServer server;
  int port;

  @BeforeEach
  void start() throws Exception {
    QueryServerTest.fill(view);
    view.put(
        StoreNames.HEALTH,
        PAYMENTS.toString(),
        Fixtures.health(PAYMENTS, dev.vitals.schemas.signals.Health.Status.CRITICAL, "burning"));
    // five minutes of checkout → payments: 100 calls a minute, the last two with 10 failures
    List<EdgeWindow> payments = new ArrayList<>();
    for (int m = 0; m < 5; m++) {
      payments.add(
          edge(CHECKOUT_NODE, PAYMENTS_NODE, EdgeWindow.DIRECT, m, 100, m >= 3 ? 10 : 0, 0.2));
    }
    put(payments);
    put(List.of(edge(EdgeWindow.Node.USER, CHECKOUT_NODE, EdgeWindow.DIRECT, 4, 50, 0, 0.3)));
    put(
        List.of(
            edge(
                CHECKOUT_NODE,
                EdgeWindow.Node.virtual("postgresql/orders"),
                EdgeWindow.DATABASE,
                4,
                30,
                0,
                0.01)));
    put(
        List.of(
            new EdgeWindow(
                "acme",
                CHECKOUT_NODE,
                PAYMENTS_NODE,
                EdgeWindow.DIRECT,
                T0,
                T0.plusSeconds(60),
                0,
                7,
                0,
                null,
                null,
                true)));
    server =
        QueryServer.builder()
            .setStateView(view)
            .setRegistry(new PrometheusRegistry())
            .setClock(() -> T0.toEpochMilli())
            .setHost("127.0.0.1")
            .setPort(0)
            .build()
            .start();
    port = server.port();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** A window of minute {@code m} after T0 whose calls took {@code seconds} each. */
  private static EdgeWindow edge(
      EdgeWindow.Node client,
      EdgeWindow.Node server,
      String type,
      int m,
      long requests,
      long errors,
      double seconds) {
    LatencySketch s = new LatencySketch();
    s.record(seconds, requests);
    ServiceWindow.Latency l =
        new ServiceWindow.Latency(seconds, seconds, seconds, seconds, s.toBase64());
    return new EdgeWindow(
        "default",
        client,
        server,
        type,
        T0.plusSeconds(60L * m),
        T0.plusSeconds(60L * (m + 1)),
        0,
        requests,
        errors,
        client.virtual() ? null : l,
        server.virtual() ? null : l,
        true);
  }

  private void put(List<EdgeWindow> windows) {
    EdgeWindow first = windows.get(0);
    view.put(
        StoreNames.EDGES_RECENT,
        EdgeWindow.key(first.tenant(), first.client(), first.server()),
        new String(SignalJson.write(windows), StandardCharsets.UTF_8));
  }

  private static Map<String, JsonNode> byEdge(JsonNode body) {
    Map<String, JsonNode> out = new HashMap<>();
    body.path("edges")
        .forEach(
            e ->
                out.put(
                    e.path("client").path("name").asText()
                        + "->"
                        + e.path("server").path("name").asText(),
                    e));
    return out;
  }

  @Test
  void theGraphSumsEachEdgeOverTheRangeWithRateErrorRatioAndP99() throws Exception {
    HttpResponse<String> response = get(port, "/api/v1/graph?range=2m&tenant=default");

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode body = json(response);
    assertThat(body.path("from").asText()).isEqualTo(T0.plusSeconds(180).toString());
    assertThat(body.path("to").asText()).isEqualTo(T0.plusSeconds(300).toString());
    Map<String, JsonNode> edges = byEdge(body);
    assertThat(edges)
        .containsOnlyKeys("checkout->payments", "user->checkout", "checkout->postgresql/orders");
    JsonNode payments = edges.get("checkout->payments");
    assertThat(payments.path("requests").asLong()).isEqualTo(200);
    assertThat(payments.path("errors").asLong()).isEqualTo(20);
    assertThat(payments.path("errorRatio").asDouble()).isEqualTo(0.1);
    assertThat(payments.path("rate").asDouble()).isCloseTo(200 / 120.0, within(1e-9));
    assertThat(payments.path("p99").asDouble()).isCloseTo(0.2, within(0.2 * 0.01));
    assertThat(payments.path("server").path("status").asText()).isEqualTo("CRITICAL");
    JsonNode db = edges.get("checkout->postgresql/orders");
    assertThat(db.path("server").path("virtual").asBoolean()).isTrue();
    assertThat(db.path("connectionType").asText()).isEqualTo("database");
    assertThat(db.path("serverP99").isNull()).isTrue();
    List<String> nodes = new ArrayList<>();
    body.path("nodes")
        .forEach(n -> nodes.add(n.path("name").asText() + ":" + n.path("status").asText()));
    assertThat(nodes)
        .contains("checkout:CRITICAL", "payments:CRITICAL", "user:null", "postgresql/orders:null");
  }

  @Test
  void theGraphAsCsvHasOneRowPerEdge() throws Exception {
    HttpResponse<String> response = get(port, "/api/v1/graph?tenant=default", "Accept", "text/csv");

    assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
    String[] lines = response.body().split("\r?\n");
    assertThat(lines[0]).isEqualTo(String.join(",", GraphQueries.EDGE_COLUMNS));
    assertThat(lines).hasSize(4);
    assertThat(response.body())
        .contains("default,,checkout,false,CRITICAL,,payments,false,CRITICAL,,500,20,");
  }

  @Test
  void aServicesPageListsItsCallersAndCallees() throws Exception {
    JsonNode body = json(get(port, "/api/v1/services/" + CHECKOUT.tenant() + "//checkout"));

    List<String> up = new ArrayList<>();
    body.path("upstream").forEach(e -> up.add(e.path("client").path("name").asText()));
    List<String> down = new ArrayList<>();
    body.path("downstream").forEach(e -> down.add(e.path("server").path("name").asText()));
    assertThat(up).containsExactly("user");
    assertThat(down).containsExactlyInAnyOrder("payments", "postgresql/orders");
  }

  @Test
  void beforeAnyEdgeTheGraphHasTheServicesAndNoEdges() throws Exception {
    InMemoryStateView empty = new InMemoryStateView();
    QueryServerTest.fill(empty);
    QueryServer bare =
        QueryServer.builder()
            .setStateView(empty)
            .setRegistry(new PrometheusRegistry())
            .setHost("127.0.0.1")
            .setPort(0)
            .build()
            .start();
    try {
      JsonNode body = json(get(bare.port(), "/api/v1/graph"));
      assertThat(body.path("edges")).isEmpty();
      assertThat(body.path("nodes")).isNotEmpty();
      JsonNode page = json(get(bare.port(), "/api/v1/services/default//checkout"));
      assertThat(page.path("downstream")).isEmpty();
    } finally {
      bare.close();
    }
  }

  @Test
  void aRangeLongerThanTheKeptHistoryIsABadRequest() throws Exception {
    HttpResponse<String> response = get(port, "/api/v1/graph?range=2h");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("range");
  }

  @Test
  void eachTenantSeesOnlyItsOwnEdges() throws Exception {
    JsonNode body = json(get(port, "/api/v1/graph?tenant=acme"));

    assertThat(byEdge(body)).containsOnlyKeys("checkout->payments");
    assertThat(byEdge(body).get("checkout->payments").path("requests").asLong()).isEqualTo(7);
  }
}
