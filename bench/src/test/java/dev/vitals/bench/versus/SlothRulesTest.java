package dev.vitals.bench.versus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The head-to-head is only fair if Prometheus' side pages right: Prometheus' own rule tester
 * ({@code promtool test rules}) runs the generated rules over a service at 20 % errors and one at
 * 0.05 %, and the first must page (and ticket) while the second stays quiet.
 */
class SlothRulesTest {

  @Test
  void pagesTheFailingServiceAndNotTheHealthyOne(@TempDir Path dir) throws Exception {
    Path promtool = Path.of("/usr/bin/promtool");
    if (!Files.isExecutable(promtool)) {
      if (System.getenv("CI") != null) {
        fail("promtool is missing (apt-get install prometheus): the rules must be checked on CI");
      }
      assumeTrue(false, "promtool is not installed");
    }
    Files.writeString(dir.resolve("rules.yml"), SlothRules.yaml(0.999));
    String count = "http_server_request_duration_seconds_count";
    Files.writeString(
        dir.resolve("test.yml"),
        String.join(
            "\n",
            "rule_files: [rules.yml]",
            "evaluation_interval: 30s",
            "tests:",
            "  - interval: 10s",
            "    input_series:",
            "      - series: '"
                + count
                + "{job=\"shop/failing\",http_response_status_code=\"200\"}'",
            "        values: '0+80x200'",
            "      - series: '"
                + count
                + "{job=\"shop/failing\",http_response_status_code=\"500\"}'",
            "        values: '0+20x200'",
            "      - series: '"
                + count
                + "{job=\"shop/healthy\",http_response_status_code=\"200\"}'",
            "        values: '0+99.95x200'",
            "      - series: '"
                + count
                + "{job=\"shop/healthy\",http_response_status_code=\"500\"}'",
            "        values: '0+0.05x200'",
            "    alert_rule_test:",
            "      - eval_time: 10m",
            "        alertname: SLOErrorBudgetBurn",
            "        exp_alerts:",
            "          - exp_labels: {job: shop/failing, severity: page, source: prometheus}",
            "          - exp_labels: {job: shop/failing, severity: ticket, source: prometheus}",
            ""));
    Process test =
        new ProcessBuilder(promtool.toString(), "test", "rules", "test.yml")
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .start();
    String output = new String(test.getInputStream().readAllBytes());
    assertThat(test.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(test.exitValue()).as(output).isZero();
    assertThat(output).contains("SUCCESS");
  }
}
