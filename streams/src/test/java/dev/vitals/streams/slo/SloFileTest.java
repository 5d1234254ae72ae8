package dev.vitals.streams.slo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vitals.common.config.Quantities;
import dev.vitals.schemas.ServiceKey;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SloFileTest {

  private static final SloSettings SETTINGS = SloSettings.defaults();

  @Test
  void theExampleFileGivesCheckoutItsOwnSlosAndEveryOtherServiceTheDefaults() throws IOException {
    String text;
    try (InputStream in = SloFileTest.class.getResourceAsStream("/slo.example.yaml")) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    SloConfig config = SloFile.parse(text, SETTINGS);
    List<SloSpec> checkout = config.slosFor(new ServiceKey("acme", "shop", "checkout"));
    assertThat(checkout)
        .extracting(SloSpec::name)
        .containsExactly("availability", "latency", "latency-slow");
    assertThat(checkout.get(1).threshold()).isEqualTo(Duration.ofMillis(300));
    assertThat(checkout.get(1).kind()).isEqualTo(SloSpec.Kind.LATENCY);
    assertThat(checkout.get(0).period()).isEqualTo(Duration.ofDays(28));
    List<SloSpec> other = config.slosFor(new ServiceKey("acme", "shop", "cart"));
    assertThat(other).extracting(SloSpec::name).containsExactly("availability", "latency");
    assertThat(other.get(0).objective()).isEqualTo(0.999);
    assertThat(config.alerting().rules()).hasSize(4);
  }

  @Test
  void anEmptyFileMeansTheSettingsDefaults() {
    SloConfig config = SloFile.parse("", SETTINGS);
    assertThat(config.slosFor(new ServiceKey("t", "", "x")))
        .extracting(SloSpec::name, SloSpec::objective)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("availability", 0.999),
            org.assertj.core.groups.Tuple.tuple("latency", 0.99));
  }

  @Test
  void everyErrorIsReportedAtOnceWithItsPath() {
    String yaml =
        String.join(
            "\n",
            "defaults:",
            "  slos:",
            "    availability: {objective: 1.5}",
            "    latency: {objective: 0.99, threshold: fast}",
            "alerting:",
            "  rules:",
            "    - {severity: page, long: 45m, short: 5m, factor: 14.4}",
            "services:",
            "  - namespace: shop",
            "    slos: {availability: {objective: 0.99}}",
            "colour: blue");
    assertThatThrownBy(() -> SloFile.parse(yaml, SETTINGS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("defaults.slos.availability.objective: 1.5 (expected: > 0 and < 1)")
        .hasMessageContaining("defaults.slos.latency.threshold: \"fast\"")
        .hasMessageContaining("alerting.rules[0].longWindow: 45m")
        .hasMessageContaining("services[0].name: missing")
        .hasMessageContaining("colour: unknown key");
  }

  @Test
  void theSloFileShownInTheDocsLoads() throws IOException {
    String doc = Files.readString(Path.of("../docs/slo-alerts.md"));
    int start = doc.indexOf("```yaml\n") + "```yaml\n".length();

    SloConfig shown = SloFile.parse(doc.substring(start, doc.indexOf("```", start)), SETTINGS);

    assertThat(shown.slosFor(new ServiceKey("acme", "shop", "checkout")).get(0).period())
        .isEqualTo(Duration.ofDays(28));
  }

  @Test
  void twoErrorsInOneFileAreBothReportedWithTheirPaths() {
    String yaml =
        String.join(
            "\n",
            "services:",
            "  - {name: a, slos: {availability: {objective: 0.99}}}",
            "  - {name: b, slos: {latency: {objective: 2, threshold: 300ms}}}",
            "alerting: {resolveAfter: -5m}");
    assertThatThrownBy(() -> SloFile.parse(yaml, SETTINGS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "invalid SLO file: services[1].slos.latency.objective: 2.0 (expected: > 0 and < 1);"
                + " alerting.resolveAfter: \"-5m\" is negative (expected: a duration of 0s or"
                + " more)");
  }

  @Test
  void aRuleNamesEachKeyItLacks() {
    String yaml = "alerting: {rules: [{severity: page, long: 1h}]}";
    assertThatThrownBy(() -> SloFile.parse(yaml, SETTINGS))
        .hasMessage(
            "invalid SLO file: alerting.rules[0].short: missing (expected: severity, long, short"
                + " and factor); alerting.rules[0].factor: missing (expected: severity, long,"
                + " short and factor)");
  }

  @Test
  void durationsTakeEveryFormOfTheSharedGrammar() {
    String yaml =
        String.join(
            "\n",
            "defaults:",
            "  period: PT720H",
            "  slos: {latency: {objective: 0.99, threshold: 0.25}}",
            "alerting: {resolveAfter: 1m30s}");
    SloConfig config = SloFile.parse(yaml, SETTINGS);
    SloSpec latency = config.slosFor(new ServiceKey("t", "", "x")).get(0);
    assertThat(latency.threshold()).isEqualTo(Duration.ofMillis(250));
    assertThat(latency.period()).isEqualTo(Duration.ofDays(30));
    assertThat(config.alerting().resolveAfter()).isEqualTo(Duration.ofSeconds(90));
  }

  /** Found by SloFileFuzzTest: "period: 30" (a bare number, seconds) escaped with no path. */
  @Test
  void aPeriodOfPartHoursIsAnErrorAtItsPathLikeAnyOther() {
    String yaml =
        String.join(
            "\n",
            "defaults: {period: 30}",
            "services:",
            "  - name: checkout",
            "    period: 90m",
            "    slos: {availability: {objective: 0.99, period: 0s}}",
            "colour: blue");
    assertThatThrownBy(() -> SloFile.parse(yaml, SETTINGS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("invalid SLO file: ")
        .hasMessageContaining("defaults.period: 30s (expected: whole hours")
        .hasMessageContaining("services[0].period: 90m (expected: whole hours")
        .hasMessageContaining("services[0].slos.availability.period: PT0S (expected: > 0)")
        .hasMessageContaining("colour: unknown key");
  }

  @Test
  void durationsReadAsTheFileWritesThem() {
    assertThat(Quantities.parseDuration("300ms")).contains(Duration.ofMillis(300));
    assertThat(Quantities.parseDuration("0.5")).contains(Duration.ofMillis(500));
    assertThat(Quantities.parseDuration("30d")).contains(Duration.ofDays(30));
    assertThat(Quantities.formatDuration(Duration.ofHours(72))).isEqualTo("3d");
    assertThat(Quantities.formatDuration(Duration.ofMinutes(30))).isEqualTo("30m");
  }

  @Test
  void theFingerprintIsAlertmanagers() {
    // Values from prometheus/common model: LabelsToSignature / labelSetToFingerprint.
    assertThat(Fingerprint.of(java.util.Map.of()))
        .isEqualTo(String.format("%016x", 0xcbf29ce484222325L));
    assertThat(
            Fingerprint.of(
                java.util.Map.of("name", "garland, briggs", "fear", "love is not enough")))
        .isEqualTo(String.format("%016x", 5799056148416392346L));
  }
}
