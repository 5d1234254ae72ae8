package dev.vitals.streams.window;

import static dev.vitals.streams.window.OtlpFixtures.serverSpan;
import static dev.vitals.streams.window.OtlpFixtures.spans;
import static dev.vitals.streams.window.WindowHarness.T0_MS;
import static dev.vitals.streams.window.WindowHarness.at;
import static java.time.Duration.ofHours;
import static java.time.Duration.ofMinutes;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.vitals.schemas.Signal;
import dev.vitals.schemas.signals.ServiceWindow;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The less travelled roads of the window topology: units, RPC, budgets, skew, forgetting. */
class WindowEdgeCasesTest {

  @TempDir Path stateDir;
  private WindowHarness harness;

  private WindowHarness start(WindowSettings settings) {
    harness = new WindowHarness(settings, stateDir);
    return harness;
  }

  @AfterEach
  void close() {
    if (harness != null) {
      harness.close();
    }
  }

  private static List<ServiceWindow> of(
      List<ServiceWindow> windows, String service, String operation) {
    return windows.stream()
        .filter(w -> w.service().equals(service) && Objects.equals(w.operation(), operation))
        .collect(Collectors.toList());
  }

  private static ServiceWindow at0(List<ServiceWindow> windows, String service, String operation) {
    List<ServiceWindow> found =
        of(windows, service, operation).stream()
            .filter(w -> w.windowStart().equals(Instant.ofEpochMilli(T0_MS)))
            .collect(Collectors.toList());
    assertThat(found).as("%s %s in %s", service, operation, windows).hasSize(1);
    return found.get(0);
  }

  private void sendSpans(String service, Span... spans) {
    harness.send(Signal.TRACES, "acme", service, spans(service, List.of(spans)));
  }

