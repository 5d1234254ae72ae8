package dev.vitals.sinks.series;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.schemas.signals.ServiceWindow;
import dev.vitals.sinks.SinkSettings;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SeriesMapperTest {

  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  private static ServiceWindow window(String namespace, String service) {
    return new ServiceWindow(
        "a",
        namespace,
        service,
        null,
        START,
        START.plusSeconds(60),
        0,
        10,
        1,
        new ServiceWindow.Latency(0.1, 0.2, 0.3, 0.4, null),
        Map.of(),
        10,
        1,
        List.of(),
        List.of(),
        false);
  }

  private static ServiceWindow correction(int revision) {
    ServiceWindow w = window("shop", "cart");
    return new ServiceWindow(
            w.tenant(),
            w.namespace(),
            w.service(),
            "GET /cart",
            w.windowStart(),
            w.windowEnd(),
            revision,
            12,
            2,
            w.latency(),
            Map.of("ERROR", 2L),
            12,
            2,
            List.of(),
            List.of(),
            false)
        .withTotals(
            new ServiceWindow.Totals(
                START.minusSeconds(600),
                START.plusMillis(120_001),
                912,
                30,
                915,
                31,
                Map.of("ERROR", 7L, "INFO", 100L),
                null));
  }

  private static Map<String, SeriesSample> byName(List<SeriesSample> samples) {
    Map<String, SeriesSample> out = new java.util.HashMap<>();
    for (SeriesSample s : samples) {
      out.put(s.name() + s.labels().getOrDefault("severity", ""), s);
    }
    return out;
  }

  @Test
  void runningTotalsBecomeCountersStampedWithTheirOwnSampleTimeAndStart() {
    Map<String, SeriesSample> samples =
        byName(
            SeriesMapper.windowSamples(
                correction(0), SinkSettings.Corrections.ONCE, SinkSettings.Histograms.CLASSIC));

    SeriesSample requests = samples.get("vitals_requests_total");
    assertThat(requests.type()).isEqualTo(SeriesSample.Type.COUNTER);
    assertThat(requests.value()).isEqualTo(912);
    assertThat(requests.timestampMs()).isEqualTo(START.plusMillis(120_001).toEpochMilli());
    assertThat(requests.startMs()).isEqualTo(START.minusSeconds(600).toEpochMilli());
    assertThat(requests.labels())
        .containsEntry("operation", "GET /cart")
        .containsEntry("service", "cart");
    assertThat(samples.get("vitals_errors_total").value()).isEqualTo(30);
    assertThat(samples.get("vitals_spans_total").value()).isEqualTo(915);
    assertThat(samples.get("vitals_error_spans_total").value()).isEqualTo(31);
    assertThat(samples.get("vitals_log_records_totalERROR").value()).isEqualTo(7);
    assertThat(samples.get("vitals_log_records_totalDEBUG").value()).isZero();
    assertThat(samples.get("vitals_window_requests").type()).isEqualTo(SeriesSample.Type.GAUGE);
    assertThat(samples.get("vitals_window_requests").timestampMs())
        .isEqualTo(START.plusSeconds(60).toEpochMilli());
  }

  @Test
  void
      aCorrectionWritesOnlyTheCountersToAStoreThatTakesASampleOnceAndEverythingToOneThatOverwrites() {
    List<SeriesSample> once =
        SeriesMapper.windowSamples(
            correction(1), SinkSettings.Corrections.ONCE, SinkSettings.Histograms.CLASSIC);
    List<SeriesSample> overwrite =
        SeriesMapper.windowSamples(
            correction(1), SinkSettings.Corrections.OVERWRITE, SinkSettings.Histograms.CLASSIC);

    assertThat(once).isNotEmpty().allMatch(s -> s.type() == SeriesSample.Type.COUNTER);
    assertThat(overwrite).containsAll(once);
    assertThat(byName(overwrite).get("vitals_window_requests").value()).isEqualTo(12);
  }

  @Test
  void aWindowWithoutTotalsHasNoCounters() {
    assertThat(
            SeriesMapper.windowSamples(
                window("shop", "cart"),
                SinkSettings.Corrections.ONCE,
                SinkSettings.Histograms.CLASSIC))
        .isNotEmpty()
        .allMatch(s -> s.type() == SeriesSample.Type.GAUGE);
  }

  @Test
  void servicesWhoseNamesCollideWhenJoinedBySlashesAreDifferentSeries() {
    SeriesSample slashInNamespace =
        SeriesMapper.windowSamples(
                window("coll/ide", "svc"),
                SinkSettings.Corrections.ONCE,
                SinkSettings.Histograms.CLASSIC)
            .get(0);
    SeriesSample slashInName =
        SeriesMapper.windowSamples(
                window("coll", "ide/svc"),
                SinkSettings.Corrections.ONCE,
                SinkSettings.Histograms.CLASSIC)
            .get(0);

    assertThat(slashInNamespace.labels())
        .containsEntry("namespace", "coll/ide")
        .containsEntry("service", "svc");
    assertThat(slashInName.labels())
        .containsEntry("namespace", "coll")
        .containsEntry("service", "ide/svc");
    assertThat(slashInNamespace.seriesKey()).isNotEqualTo(slashInName.seriesKey());
  }
}
