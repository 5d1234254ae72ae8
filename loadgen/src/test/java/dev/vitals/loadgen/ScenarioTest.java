package dev.vitals.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vitals.common.config.Quantities;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScenarioTest {

  @TempDir Path dir;

  @Test
  void theDemoScenarioHasEightServicesAndItsFourIncidents() throws Exception {
    Scenario demo = Scenario.builtIn("demo");

    assertThat(demo.namespace()).isEqualTo("shop");
    assertThat(demo.services())
        .containsExactly(
            "frontend",
            "checkout",
            "payments",
            "cart",
            "catalog",
            "search",
            "shipping",
            "accounts");
    assertThat(demo.incidents())
        .containsExactly(
            Incident.errorSpike("payments", Duration.ofSeconds(30), Duration.ofMinutes(10), 0.25),
            Incident.latencyRegression("search", Duration.ofMinutes(2), Duration.ofMinutes(15), 4),
            Incident.slowBurn(
                "accounts",
                Duration.ofMinutes(4),
                Duration.ofMinutes(116),
                0.005,
                Duration.ofMinutes(20)),
            Incident.silent("shipping", Duration.ofMinutes(5), Duration.ofMinutes(10)));
    assertThat(demo.baseline()).isEqualTo(Baseline.DEFAULT);
    assertThat(demo.calls().get("checkout"))
        .as("checkout calls payments for every request: payments' failures are checkout's")
        .containsEntry("payments", 1.0)
        .containsEntry("postgresql/orders", 1.0);
    assertThat(demo.calls().get("frontend")).containsEntry("checkout", 0.03);
  }

  @Test
  void callsNameServicesOrDatabasesWithSharesAndNoCycle() {
    assertThatThrownBy(
            () ->
                Scenario.parse(
                    "services: {names: [a, b]}\n"
                        + "calls:\n"
                        + "  a: {b: 1, nowhere: 0.5}\n"
                        + "  b: {a: 2}\n",
                    "t"))
        .isInstanceOf(ScenarioException.class)
        .hasMessageContaining("calls.a: \"nowhere\" (expected: another service, or a database")
        .hasMessageContaining("calls.b.a: \"2\" is out of range (expected: 0 to 1)");
    assertThatThrownBy(
            () -> Scenario.parse("services: {names: [a, b]}\ncalls: {a: {b: 1}, b: {a: 1}}\n", "t"))
        .hasMessageContaining("no cycle of calls");
  }

  @Test
  void theSteadyScenarioHasNoIncidents() throws Exception {
    Scenario steady = Scenario.resolve("steady");

    assertThat(steady.services()).hasSize(8);
    assertThat(steady.incidents()).isEmpty();
  }

  @Test
  void aCountBeyondTheListedNamesAddsGeneratedNames() throws Exception {
    Scenario s =
        Scenario.parse(
            "services:\n  count: 4\n  names: [checkout, frontend]\nbaseline:\n  rate: 5\n", "t");

    assertThat(s.services()).containsExactly("checkout", "frontend", "payments", "cart");
    assertThat(s.baseline().rate()).isEqualTo(5);
    assertThat(s.length()).isEqualTo(Duration.ofHours(1));
  }

  @Test
  void aScenarioFileIsReadByPathAndNamedAfterIt() throws Exception {
    Path file = dir.resolve("outage.yaml");
    Files.writeString(
        file,
        "services: [api]\nlength: 90m\nincidents:\n"
            + "  - {type: slow_burn, service: api, at: 0s, duration: 1h, errorRatio: 0.01}\n");

    Scenario s = Scenario.resolve(file.toString());

    assertThat(s.name()).isEqualTo("outage");
    assertThat(s.length()).isEqualTo(Duration.ofMinutes(90));
    assertThat(s.incidents().get(0).ramp())
        .as("a quarter of the duration")
        .isEqualTo(Duration.ofMinutes(15));
  }

  @Test
  void everyProblemIsReportedWithItsPathValueAndWhatWasExpected() {
    String yaml =
        "services:\n"
            + "  names: [checkout, checkout]\n"
            + "baseline:\n"
            + "  rate: -1\n"
            + "  errorRatio: 1.5\n"
            + "  latency: 60ms\n"
            + "incidents:\n"
            + "  - type: error_spike\n"
            + "    service: chekout\n"
            + "    at: 10x\n"
            + "    duration: 5m\n"
            + "  - type: meltdown\n"
            + "    service: checkout\n"
            + "    at: 1m\n"
            + "    duration: 0s\n"
            + "  - type: latency_regression\n"
            + "    service: checkout\n"
            + "    at: 1m\n"
            + "    duration: 2m\n"
            + "    errorRatio: 0.5\n"
            + "    latencyFactor: two\n";

    assertThatThrownBy(() -> Scenario.parse(yaml, "bad.yaml"))
        .isInstanceOfSatisfying(
            ScenarioException.class,
            e ->
                assertThat(e.errors())
                    .containsExactly(
                        "baseline.rate: \"-1\" is out of range (expected: 0 to 1000000)",
                        "baseline.errorRatio: \"1.5\" is out of range (expected: a ratio from 0"
                            + " to 1)",
                        "services.names[1]: \"checkout\" (expected: a name not listed before)",
                        "incidents[0].service: \"chekout\" (expected: one of [checkout])",
                        "incidents[0].at: \"10x\" is not a duration (expected: a duration such as"
                            + " 500ms, 90s, 10m, 1h30m, 30d)",
                        "incidents[0].errorRatio: missing (expected: a ratio from 0 to 1, e.g. 0.25)",
                        "incidents[1].type: \"meltdown\" (expected: one of error_spike,"
                            + " latency_regression, silent, slow_burn)",
                        "incidents[1].duration: \"0s\" (expected: more than 0s)",
                        "incidents[2].latencyFactor: \"two\" is not a number (expected: more than 0"
                            + " and at most 1000, e.g. 3 for three times slower)",
                        "baseline.latency: unknown key (expected: one of rate, errorRatio,"
                            + " latencyMedian, latencySigma)",
                        "incidents[2].errorRatio: unknown key of latency_regression (expected: one"
                            + " of type, service, at, duration, latencyFactor)"));
  }

  @Test
  void theScenarioFileShownInTheDocsLoads() throws Exception {
    String doc = Files.readString(Path.of("../docs/loadgen.md"));
    int start = doc.indexOf("```yaml\n") + "```yaml\n".length();

    Scenario shown = Scenario.parse(doc.substring(start, doc.indexOf("```", start)), "loadgen.md");

    assertThat(shown.incidents()).hasSize(4);
    assertThat(shown.incidents().get(3).ramp()).isEqualTo(Duration.ofMinutes(20));
  }

  @Test
  void twoErrorsInOneScenarioAreBothReportedWithTheirPaths() {
    String yaml =
        "services: [a, b]\n"
            + "length: soon\n"
            + "incidents:\n"
            + "  - {type: silent, service: c, at: 1m, duration: 5m}\n";

    assertThatThrownBy(() -> Scenario.parse(yaml, "two.yaml"))
        .isInstanceOfSatisfying(
            ScenarioException.class,
            e ->
                assertThat(e.errors())
                    .containsExactly(
                        "length: \"soon\" is not a duration (expected: a duration such as 500ms,"
                            + " 90s, 10m, 1h30m, 30d)",
                        "incidents[0].service: \"c\" (expected: one of [a, b])"));
  }

  @Test
  void aScenarioWithoutServicesOrWithBrokenYamlIsRefused() {
    assertThatThrownBy(() -> Scenario.parse("namespace: shop\n", "a.yaml"))
        .isInstanceOfSatisfying(
            ScenarioException.class,
            e ->
                assertThat(e.errors())
                    .containsExactly(
                        "services: missing (expected: a list of names, or count: and names:)"));
    assertThatThrownBy(() -> Scenario.parse("services: [a\n", "b.yaml"))
        .isInstanceOfSatisfying(
            ScenarioException.class,
            e -> assertThat(e.errors()).singleElement().asString().startsWith("not valid YAML"));
  }

  @Test
  void anUnknownNameIsNeitherFileNorBuiltIn() {
    assertThatThrownBy(() -> Scenario.resolve("dmeo"))
        .isInstanceOfSatisfying(
            ScenarioException.class,
            e ->
                assertThat(e.errors())
                    .containsExactly(
                        "\"dmeo\" is neither a file nor a built-in scenario (expected: a YAML file"
                            + " or one of demo, steady)"));
  }

  @Test
  void fewerServicesDropTheIncidentsOfTheOnesLeftOut() throws Exception {
    Scenario three = Scenario.builtIn("demo").withServiceCount(3);

    assertThat(three.services()).containsExactly("frontend", "checkout", "payments");
    assertThat(three.incidents()).extracting(Incident::service).containsExactly("payments");
    assertThat(three.calls().get("frontend"))
        .as("calls to services left out are dropped too")
        .containsOnlyKeys("checkout");
    assertThat(three.calls().get("checkout")).containsOnlyKeys("payments", "postgresql/orders");
    assertThat(Scenario.builtIn("demo").withServiceCount(10).services())
        .endsWith("inventory", "recommendations");
  }

  @Test
  void durationsReadTheUsualShortForms() {
    assertThat(Quantities.parseDuration("1h30m")).contains(Duration.ofMinutes(90));
    assertThat(Quantities.parseDuration("-3d")).contains(Duration.ofDays(-3));
    assertThat(Quantities.parseDuration("250ms")).contains(Duration.ofMillis(250));
    assertThat(Quantities.parseDuration("PT10S")).contains(Duration.ofSeconds(10));
    assertThat(Quantities.parseDuration("10x")).isEmpty();
    assertThat(Quantities.formatDurationMixed(Duration.ofMinutes(90))).isEqualTo("1h30m");
  }
}
