package dev.vitals.sinks.alertmanager;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PostableAlertsTest {

  private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");

  @Test
  void bodyIsAnArrayOfPostableAlerts() {
    AlertState.Due due = new AlertState.Due("fp", 1, Alerts.firing("A", T0), T0.plusSeconds(240));

    assertThat(PostableAlerts.json(List.of(due)))
        .isEqualTo(
            "[{\"labels\":{\"alertname\":\"A\",\"service\":\"checkout\",\"severity\":\"page\"},"
                + "\"annotations\":{\"description\":\"14.4x burn over 1h and 5m\","
                + "\"summary\":\"checkout burns its error budget\"},"
                + "\"startsAt\":\"2026-01-01T10:00:00Z\",\"endsAt\":\"2026-01-01T10:04:00Z\","
                + "\"generatorURL\":\"http://vitals.example/services/checkout\"}]");
  }

  @Test
  void batchesHoldAtMostFiveHundredAlertsAndOneTenantEach() {
    List<AlertState.Due> due =
        IntStream.range(0, 1001)
            .mapToObj(
                i ->
                    new AlertState.Due(
                        "fp" + i,
                        1,
                        Alerts.firing("A" + i, T0, Map.of("tenant", i % 2 == 0 ? "a" : "b")),
                        T0))
            .toList();

    List<PostableAlerts.Batch> batches = PostableAlerts.batches(due, true, 500);

    assertThat(batches).extracting(PostableAlerts.Batch::tenant).containsExactly("a", "a", "b");
    assertThat(batches).extracting(b -> b.alerts().size()).containsExactly(500, 1, 500);
    assertThat(PostableAlerts.batches(due, false, 500))
        .extracting(PostableAlerts.Batch::tenant)
        .containsExactly(null, null, null);
  }
}
