package dev.vitals.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SinksCommandTest {

  @Test
  void sinksWithoutAnyDestinationIsAConfigurationError() {
    assertThat(Vitals.run("sinks")).isEqualTo(Vitals.EXIT_CONFIG);
  }

  @Test
  void standaloneRefusesADestinationFlagThatIsNotAnHttpUrl() {
    assertThat(Vitals.run("standalone", "--alertmanager-url", "ftp://am:9093"))
        .isEqualTo(Vitals.EXIT_CONFIG);
  }
}
