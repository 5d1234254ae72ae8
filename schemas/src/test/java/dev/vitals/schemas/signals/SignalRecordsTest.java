package dev.vitals.schemas.signals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class SignalRecordsTest {

  static final Instant START = Instant.parse("2026-11-28T10:00:00Z");
  static final Instant END = Instant.parse("2026-11-28T10:01:00Z");

  @Test
  void serviceWindowIsValidAgainstItsSchemaAndRoundTrips() {
    ServiceWindow w =
        new ServiceWindow(
            "acme",
            "shop",
            "checkout",
            "GET /cart",
            START,
            END,
            1,
            1200,
            3,
            new ServiceWindow.Latency(0.012, 0.05, 0.2, 0.9, "AAEC"),
            Map.of("INFO", 10L, "ERROR", 3L),
            1200,
            3,
            List.of("payment declined"),
            List.of("0af7651916cd43dd8448eb211c80319c"),
            false);
    byte[] json = SignalJson.write(w);
    SignalSchemas.assertValid("service-windows.v1", json);
    assertThat(new String(json, java.nio.charset.StandardCharsets.UTF_8))
        .contains("\"windowEnd\":\"2026-11-28T10:01:00Z\"");
    assertThat(SignalJson.read(json, ServiceWindow.class)).isEqualTo(w);
  }

  @Test
  void aServiceWindowWithRunningTotalsIsValidAndReadsBackEqual() {
    ServiceWindow w =
        new ServiceWindow(
                "acme", "", "cart", null, START, END, 2, 5, 1, null, null, 5, 1, null, null, false)
            .withTotals(
                new ServiceWindow.Totals(
                    START.minusSeconds(3600),
                    END,
                    905,
                    21,
                    905,
                    21,
                    Map.of("ERROR", 4L),
                    new ServiceWindow.Histogram(6, 905, 81.5, 0, -220, List.of(3L, 0L, 902L))));
    byte[] json = SignalJson.write(w);
    SignalSchemas.assertValid("service-windows.v1", json);
    assertThat(SignalJson.read(json, ServiceWindow.class)).isEqualTo(w);
  }

  @Test
  void bucketCountsOverAnArrayWriteTheSameJsonAsAListAndReadBackEqual() throws Exception {
    ServiceWindow.Histogram boxed =
        new ServiceWindow.Histogram(6, 905, 81.5, 0, -220, List.of(3L, 0L, 902L));
    ServiceWindow.Histogram unboxed =
        new ServiceWindow.Histogram(6, 905, 81.5, 0, -220, Counts.of(new long[] {3, 0, 902}));

    assertThat(new String(SignalJson.write(unboxed), java.nio.charset.StandardCharsets.UTF_8))
        .isEqualTo(new String(SignalJson.write(boxed), java.nio.charset.StandardCharsets.UTF_8))
        .contains("\"bucketCounts\":[3,0,902]");
    assertThat(unboxed).isEqualTo(boxed).hasSameHashCodeAs(boxed);
    // written from the array, not element by element as any other list
    assertThat(SignalJson.MAPPER.getSerializerProviderInstance().findValueSerializer(Counts.class))
        .isInstanceOf(Counts.Writer.class);
    assertThat(SignalJson.read(SignalJson.write(unboxed), ServiceWindow.Histogram.class))
        .isEqualTo(unboxed);
    assertThatThrownBy(() -> Counts.of(new long[] {1, -1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-1");
  }

  @Test
  void aServiceWindowWithoutTotalsLeavesTheFieldOutAsEarlierWritersDid() {
    ServiceWindow w =
        new ServiceWindow(
            "acme", "", "cart", null, START, END, 0, 0, 0, null, null, 0, 0, null, null, true);
    assertThat(new String(SignalJson.write(w), java.nio.charset.StandardCharsets.UTF_8))
        .doesNotContain("totals");
    assertThat(SignalJson.read(SignalJson.write(w), ServiceWindow.class).totals()).isNull();
  }

  @Test
  void aServiceWindowWithoutRequestsHasNoLatencyAndIsStillValid() {
    ServiceWindow silent =
        new ServiceWindow(
            "acme", "", "cart", null, START, END, 0, 0, 0, null, null, 0, 0, null, null, true);
    SignalSchemas.assertValid("service-windows.v1", SignalJson.write(silent));
  }

  @Test
  void edgeWindowIsValidAgainstItsSchemaAndRoundTrips() {
    EdgeWindow e =
        new EdgeWindow(
            "acme",
            EdgeWindow.Node.service("shop", "checkout"),
            EdgeWindow.Node.virtual("postgresql/orders"),
            EdgeWindow.DATABASE,
            START,
            END,
            2,
            310,
            4,
            new ServiceWindow.Latency(0.01, 0.02, 0.08, 0.1, "AAEC"),
            null,
            true);
    byte[] json = SignalJson.write(e);
    SignalSchemas.assertValid("edges.v1", json);
    assertThat(SignalJson.read(json, EdgeWindow.class)).isEqualTo(e);
    assertThat(new String(e.keyBytes(), java.nio.charset.StandardCharsets.UTF_8))
        .isEqualTo("acme/shop/checkout|acme//postgresql%2Forders");
  }

  @Test
  void edgeWindowOfAnUnknownConnectionTypeIsRefused() {
    assertThatThrownBy(
            () ->
                new EdgeWindow(
                    "acme",
                    EdgeWindow.Node.USER,
                    EdgeWindow.Node.service("", "cart"),
                    "telepathy",
                    START,
                    END,
                    0,
                    1,
                    0,
                    null,
                    null,
                    true))
        .hasMessageContaining("telepathy");
  }

  @Test
  void sloHealthAndAlertRecordsAreValidAgainstTheirSchemas() {
    SignalSchemas.assertValid(
        "slo.v1",
        SignalJson.write(
            new SloEvaluation(
                "acme",
                "",
                "cart",
                "availability",
                0.999,
                END,
                Map.of("5m", 14.0, "1h", 15.2),
                0.93)));
    SignalSchemas.assertValid(
        "health.v1",
        SignalJson.write(
            new Health(
                "acme",
                "",
                "cart",
                Health.Status.CRITICAL,
                List.of("burn 15x over 1h"),
                START,
                END)));
    SignalSchemas.assertValid(
        "alerts.v1",
        SignalJson.write(
            new AlertEvent(
                "f00d",
                AlertEvent.Status.firing,
                Map.of("alertname", "SloBurnRateHigh", "service", "cart", "severity", "page"),
                Map.of("summary", "cart burns its budget", "description", "14x over 1h"),
                START,
                null,
                null)));
  }

  @Test
  void schemasRejectRecordsThatBreakTheContract() {
    byte[] badStatus =
        "{\"tenant\":\"a\",\"namespace\":\"\",\"service\":\"s\",\"status\":\"FINE\",\"reasons\":[],\"since\":\"2026-11-28T10:00:00Z\"}"
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertThat(SignalSchemas.validate("health.v1", badStatus)).isNotEmpty();
    byte[] noLabels =
        "{\"fingerprint\":\"f\",\"status\":\"firing\",\"labels\":{},\"annotations\":{\"summary\":\"s\",\"description\":\"d\"},\"startsAt\":\"2026-11-28T10:00:00Z\",\"endsAt\":null}"
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertThat(SignalSchemas.validate("alerts.v1", noLabels)).isNotEmpty();
  }

  @Test
  void unreadableRecordsFailWithTheTypeAndTheProblem() {
    assertThatThrownBy(
            () ->
                SignalJson.read(
                    "{\"status\":".getBytes(java.nio.charset.StandardCharsets.UTF_8), Health.class))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("not a valid Health record");
  }
}
