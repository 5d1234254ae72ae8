package dev.vitals.sinks.series;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.schemas.signals.ServiceWindow;
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

  @Test
  void servicesWhoseNamesCollideWhenJoinedBySlashesAreDifferentSeries() {
    Sample slashInNamespace = SeriesMapper.windowSamples(window("coll/ide", "svc")).get(0);
    Sample slashInName = SeriesMapper.windowSamples(window("coll", "ide/svc")).get(0);

    assertThat(slashInNamespace.labels())
        .containsEntry("namespace", "coll/ide")
        .containsEntry("service", "svc");
    assertThat(slashInName.labels())
        .containsEntry("namespace", "coll")
        .containsEntry("service", "ide/svc");
    assertThat(slashInNamespace.seriesKey()).isNotEqualTo(slashInName.seriesKey());
  }
}