  private static Metric rpcMilliseconds(long startMs, long timeMs, long grpcStatus, long[] counts) {
    HistogramDataPoint.Builder p =
        HistogramDataPoint.newBuilder()
            .setStartTimeUnixNano(startMs * OtlpFixtures.MS)
            .setTimeUnixNano(timeMs * OtlpFixtures.MS)
            .addAttributes(OtlpFixtures.str("rpc.service", "shop.Cart"))
            .addAttributes(OtlpFixtures.str("rpc.method", "Add"))
            .addAttributes(OtlpFixtures.num("rpc.grpc.status_code", grpcStatus))
            .addExplicitBounds(10)
            .addExplicitBounds(100);
    long total = 0;
    for (long c : counts) {
      p.addBucketCounts(c);
      total += c;
    }
    return Metric.newBuilder()
        .setName("rpc.server.duration")
        .setUnit("ms")
        .setHistogram(
            Histogram.newBuilder()
                .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA)
                .addDataPoints(p.setCount(total).setMin(2).setMax(250)))
        .build();
  }

  @Test
  void rpcMetricsInMillisecondsCountNonOkStatusesAsErrorsWithLatencyInSeconds() {
    start(WindowSettings.DEFAULTS);
    harness.send(
        Signal.METRICS,
        "acme",
        "cart",
        OtlpFixtures.metrics(
            "cart",
            rpcMilliseconds(at(ofSeconds(0)), at(ofSeconds(10)), 0, new long[] {8, 0, 0}),
            rpcMilliseconds(at(ofSeconds(0)), at(ofSeconds(10)), 14, new long[] {0, 0, 2})));

    harness.advance(ofSeconds(61));

    ServiceWindow w = at0(harness.windows(), "cart", "shop.Cart/Add");
    assertThat(w.requests()).isEqualTo(10);
    assertThat(w.errors()).isEqualTo(2);
    assertThat(w.latency().max()).isCloseTo(0.25, within(0.01));
    assertThat(w.latency().p50()).isLessThan(0.010);
  }

  @Test
  void aCumulativePointRepeatedIsCountedOnceAndTheRepeatIsDropped() {
    start(WindowSettings.DEFAULTS);
    Metric point =
        OtlpFixtures.explicit(
            true, at(ofSeconds(-5)), at(ofSeconds(10)), new double[] {1}, new long[] {3, 0});
    harness.send(Signal.METRICS, "acme", "api", OtlpFixtures.metrics("api", point));
    harness.send(Signal.METRICS, "acme", "api", OtlpFixtures.metrics("api", point));

    harness.advance(ofSeconds(61));

    assertThat(at0(harness.windows(), "api", null).requests()).isEqualTo(3);
    assertThat(harness.metric("vitals_streams_dropped_records_total{reason=\"duplicate\"}"))
        .isEqualTo(1);
  }

  @Test
  void aPointWithMoreBucketsThanAnyInstrumentationUsesIsDroppedAndCountedAndItsNeighboursCount() {
    start(WindowSettings.DEFAULTS);
    long[] edgeCounts = new long[HistogramBuckets.MAX_BUCKETS];
    edgeCounts[10] = 7;
    long[] wideCounts = new long[HistogramBuckets.MAX_BUCKETS + 1];
    wideCounts[10] = 5;
    harness.send(
        Signal.METRICS,
        "acme",
        "api",
        OtlpFixtures.metrics(
            "api",
            OtlpFixtures.explicit(
                true,
                at(ofSeconds(-5)),
                at(ofSeconds(10)),
                bounds(HistogramBuckets.MAX_BUCKETS - 1),
                edgeCounts,
                OtlpFixtures.str("http.route", "/edge")),
            OtlpFixtures.explicit(
                true,
                at(ofSeconds(-5)),
                at(ofSeconds(10)),
                bounds(HistogramBuckets.MAX_BUCKETS),
                wideCounts,
                OtlpFixtures.str("http.route", "/wide")),
            // 0.001 s and 1,000 s at scale 8 are ~5,100 buckets apart.
            OtlpFixtures.exponential(
                false,
                at(ofSeconds(0)),
                at(ofSeconds(10)),
                8,
                new double[] {0.001, 1000},
                OtlpFixtures.str("http.route", "/wider"))));

    harness.advance(ofSeconds(61));

    List<ServiceWindow> windows = harness.windows();
    assertThat(at0(windows, "api", null).requests()).isEqualTo(7);
    assertThat(at0(windows, "api", "/edge").requests()).isEqualTo(7);
    assertThat(of(windows, "api", "/wide")).isEmpty();
    assertThat(harness.metric("vitals_streams_dropped_records_total{reason=\"too_many_buckets\"}"))
        .isEqualTo(2);
  }

  private static double[] bounds(int n) {
    double[] bounds = new double[n];
    for (int i = 0; i < n; i++) {
      bounds[i] = 0.001 * (i + 1);
    }
    return bounds;
  }

  @Test
  void cumulativeSeriesBeyondTheServiceBudgetAreDroppedAndCounted() {
    start(WindowSettings.builder().maxSeriesPerService(1).build());
    harness.send(
        Signal.METRICS,
        "acme",
        "api",
        OtlpFixtures.metrics(
            "api",
            OtlpFixtures.explicit(
                true,
                at(ofSeconds(-5)),
                at(ofSeconds(10)),
                new double[] {1},
                new long[] {3, 0},
                OtlpFixtures.str("http.route", "/a")),
            OtlpFixtures.explicit(
                true,
                at(ofSeconds(-5)),
                at(ofSeconds(10)),
                new double[] {1},
                new long[] {4, 0},
                OtlpFixtures.str("http.route", "/b"))));

    harness.advance(ofSeconds(61));

    assertThat(at0(harness.windows(), "api", null).requests()).isEqualTo(3);
    assertThat(harness.metric("vitals_streams_dropped_records_total{reason=\"series_budget\"}"))
        .isEqualTo(1);
    assertThat(harness.metric("vitals_streams_cardinality_overflow_total{budget=\"series\"}"))
        .isEqualTo(1);
  }

  @Test
  void lateMetricsForAWindowPublishedFromSpansReEmitEveryOperationFromMetrics() {
    start(WindowSettings.DEFAULTS);
    sendSpans(
        "api",
        serverSpan("/a", at(ofSeconds(1)), 0.1, false),
        serverSpan("/b", at(ofSeconds(2)), 0.1, false));
    harness.advance(ofSeconds(75));
    assertThat(at0(harness.windows(), "api", null).requests()).isEqualTo(2);

    harness.send(
        Signal.METRICS,
        "acme",
        "api",
        OtlpFixtures.metrics(
            "api",
            OtlpFixtures.explicit(
                false,
                at(ofSeconds(5)),
                at(ofSeconds(10)),
                new double[] {1},
                new long[] {3, 0},
                OtlpFixtures.str("http.route", "/a"))));
    harness.advance(ofSeconds(1));

    List<ServiceWindow> corrected = harness.windows();
    assertThat(corrected).allMatch(w -> w.revision() == 1);
    assertThat(at0(corrected, "api", null).requests()).isEqualTo(3);
    assertThat(at0(corrected, "api", "/a").requests()).isEqualTo(3);
    // Published from its span before; the service reports from metrics now, where /b had none.
    assertThat(at0(corrected, "api", "/b").requests()).isZero();
    int b = corrected.indexOf(at0(corrected, "api", "/b"));
    assertThat(b).isLessThan(corrected.indexOf(at0(corrected, "api", null)));
  }

  @Test
  void aSeriesIdleLongerThanForgetAfterLeavesTheBudgetWhileItsServiceGoesOn() {
    start(WindowSettings.builder().maxSeriesPerService(1).forgetAfter(ofMinutes(5)).build());
    harness.send(Signal.METRICS, "acme", "api", OtlpFixtures.metrics("api", route("/a", 0, 10, 3)));
    for (int minute = 1; minute <= 7; minute++) {
      sendSpans("api", serverSpan("/s", at(ofMinutes(minute)), 0.1, false));
      harness.advance(ofMinutes(1));
    }
    harness.windows();

    long b = 7 * 60 + 20;
    harness.send(
        Signal.METRICS, "acme", "api", OtlpFixtures.metrics("api", route("/b", b - 5, b, 4)));
    harness.advance(ofSeconds(61));

    ServiceWindow w =
        of(harness.windows(), "api", "/b").stream()
            .filter(x -> x.windowStart().equals(Instant.ofEpochMilli(T0_MS + 7 * 60_000)))
            .findFirst()
            .orElseThrow();
    assertThat(w.requests()).isEqualTo(4);
    assertThat(harness.metric("vitals_streams_dropped_records_total{reason=\"series_budget\"}"))
        .isZero();
  }

  @Test
  void aSeriesStoredOneEntryPerStreamByAnEarlierVersionGoesOnFromItsStateIntoItsGroup() {
    start(WindowSettings.DEFAULTS);
    harness.send(
        Signal.METRICS, "acme", "api", OtlpFixtures.metrics("api", route("/a", -5, 10, 3)));
    KeyValueStore<byte[], byte[]> series = harness.driver.getKeyValueStore(WindowStores.SERIES);
    byte[] service = "acme//api".getBytes(StandardCharsets.UTF_8);
    List<byte[]> groups = new ArrayList<>();
    try (KeyValueIterator<byte[], byte[]> it = series.all()) {
      it.forEachRemaining(e -> groups.add(e.key));
    }
    assertThat(groups).hasSize(1);
    SeriesGroup group = SeriesGroup.decode(series.get(groups.get(0)));
    SeriesGroup.Id id = group.ids().iterator().next();
    byte[] legacyKey =
        StoreKeys.underService(
            service, new BinaryWriter(16).putLong(id.a()).putLong(id.b()).toBytes());
    // What an earlier version stored: the stream's state alone, under the stream's identity.
    series.delete(groups.get(0));
    series.put(legacyKey, group.get(id).encode());

    // A repeat first (a duplicate): the state must survive a record that adds nothing.
    harness.send(
        Signal.METRICS, "acme", "api", OtlpFixtures.metrics("api", route("/a", -5, 10, 3)));
    harness.send(
        Signal.METRICS, "acme", "api", OtlpFixtures.metrics("api", route("/a", -5, 20, 8)));
    harness.advance(ofSeconds(61));

    assertThat(at0(harness.windows(), "api", "/a").requests()).isEqualTo(3 + 5);
    assertThat(series.get(legacyKey)).isNull();
    assertThat(SeriesGroup.decode(series.get(groups.get(0))).get(id).timeNanos())
        .isEqualTo(at(ofSeconds(20)) * 1_000_000);
  }

  @Test
  void aWindowStoredOneEntryPerOperationByAnEarlierVersionGoesOnAsOneEntry() {
    start(WindowSettings.DEFAULTS);
    sendSpans(
        "api",
        serverSpan("/a", at(ofSeconds(1)), 0.1, false),
        serverSpan("/b", at(ofSeconds(2)), 0.1, true));
    KeyValueStore<byte[], byte[]> accumulators =
        harness.driver.getKeyValueStore(WindowStores.ACCUMULATORS);
    byte[] service = "acme//api".getBytes(StandardCharsets.UTF_8);
    byte[] key = StoreKeys.accumulator(T0_MS, service, null);
    // What an earlier version stored: the service level and each operation in an entry of its own.
    WindowBundle window = WindowBundle.load(accumulators, T0_MS, service);
    List<String> operations = window.operations();
    assertThat(operations).hasSize(2);
    accumulators.put(key, window.service.encode());
    for (String operation : operations) {
      accumulators.put(
          StoreKeys.accumulator(T0_MS, service, operation), window.operation(operation).encode());
    }

    sendSpans("api", serverSpan("/a", at(ofSeconds(3)), 0.1, true));

    assertThat(keys(accumulators)).containsExactly(key);
    harness.advance(ofSeconds(71));
    List<ServiceWindow> windows = harness.windows();
    ServiceWindow api = at0(windows, "api", null);
    assertThat(api.requests()).isEqualTo(3);
    assertThat(api.errors()).isEqualTo(2);
    assertThat(at0(windows, "api", operations.get(0)).requests()).isEqualTo(2);
    assertThat(at0(windows, "api", operations.get(0)).errors()).isEqualTo(1);
    assertThat(at0(windows, "api", operations.get(1)).requests()).isEqualTo(1);
    assertThat(at0(windows, "api", operations.get(1)).errors()).isEqualTo(1);
  }

  @Test
  void operationsBeyondWhatOneEntryHoldsKeepEntriesOfTheirOwnAndCountAlike() {
    start(WindowSettings.builder().maxOperationsPerService(400).build());
    // 300 operations with 1,000-character routes: about 3 KB each, more than an entry holds.
    List<Span> first = new ArrayList<>();
    List<Span> second = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      first.add(serverSpan(longRoute(i), at(ofSeconds(1)), 0.1, i % 2 == 0));
      second.add(serverSpan(longRoute(i), at(ofSeconds(2)), 0.1, false));
    }
    sendSpans("api", first.toArray(new Span[0]));
    sendSpans("api", second.toArray(new Span[0]));
    KeyValueStore<byte[], byte[]> accumulators =
        harness.driver.getKeyValueStore(WindowStores.ACCUMULATORS);
    List<byte[]> own = new ArrayList<>();
    long largest = 0;
    try (KeyValueIterator<byte[], byte[]> it = accumulators.all()) {
      while (it.hasNext()) {
        var e = it.next();
        largest = Math.max(largest, e.key.length + e.value.length);
        if (StoreKeys.parseAccumulator(e.key).operation() != null) {
          own.add(e.key);
        }
      }
    }
    assertThat(own).hasSizeBetween(100, 299);
    assertThat(largest).isLessThan(WindowBundle.INLINE_BYTES + 4096);

    harness.advance(ofSeconds(71));
    List<ServiceWindow> windows = harness.windows();
    assertThat(at0(windows, "api", null).requests()).isEqualTo(600);
    assertThat(at0(windows, "api", null).errors()).isEqualTo(150);
    List<ServiceWindow> operations =
        windows.stream().filter(w -> w.operation() != null).collect(Collectors.toList());
    assertThat(operations).hasSize(300).allMatch(w -> w.requests() == 2);
    assertThat(operations.stream().mapToLong(ServiceWindow::errors).sum()).isEqualTo(150);

    // A late span of an operation kept on its own is corrected like any other.
    String last = operations.get(operations.size() - 1).operation();
    Span late = serverSpan(longRoute(299), at(ofSeconds(3)), 0.1, true);
    sendSpans("api", late);
    harness.advance(ofSeconds(1));
    List<ServiceWindow> corrected = harness.windows();
    assertThat(at0(corrected, "api", last).requests()).isEqualTo(3);
    assertThat(at0(corrected, "api", last).revision()).isEqualTo(1);
    assertThat(at0(corrected, "api", null).requests()).isEqualTo(601);
  }

  private static String longRoute(int i) {
    return "/" + String.format("%04d", i) + "x".repeat(995);
  }

  private static List<byte[]> keys(KeyValueStore<byte[], byte[]> store) {
    List<byte[]> out = new ArrayList<>();
    try (KeyValueIterator<byte[], byte[]> it = store.all()) {
      it.forEachRemaining(e -> out.add(e.key));
    }
    return out;
  }

  /** A cumulative point of route {@code route}: {@code count} requests since {@code start}. */
  private static Metric route(String route, long startSeconds, long timeSeconds, long count) {
    return OtlpFixtures.explicit(
        true,
        at(ofSeconds(startSeconds)),
        at(ofSeconds(timeSeconds)),
        new double[] {1},
        new long[] {count, 0},
        OtlpFixtures.str("http.route", route));
  }

  @Test
  void recordsFarAheadOfTheClockAreDroppedAsFuture() {
    start(WindowSettings.DEFAULTS);
    sendSpans("api", serverSpan("/a", at(ofSeconds(1)), 0.1, false));
    sendSpans("api", serverSpan("/a", at(ofHours(3)), 0.1, false));

    harness.advance(ofSeconds(70));

    assertThat(at0(harness.windows(), "api", null).requests()).isEqualTo(1);
    assertThat(harness.metric("vitals_streams_dropped_records_total{reason=\"future\"}"))
        .isEqualTo(1);
  }

  @Test
  void aServiceSilentLongerThanForgetAfterGetsNoMoreSilentWindows() {
    start(WindowSettings.builder().forgetAfter(ofMinutes(3)).build());
    sendSpans("gone", serverSpan("/a", at(ofSeconds(1)), 0.1, false));

    for (int i = 0; i < 8; i++) {
      harness.advance(ofMinutes(1));
    }

    List<ServiceWindow> windows = of(harness.windows(), "gone", null);
    assertThat(windows).hasSize(3);
    assertThat(windows.subList(1, 3)).allMatch(ServiceWindow::silent);
  }

  @Test
  void lateDataForASilentWindowReEmitsItAsNotSilent() {
    start(WindowSettings.DEFAULTS);
    sendSpans("api", serverSpan("/a", at(ofSeconds(1)), 0.1, false));
    harness.advance(ofSeconds(130));
    assertThat(of(harness.windows(), "api", null)).hasSize(2);

    sendSpans("api", serverSpan("/a", at(ofSeconds(90)), 0.1, false));
    harness.advance(ofSeconds(1));

    List<ServiceWindow> corrected = of(harness.windows(), "api", null);
    assertThat(corrected).hasSize(1);
    assertThat(corrected.get(0).windowStart()).isEqualTo(Instant.ofEpochMilli(T0_MS + 60_000));
    assertThat(corrected.get(0).revision()).isEqualTo(1);
    assertThat(corrected.get(0).silent()).isFalse();
    assertThat(corrected.get(0).requests()).isEqualTo(1);
  }

  @Test
  void exemplarsPreferErrorSpansThenHistogramExemplarsUpToTheLimit() {
    start(WindowSettings.builder().maxExemplars(2).build());
    Metric withExemplars =
        OtlpFixtures.explicit(
                false, at(ofSeconds(0)), at(ofSeconds(5)), new double[] {1}, new long[] {2, 0})
            .toBuilder()
            .build();
    HistogramDataPoint point =
        withExemplars.getHistogram().getDataPoints(0).toBuilder()
            .addExemplars(
                io.opentelemetry.proto.metrics.v1.Exemplar.newBuilder()
                    .setTraceId(OtlpFixtures.traceId(9))
                    .setAsDouble(0.5))
            .addExemplars(
                io.opentelemetry.proto.metrics.v1.Exemplar.newBuilder()
                    .setTraceId(OtlpFixtures.traceId(10))
                    .setAsDouble(0.6))
            .build();
    Metric metric =
        withExemplars.toBuilder()
            .setHistogram(withExemplars.getHistogram().toBuilder().setDataPoints(0, point))
            .build();
    harness.send(Signal.METRICS, "acme", "api", OtlpFixtures.metrics("api", metric));
    sendSpans("api", serverSpan("/a", at(ofSeconds(6)), 0.1, true));

    harness.advance(ofSeconds(71));

    assertThat(at0(harness.windows(), "api", null).exemplarTraceIds())
        .containsExactly(OtlpFixtures.traceHex(7), OtlpFixtures.traceHex(9));
  }

  @Test
  void anUnreadableStateEntryIsDeletedAndCountedAndTheTaskGoesOn() {
    start(WindowSettings.DEFAULTS);
    sendSpans("api", serverSpan("/a", at(ofSeconds(1)), 0.1, false));
    org.apache.kafka.streams.state.KeyValueStore<byte[], byte[]> accumulators =
        harness.driver.getKeyValueStore(WindowStores.ACCUMULATORS);
    byte[] key =
        StoreKeys.accumulator(
            T0_MS, "acme//bad".getBytes(java.nio.charset.StandardCharsets.UTF_8), null);
    accumulators.put(key, new byte[] {99});

    harness.advance(ofSeconds(70));

    assertThat(at0(harness.windows(), "api", null).requests()).isEqualTo(1);
    assertThat(accumulators.get(key)).isNull();
    assertThat(harness.metric("vitals_streams_dropped_records_total{reason=\"unreadable_state\"}"))
        .isEqualTo(1);
  }

  @Test
  void theTopologyReportsLagAndStateSizePerPartition() {
    start(WindowSettings.DEFAULTS);
    sendSpans("api", serverSpan("/a", at(ofSeconds(1)), 0.1, false));

    harness.advance(ofSeconds(31));

    // The harness's wall clock runs an hour ahead of the data: the windows trail it by as much.
    double lag = WindowHarness.WALL_AHEAD.toSeconds() - 1;
    assertThat(harness.metric("vitals_streams_event_time_lag_seconds{partition=\"0\"}"))
        .isCloseTo(lag, within(0.01));
    assertThat(
            harness.metric(
                "vitals_streams_state_entries{partition=\"0\",store=\"windows-services\"}"))
        .isEqualTo(1);
  }
}
