package dev.vitals.common.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigNodeTest {

  private final ConfigErrors errors = new ConfigErrors();

  private ConfigNode root(String yaml) {
    return ConfigNode.root(errors, ConfigNode.tree(yaml, errors));
  }

  @Test
  void everyErrorIsCollectedWithItsPathBeforeAnyIsReported() {
    ConfigNode root = root("slos:\n  - {objective: high}\n  - {objective: 0.9, window: 5w}\n");

    for (ConfigNode slo : root.sections("slos")) {
      slo.number("objective", 0.99, 0, 1);
      slo.duration("window", Duration.ofDays(30));
    }
    errors.checkUnknownKeys();

    assertThat(errors.list())
        .containsExactly(
            "slos[0].objective: \"high\" is not a number (expected: a number 0.0..1.0)",
            "slos[1].window: \"5w\" is not a duration (expected: a duration such as 500ms, 90s,"
                + " 10m, 1h30m, 30d)");
  }

  @Test
  void aKeyNobodyReadsIsAnErrorNamingTheKeysThatAre() {
    ConfigNode root = root("incident: {type: silent, errorRatio: 0.5}\n");

    ConfigNode incident = root.section("incident").describedAs("silent");
    incident.string("type", null);
    incident.allow("service");
    errors.checkUnknownKeys();

    assertThat(errors.list())
        .containsExactly(
            "incident.errorRatio: unknown key of silent (expected: one of type, service)");
  }

  @Test
  void aValueOfTheWrongShapeIsAnErrorAndTheDefault() {
    ConfigNode root = root("names: [a, {b: 1}]\nlimits: 5\n");

    List<String> names = root.strings("names");
    ConfigNode limits = root.section("limits");

    assertThat(names).containsExactly("a", null);
    assertThat(limits.present()).isFalse();
    assertThat(errors.list())
        .containsExactly(
            "names[1]: a section is not a plain value",
            "limits: \"5\" is not a section (expected: keys below it)");
  }

  @Test
  void aConstructorsComplaintIsReportedAtTheFieldItNames() {
    ConfigNode rule = root("rules: [{long: 45m}]\n").sections("rules").get(0);

    Object built =
        rule.buildField(
            () -> {
              throw new IllegalArgumentException("longWindow: 45m (expected: one of 1h, 6h)");
            },
            null);

    assertThat(built).isNull();
    assertThat(errors.list()).containsExactly("rules[0].longWindow: 45m (expected: one of 1h, 6h)");
  }

  @Test
  void textThatIsNotAMappingOfKeysIsRefusedWhole() {
    assertThat(ConfigNode.tree("- a\n- b\n", errors)).isNull();
    assertThat(ConfigNode.tree("a: [\n", errors)).isNull();
    assertThat(ConfigNode.tree("", errors)).isEmpty();

    assertThat(errors.list()).hasSize(2);
    assertThat(errors.list().get(0))
        .isEqualTo("(root): a list is not a mapping (expected: keys below it)");
    assertThat(errors.list().get(1)).startsWith("not valid YAML: ");
  }
}
