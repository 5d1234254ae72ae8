package dev.vitals.app.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class QuantitiesTest {

  @Test
  void sizesAcceptPlainBytesAndBinaryAndDecimalUnits() {
    assertThat(Quantities.parseSize("1000000")).hasValue(1_000_000);
    assertThat(Quantities.parseSize("64MiB")).hasValue(64L << 20);
    assertThat(Quantities.parseSize("2KiB")).hasValue(2048);
    assertThat(Quantities.parseSize("1GiB")).hasValue(1L << 30);
    assertThat(Quantities.parseSize("5KB")).hasValue(5_000);
    assertThat(Quantities.parseSize("3MB")).hasValue(3_000_000);
  }

  @Test
  void sizesRejectUnknownUnitsAndNonsense() {
    assertThat(Quantities.parseSize("12XB")).isEqualTo(OptionalLong.empty());
    assertThat(Quantities.parseSize("-1")).isEmpty();
    assertThat(Quantities.parseSize("MiB")).isEmpty();
    assertThat(Quantities.parseSize("99999999999999GiB")).isEmpty();
  }

  @Test
  void durationsAcceptMillisecondsSecondsMinutesAndHours() {
    assertThat(Quantities.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Quantities.parseDuration("5s")).isEqualTo(Duration.ofSeconds(5));
    assertThat(Quantities.parseDuration("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(Quantities.parseDuration("1h")).isEqualTo(Duration.ofHours(1));
  }

  @Test
  void durationsTakeDaysForSloPeriods() {
    assertThat(Quantities.parseDuration("30d")).isEqualTo(Duration.ofDays(30));
    assertThat(Quantities.formatDuration(Duration.ofDays(28))).isEqualTo("28d");
  }

  @Test
  void durationsRejectMissingOrUnknownUnits() {
    assertThat(Quantities.parseDuration("5")).isNull();
    assertThat(Quantities.parseDuration("5w")).isNull();
    assertThat(Quantities.parseDuration("fast")).isNull();
  }

  @Test
  void formattingPicksTheShortestExactSpelling() {
    assertThat(Quantities.formatSize(64L << 20)).isEqualTo("64MiB");
    assertThat(Quantities.formatSize(1_000_000)).isEqualTo("1000000");
    assertThat(Quantities.formatDuration(Duration.ofMillis(1500))).isEqualTo("1500ms");
    assertThat(Quantities.formatDuration(Duration.ofSeconds(5))).isEqualTo("5s");
  }
}
