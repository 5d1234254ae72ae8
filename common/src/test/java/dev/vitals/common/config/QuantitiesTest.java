package dev.vitals.common.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class QuantitiesTest {

  /** Every form the three former grammars accepted, and what each means. */
  static Stream<Arguments> durations() {
    return Stream.of(
        // one unit, as vitals.yaml, the SLO file and scenarios all wrote it
        Arguments.of("300ms", Duration.ofMillis(300)),
        Arguments.of("5s", Duration.ofSeconds(5)),
        Arguments.of("2m", Duration.ofMinutes(2)),
        Arguments.of("1h", Duration.ofHours(1)),
        Arguments.of("30d", Duration.ofDays(30)),
        Arguments.of("0s", Duration.ZERO),
        Arguments.of(" 10s ", Duration.ofSeconds(10)),
        // vitals.yaml: spaces between number and unit
        Arguments.of("5 s", Duration.ofSeconds(5)),
        // SLO file: fractions and bare seconds
        Arguments.of("1.5h", Duration.ofMinutes(90)),
        Arguments.of("0.25s", Duration.ofMillis(250)),
        Arguments.of("0.5", Duration.ofMillis(500)),
        Arguments.of("30", Duration.ofSeconds(30)),
        Arguments.of("0.0000000015s", Duration.ofNanos(2)),
        // scenarios and loadgen options: mixed units, signs, ISO-8601
        Arguments.of("1h30m", Duration.ofMinutes(90)),
        Arguments.of("1d2h3m4s5ms", Duration.parse("P1DT2H3M4.005S")),
        Arguments.of("1s500ms", Duration.ofMillis(1500)),
        Arguments.of("-3d", Duration.ofDays(-3)),
        Arguments.of("+5m", Duration.ofMinutes(5)),
        Arguments.of("PT10S", Duration.ofSeconds(10)),
        Arguments.of("pt10m", Duration.ofMinutes(10)),
        Arguments.of("P1DT2H", Duration.ofHours(26)),
        Arguments.of("-PT1H", Duration.ofHours(-1)),
        // exact, not rounded through floating point, far beyond what nanoseconds in a long hold
        Arguments.of("100000000d", Duration.ofDays(100_000_000)));
  }

  @ParameterizedTest(name = "\"{0}\" is {1}")
  @MethodSource("durations")
  void everyDocumentedDurationFormParses(String text, Duration expected) {
    assertThat(Quantities.parseDuration(text)).contains(expected);
  }

  @ParameterizedTest(name = "\"{0}\" is not a duration")
  @ValueSource(
      strings = {
        "",
        "fast",
        "5 seconds",
        "5w",
        "5S",
        "10x",
        "s",
        "1.s",
        ".5s",
        "1h 30m",
        "1e3",
        "--5s",
        "P",
        "PTXS",
        "99999999999999999999d"
      })
  void anythingElseIsNotADuration(String text) {
    assertThat(Quantities.parseDuration(text)).isEmpty();
  }

  @Test
  void aBadDurationIsReportedWithItsPathTheValueAndTheForms() {
    ConfigErrors errors = new ConfigErrors();
    ConfigNode root = ConfigNode.root(errors, ConfigNode.tree("timeout: 5w\nwait: -1s\n", errors));

    root.duration("timeout", Duration.ZERO);
    root.duration("wait", Duration.ZERO);

    assertThat(errors.list())
        .containsExactly(
            "timeout: \"5w\" is not a duration (expected: a duration such as 500ms, 90s, 10m,"
                + " 1h30m, 30d)",
            "wait: \"-1s\" is negative (expected: a duration of 0s or more)");
  }

  static Stream<Arguments> sizes() {
    return Stream.of(
        Arguments.of("1000000", 1_000_000L),
        Arguments.of("512B", 512L),
        Arguments.of("2KiB", 2048L),
        Arguments.of("64MiB", 64L << 20),
        Arguments.of("64mib", 64L << 20),
        Arguments.of("1GiB", 1L << 30),
        Arguments.of("5KB", 5_000L),
        Arguments.of("3MB", 3_000_000L),
        Arguments.of("1GB", 1_000_000_000L),
        Arguments.of(" 8 KiB ", 8192L));
  }

  @ParameterizedTest(name = "\"{0}\" is {1} bytes")
  @MethodSource("sizes")
  void everyDocumentedSizeFormParses(String text, long bytes) {
    assertThat(Quantities.parseSize(text)).hasValue(bytes);
  }

  @ParameterizedTest(name = "\"{0}\" is not a size")
  @ValueSource(strings = {"12XB", "-1", "MiB", "1.5MiB", "99999999999999GiB", ""})
  void anythingElseIsNotASize(String text) {
    assertThat(Quantities.parseSize(text)).isEqualTo(OptionalLong.empty());
  }

  @Test
  void aBadSizeIsReportedWithItsPathTheValueAndTheForms() {
    ConfigErrors errors = new ConfigErrors();
    ConfigNode root = ConfigNode.root(errors, ConfigNode.tree("max: 12XB\n", errors));

    root.size("max", 1, 1, Long.MAX_VALUE);

    assertThat(errors.list())
        .containsExactly(
            "max: \"12XB\" is not a size (expected: a size such as 512B, 64KiB, 64MiB, 1GB)");
  }

  @Test
  void formattingPicksTheShortestExactSpellingInOneUnit() {
    assertThat(Quantities.formatDuration(Duration.ofMillis(1500))).isEqualTo("1500ms");
    assertThat(Quantities.formatDuration(Duration.ofSeconds(5))).isEqualTo("5s");
    assertThat(Quantities.formatDuration(Duration.ofMinutes(30))).isEqualTo("30m");
    assertThat(Quantities.formatDuration(Duration.ofHours(72))).isEqualTo("3d");
    assertThat(Quantities.formatDuration(Duration.ofDays(28))).isEqualTo("28d");
    assertThat(Quantities.formatDuration(Duration.ZERO)).isEqualTo("0s");
    assertThat(Quantities.formatDuration(Duration.ofNanos(250_000))).isEqualTo("0.25ms");
    assertThat(Quantities.formatDuration(Duration.ofNanos(1_000_000_002)))
        .isEqualTo("1000.000002ms");
    assertThat(Quantities.formatSize(64L << 20)).isEqualTo("64MiB");
    assertThat(Quantities.formatSize(1_000_000)).isEqualTo("1000000");
  }

  @Test
  void mixedFormattingReadsLikeAClock() {
    assertThat(Quantities.formatDurationMixed(Duration.ofMinutes(90))).isEqualTo("1h30m");
    assertThat(Quantities.formatDurationMixed(Duration.ofMillis(1250))).isEqualTo("1s250ms");
    assertThat(Quantities.formatDurationMixed(Duration.ofDays(-3))).isEqualTo("-3d");
    assertThat(Quantities.formatDurationMixed(Duration.ZERO)).isEqualTo("0s");
  }

  @ParameterizedTest(name = "{0} survives formatting")
  @MethodSource("durations")
  void whatIsFormattedParsesBackToTheSameDuration(String text, Duration d) {
    assertThat(Quantities.parseDuration(Quantities.formatDuration(d))).isEqualTo(Optional.of(d));
    Duration millis = Duration.ofMillis(d.toMillis());
    assertThat(Quantities.parseDuration(Quantities.formatDurationMixed(millis)))
        .isEqualTo(Optional.of(millis));
  }
}
