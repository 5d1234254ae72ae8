package dev.vitals.streams.window;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class WindowSettingsTest {

  @Test
  void defaultsAreOneMinuteWindowsWithTenSecondsOfGrace() {
    assertThat(WindowSettings.DEFAULTS.windowSize()).isEqualTo(Duration.ofMinutes(1));
    assertThat(WindowSettings.DEFAULTS.grace()).isEqualTo(Duration.ofSeconds(10));
    assertThat(WindowSettings.DEFAULTS.correctionHorizon()).isEqualTo(Duration.ofMinutes(10));
    assertThat(WindowSettings.DEFAULTS.maxServicesPerTenant()).isEqualTo(1000);
  }

  @Test
  void aCorrectionHorizonShorterThanGraceIsRefusedWithBothValues() {
    assertThatThrownBy(
            () ->
                WindowSettings.builder()
                    .grace(Duration.ofMinutes(1))
                    .correctionHorizon(Duration.ofSeconds(30))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("correctionHorizon: PT30S (expected: >= grace PT1M)");
  }

  @Test
  void aZeroWindowIsRefused() {
    assertThatThrownBy(() -> WindowSettings.builder().windowSize(Duration.ZERO).build())
        .hasMessage("windowSize: PT0S (expected: > 0)");
  }
}
