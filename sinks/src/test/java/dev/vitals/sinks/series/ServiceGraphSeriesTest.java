package dev.vitals.sinks.series;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.schemas.Topics;
import dev.vitals.schemas.signals.EdgeWindow;
import dev.vitals.schemas.signals.SignalJson;
import dev.vitals.sinks.SinkSettings;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ServiceGraphSeriesTest {

  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant AT = START.plusSeconds(81);

  private static EdgeWindow edge(EdgeWindow.Node server, String type, EdgeWindow.Totals totals) {
    return new EdgeWindow(
        "acme",
        EdgeWindow.Node.service("shop", "checkout"),
        server,
        type,
        START,
        START.plusSeconds(60),
        0,
        10,
        2,
        null,
        null,
        true,
        totals);
  }

  private static EdgeWindow.Totals totals() {
    return new EdgeWindow.Totals(
        AT,
        1_200,
        130,
        new EdgeWindow.Histogram(List.of(0.1, 1.0), List.of(1_000L, 150L, 50L), 150.5),
        new EdgeWindow.Histogram(List.of(0.1, 1.0), List.of(1_100L, 90L, 10L), 120.25));
  }

  private static Optional<SeriesSample> sample(List<SeriesSample> samples, String name, String le) {
    return samples.stream()
        .filter(s -> s.name().equals(name))
        .filter(s -> le == null || le.equals(s.labels().get("le")))
        .findFirst();
  }

  @Test
  void edgeWindowsBecomeTheServiceGraphCountersGrafanaReads() {
    byte[] json = SignalJson.write(edge(EdgeWindow.Node.service("shop", "payments"), "", totals()));

    List<SeriesSample> samples =
        new SeriesMapper(
                Topics.DEFAULT, SinkSettings.Corrections.ONCE, SinkSettings.Histograms.CLASSIC)
            .samples(Topics.DEFAULT.edges(), json);

    SeriesSample requests =
        sample(samples, "traces_service_graph_request_total", null).orElseThrow();
    assertThat(requests.value()).isEqualTo(1_200);
    assertThat(requests.timestampMs()).as("sampled when emitted").isEqualTo(AT.toEpochMilli());
    assertThat(requests.labels())
        .isEqualTo(
            Map.of(
                "tenant", "acme",
                "client", "checkout",
                "server", "payments",
                "client_namespace", "shop",
                "server_namespace", "shop"));
    assertThat(sample(samples, "traces_service_graph_request_failed_total", null))
        .hasValueSatisfying(s -> assertThat(s.value()).isEqualTo(130));
    String server = "traces_service_graph_request_server_seconds";
    assertThat(sample(samples, server + "_bucket", "0.1").orElseThrow().value()).isEqualTo(1_100);
    assertThat(sample(samples, server + "_bucket", "1.0").orElseThrow().value())
        .as("buckets are cumulative, as Prometheus' le")
        .isEqualTo(1_190);
    assertThat(sample(samples, server + "_bucket", "+Inf").orElseThrow().value()).isEqualTo(1_200);
    assertThat(sample(samples, server + "_count", null).orElseThrow().value()).isEqualTo(1_200);
    assertThat(sample(samples, server + "_sum", null).orElseThrow().value()).isEqualTo(120.25);
    String client = "traces_service_graph_request_client_seconds";
    assertThat(sample(samples, client + "_bucket", "+Inf").orElseThrow().value()).isEqualTo(1_200);
    assertThat(sample(samples, client + "_bucket", "0.1").orElseThrow().value()).isEqualTo(1_000);
    assertThat(sample(samples, client + "_sum", null).orElseThrow().value()).isEqualTo(150.5);
  }

  @Test
  void aVirtualCalleeCarriesItsConnectionType() {
    List<SeriesSample> samples =
        ServiceGraphSeries.samples(
            edge(EdgeWindow.Node.virtual("postgresql/orders"), EdgeWindow.DATABASE, totals()));

    assertThat(samples)
        .allSatisfy(
            s ->
                assertThat(s.labels())
                    .containsEntry("connection_type", "database")
                    .containsEntry("server", "postgresql/orders")
                    .doesNotContainKey("server_namespace"));
  }

  @Test
  void anEdgeWindowWithoutTotalsHasNoSeries() {
    assertThat(ServiceGraphSeries.samples(edge(EdgeWindow.Node.USER, "", null))).isEmpty();
  }
}
