package dev.vitals.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard names only series a reader can look up: each one is a row of the README's
 * series tables, starting with its name.
 */
class DashboardSeriesTest {

  private static final Path ROOT = Path.of("..");
  private static final Pattern SERIES = Pattern.compile("vitals_[a-z_]+");
  private static final Pattern ROW = Pattern.compile("(?m)^\\| `(vitals_[a-z_]+)` \\|");

  @Test
  void everySeriesTheDashboardQueriesIsARowOfTheReadmeSeriesTables() throws Exception {
    JsonNode dashboard =
        new ObjectMapper().readTree(ROOT.resolve("docker/grafana/dashboards/vitals.json").toFile());
    Set<String> queried = new TreeSet<>();
    for (JsonNode panel : dashboard.path("panels")) {
      for (JsonNode target : panel.path("targets")) {
        names(target.path("expr").asText(), queried);
      }
    }
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      names(variable.path("definition").asText(), queried);
    }
    Set<String> rows = new TreeSet<>();
    Matcher m = ROW.matcher(Files.readString(ROOT.resolve("README.md")));
    while (m.find()) {
      rows.add(m.group(1));
    }

    assertThat(queried).contains("vitals_requests_total", "vitals_request_duration_seconds_bucket");
    assertThat(rows).containsAll(queried);
  }

  private static void names(String query, Set<String> into) {
    Matcher m = SERIES.matcher(query);
    while (m.find()) {
      into.add(m.group());
    }
  }
}
