package dev.vitals.streams.graph;

import static dev.vitals.streams.graph.GraphHarness.T0;
import static dev.vitals.streams.graph.GraphHarness.failed;
import static dev.vitals.streams.graph.GraphHarness.span;
import static dev.vitals.streams.graph.GraphHarness.with;
import static io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_CLIENT;
import static io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_PRODUCER;
import static io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_SERVER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.vitals.schemas.signals.EdgeWindow;
import dev.vitals.streams.window.WindowSettings;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GraphTopologyTest {

  private static final WindowSettings WINDOWS =
      WindowSettings.builder()
          .windowSize(Duration.ofMinutes(1))
          .grace(Duration.ofSeconds(10))
          .correctionHorizon(Duration.ofMinutes(10))
          .build();

  @TempDir Path stateDir;
  private GraphHarness h;
  private int ticks;

  private GraphHarness harness(GraphSettings graph) {
    h = new GraphHarness(WINDOWS, graph, stateDir);
    return h;
  }

  @AfterEach
  void close() {
    if (h != null) {
      h.close();
    }
  }

  /** Moves event time to T0 + ms with a span of an unrelated service. */
  private void tick(long ms) {
    ticks++;
    h.send(
        "ticker", span(SPAN_KIND_SERVER, 1_000_000 + ticks, 1_000_000 + ticks, 0, ms, 1).build());
  }

  private Map<String, EdgeWindow> edgesByName() {
    List<EdgeWindow> all = new ArrayList<>();
    for (EdgeWindow e : h.edges()) {
      if (!e.server().name().equals("ticker")) {
        all.add(e);
      }
    }
    return all.stream()
        .collect(
            Collectors.toMap(
                e -> e.client().name() + "->" + e.server().name(),
                Function.identity(),
                (a, b) -> {
                  throw new AssertionError("two records of one edge: " + a + " and " + b);
                }));
  }

  /** checkout serves a request from outside and calls payments, which answers; i = 1..n. */
  private void checkoutCallsPayments(int first, int n, int failedOnServer, int failedOnClient) {
    List<Span> payments = new ArrayList<>();
    List<Span> checkout = new ArrayList<>();
    for (int i = first; i < first + n; i++) {
      long end = i * 1_000L;
      Span.Builder server = span(SPAN_KIND_SERVER, i, 3_000 + i, 2_000 + i, end - 10, 80);
      payments.add((i == failedOnServer ? failed(server) : server).build());
      Span.Builder client = span(SPAN_KIND_CLIENT, i, 2_000 + i, 1_000 + i, end, 100);
      checkout.add((i == failedOnClient ? failed(client) : client).build());
      checkout.add(span(SPAN_KIND_SERVER, i, 1_000 + i, 0, end + 50, 150).build());
    }
    h.send("payments", payments.toArray(Span[]::new));
    h.send("checkout", checkout.toArray(Span[]::new));
  }

  @Test
  void callsBetweenTwoServicesAreCountedExactlyWithEachSidesLatency() {
    harness(GraphSettings.DEFAULTS);
    checkoutCallsPayments(1, 10, 3, 7);
    tick(79_000);
    assertThat(edgesByName()).as("the window has not closed: end + grace + pairing wait").isEmpty();
    tick(90_000);

    Map<String, EdgeWindow> edges = edgesByName();
    assertThat(edges).containsOnlyKeys("checkout->payments", "user->checkout");
    EdgeWindow call = edges.get("checkout->payments");
    assertThat(call.windowStart()).isEqualTo(T0);
    assertThat(call.windowEnd()).isEqualTo(T0.plusSeconds(60));
    assertThat(call.revision()).isZero();
    assertThat(call.requests()).isEqualTo(10);
    assertThat(call.errors()).as("one server span and one client span failed").isEqualTo(2);
    assertThat(call.connectionType()).isEmpty();
    assertThat(call.client().virtual()).isFalse();
    assertThat(call.server().virtual()).isFalse();
    assertThat(call.sampled()).isTrue();
    assertThat(call.clientLatency().max()).isEqualTo(0.1);
    assertThat(call.serverLatency().max()).isEqualTo(0.08);
    assertThat(call.totals().requests()).isEqualTo(10);
    assertThat(call.totals().errors()).isEqualTo(2);
    int le100ms = EdgeTotals.bucket(0.1);
    assertThat(EdgeTotals.BOUNDS[le100ms]).isEqualTo(0.1);
    assertThat(call.totals().clientSeconds().counts().get(le100ms))
        .as("client spans of 100 ms, in the le=0.1 bucket")
        .isEqualTo(10);
    assertThat(call.totals().serverSeconds().counts().get(le100ms))
        .as("server spans of 80 ms, in (0.05, 0.1]")
        .isEqualTo(10);
    assertThat(call.totals().serverSeconds().sum()).isCloseTo(0.8, within(1e-9));
    EdgeWindow user = edges.get("user->checkout");
    assertThat(user.client()).isEqualTo(EdgeWindow.Node.USER);
    assertThat(user.requests()).isEqualTo(10);
    assertThat(user.clientLatency()).isNull();
    assertThat(user.serverLatency().max()).isEqualTo(0.15);

    tick(300_000);
    assertThat(edgesByName()).as("each window is emitted once").isEmpty();
    assertThat(h.pendingEntries()).as("nothing waits once the waits are over").isZero();
  }

  @Test
  void clientSpansWithoutAServerSideBecomeVirtualNodesNamedByTheirAttributes() {
    harness(GraphSettings.DEFAULTS);
    h.send(
        "checkout",
        with(
                with(span(SPAN_KIND_CLIENT, 1, 11, 0, 1_000, 5), "db.system", "postgresql"),
                "db.namespace",
                "orders")
            .build(),
        with(span(SPAN_KIND_CLIENT, 2, 12, 0, 1_000, 5), "peer.service", "fraud-check").build(),
        failed(with(span(SPAN_KIND_CLIENT, 3, 13, 0, 1_000, 5), "server.address", "api.stripe.com"))
            .build(),
        with(
                with(span(SPAN_KIND_PRODUCER, 4, 14, 0, 1_000, 5), "messaging.system", "kafka"),
                "messaging.destination.name",
                "orders")
            .build(),
        span(SPAN_KIND_CLIENT, 5, 15, 0, 1_000, 5).build());
    tick(90_000);

    Map<String, EdgeWindow> edges = edgesByName();
    assertThat(edges)
        .containsOnlyKeys(
            "checkout->postgresql/orders",
            "checkout->fraud-check",
            "checkout->api.stripe.com",
            "checkout->kafka/orders");
    assertThat(edges.get("checkout->postgresql/orders").connectionType())
        .isEqualTo(EdgeWindow.DATABASE);
    assertThat(edges.get("checkout->fraud-check").connectionType())
        .isEqualTo(EdgeWindow.VIRTUAL_NODE);
    assertThat(edges.get("checkout->api.stripe.com").errors()).isEqualTo(1);
    assertThat(edges.get("checkout->kafka/orders").connectionType())
        .isEqualTo(EdgeWindow.MESSAGING_SYSTEM);
    assertThat(edges.values())
        .allSatisfy(
            e -> {
              assertThat(e.server().virtual()).isTrue();
              assertThat(e.serverLatency()).isNull();
              assertThat(e.clientLatency().max()).isEqualTo(0.005);
            });
    assertThat(h.metric("vitals_streams_graph_pairing_total{outcome=\"unpaired_client\"}"))
        .as("a client span naming no peer")
        .isEqualTo(1);
  }

  @Test
  void aServerSpanLateWithinTheWaitIsPairedALaterOneIsCountedUnpaired() {
    harness(GraphSettings.DEFAULTS);
    h.send(
        "checkout",
        with(span(SPAN_KIND_CLIENT, 1, 11, 0, 1_000, 20), "peer.service", "payments").build(),
        with(span(SPAN_KIND_CLIENT, 2, 12, 0, 2_000, 20), "peer.service", "payments").build());
    tick(6_000);
    h.send("payments", span(SPAN_KIND_SERVER, 1, 21, 11, 990, 10).build());
    tick(13_000);
    h.send("payments", span(SPAN_KIND_SERVER, 2, 22, 12, 1_990, 10).build());
    tick(90_000);

    EdgeWindow e = edgesByName().get("checkout->payments");
    assertThat(e.requests())
        .as("one call paired, one given up as a call to a virtual node")
        .isEqualTo(2);
    assertThat(e.server().virtual()).as("payments sent a span of its own").isFalse();
    assertThat(e.connectionType()).isEmpty();
    assertThat(h.metric("vitals_streams_graph_pairing_total{outcome=\"paired\"}")).isEqualTo(1);
    assertThat(h.metric("vitals_streams_graph_pairing_total{outcome=\"virtual\"}")).isEqualTo(1);
    assertThat(h.metric("vitals_streams_graph_pairing_total{outcome=\"unpaired_server\"}"))
        .isEqualTo(1);
  }

  @Test
  void spansDeliveredTwiceAreOneCall() {
    harness(GraphSettings.DEFAULTS);
    checkoutCallsPayments(1, 1, 0, 0);
    checkoutCallsPayments(1, 1, 0, 0);
    tick(90_000);

    assertThat(edgesByName().get("checkout->payments").requests()).isEqualTo(1);
    assertThat(h.metric("vitals_streams_graph_pairing_total{outcome=\"duplicate\"}")).isEqualTo(2);
  }

  @Test
  void callsForAClosedWindowReEmitItWithTheNextRevision() {
    harness(GraphSettings.DEFAULTS);
    checkoutCallsPayments(1, 10, 0, 0);
    tick(90_000);
    assertThat(edgesByName().get("checkout->payments").requests()).isEqualTo(10);

    checkoutCallsPayments(30, 2, 30, 0);
    h.advance(Duration.ofSeconds(1));

    EdgeWindow corrected = edgesByName().get("checkout->payments");
    assertThat(corrected.windowStart()).isEqualTo(T0);
    assertThat(corrected.revision()).isEqualTo(1);
    assertThat(corrected.requests()).isEqualTo(12);
    assertThat(corrected.errors()).isEqualTo(1);
    assertThat(corrected.totals().requests())
        .as("the running total has the late calls too")
        .isEqualTo(12);
  }

  @Test
  void thePendingStoreStaysWithinItsBudgetAndEveryClientSpanStillCounts() {
    harness(GraphSettings.DEFAULTS.withMaxPendingSpans(50));
    for (int batch = 0; batch < 5; batch++) {
      List<Span> spans = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        int n = batch * 40 + i + 1;
        spans.add(
            with(span(SPAN_KIND_CLIENT, n, n, 0, 1_000 + n, 5), "peer.service", "payments")
                .build());
      }
      h.send("checkout", spans.toArray(Span[]::new));
      assertThat(h.pendingEntries()).isLessThanOrEqualTo(50);
    }
    tick(90_000);

    assertThat(h.metric("vitals_streams_graph_evicted_spans_total")).isEqualTo(150);
    assertThat(edgesByName().get("checkout->payments").requests()).isEqualTo(200);
  }

  /** An http.client.request.duration histogram with one point per attribute set. */
  private static io.opentelemetry.proto.metrics.v1.Metric clientDuration(
      boolean cumulative, long startMs, long atMs, String server, int status, long... counts) {
    var point =
        io.opentelemetry.proto.metrics.v1.HistogramDataPoint.newBuilder()
            .setStartTimeUnixNano((GraphHarness.T0_MS + startMs) * GraphHarness.MS)
            .setTimeUnixNano((GraphHarness.T0_MS + atMs) * GraphHarness.MS)
            .addAllExplicitBounds(List.of(0.05, 0.1, 0.5))
            .addAttributes(
                dev.vitals.schemas.otlp.OtlpResources.stringKeyValue("server.address", server))
            .addAttributes(
                io.opentelemetry.proto.common.v1.KeyValue.newBuilder()
                    .setKey("http.response.status_code")
                    .setValue(
                        io.opentelemetry.proto.common.v1.AnyValue.newBuilder()
                            .setIntValue(status)));
    long count = 0;
    for (long c : counts) {
      point.addBucketCounts(c);
      count += c;
    }
    point.setCount(count);
    return io.opentelemetry.proto.metrics.v1.Metric.newBuilder()
        .setName("http.client.request.duration")
        .setUnit("s")
        .setHistogram(
            io.opentelemetry.proto.metrics.v1.Histogram.newBuilder()
                .setAggregationTemporality(
                    cumulative
                        ? io.opentelemetry.proto.metrics.v1.AggregationTemporality
                            .AGGREGATION_TEMPORALITY_CUMULATIVE
                        : io.opentelemetry.proto.metrics.v1.AggregationTemporality
                            .AGGREGATION_TEMPORALITY_DELTA)
                .addDataPoints(point))
        .build();
  }

  @Test
  void aCallerWithoutTracesGetsEdgesFromItsClientDurationMetrics() {
    harness(GraphSettings.DEFAULTS);
    h.sendMetrics("checkout", clientDuration(false, 0, 5_000, "api.stripe.com", 200, 10, 20, 5, 0));
    h.sendMetrics("checkout", clientDuration(false, 0, 5_000, "api.stripe.com", 503, 0, 0, 3, 0));
    // cumulative: the first point is the baseline, the second counts what it added
    h.sendMetrics("ledger", clientDuration(true, 0, 5_000, "ledger-db", 200, 5, 0, 0, 0));
    h.sendMetrics("ledger", clientDuration(true, 0, 15_000, "ledger-db", 200, 8, 1, 0, 0));
    tick(90_000);

    Map<String, EdgeWindow> edges = edgesByName();
    EdgeWindow stripe = edges.get("checkout->api.stripe.com");
    assertThat(stripe.requests()).isEqualTo(38);
    assertThat(stripe.errors()).isEqualTo(3);
    assertThat(stripe.sampled()).as("every call, counted by the SDK").isFalse();
    assertThat(stripe.server().virtual()).isTrue();
    assertThat(stripe.connectionType()).isEqualTo(EdgeWindow.VIRTUAL_NODE);
    assertThat(stripe.clientLatency().max()).isLessThanOrEqualTo(0.5);
    assertThat(stripe.serverLatency()).isNull();
    assertThat(stripe.totals().requests()).isEqualTo(38);
    assertThat(edges.get("ledger->ledger-db").requests()).isEqualTo(4);
  }

  @Test
  void callsCountedBySpansAreNotCountedAgainFromMetrics() {
    harness(GraphSettings.DEFAULTS);
    checkoutCallsPayments(1, 10, 0, 0);
    h.sendMetrics("checkout", clientDuration(false, 0, 5_000, "payments", 200, 500, 0, 0, 0));
    tick(90_000);

    EdgeWindow payments = edgesByName().get("checkout->payments");
    assertThat(payments.requests()).isEqualTo(10);
    assertThat(payments.sampled()).isTrue();
    assertThat(payments.totals().requests())
        .as("the metrics came after the spans: not counted")
        .isEqualTo(10);
  }

  @Test
  void aQuietPartitionClosesItsWindowsOnWallClockTime() {
    harness(GraphSettings.DEFAULTS);
    checkoutCallsPayments(1, 3, 0, 0);
    h.advance(WINDOWS.idleAfter().minusSeconds(1));
    assertThat(edgesByName()).isEmpty();

    h.advance(Duration.ofSeconds(120));

    assertThat(edgesByName().get("checkout->payments").requests()).isEqualTo(3);
  }
}
