package dev.vitals.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compose stack's Grafana dashboards: well-formed, every panel reads a provisioned data source,
 * every query names only series that Vitals exports as the README lists them, and every query is
 * valid PromQL (Prometheus' own {@code promtool}, when installed; required on CI).
 */
class GrafanaDashboardsTest {

  private static final Path GRAFANA = Path.of("..", "docker", "grafana");
  private static final Pattern SERIES = Pattern.compile("\\bvitals_[a-z0-9_]+");
  private static final Pattern CODE = Pattern.compile("`([^`]+)`");

  @Test
  void everyDashboardIsWellFormedAndReadsAProvisionedDataSource() throws Exception {
    Set<String> sources = provisionedDataSources();
    assertThat(sources).contains("prometheus", "victoriametrics");
    List<Path> dashboards = dashboards();
    assertThat(dashboards).isNotEmpty();
    for (Path file : dashboards) {
      JsonNode dashboard = new ObjectMapper().readTree(file.toFile());
      assertThat(dashboard.path("uid").asText()).as(file + " uid").isNotBlank();
      assertThat(dashboard.path("title").asText()).as(file + " title").isNotBlank();
      Set<String> variables = new TreeSet<>();
      for (JsonNode v : dashboard.path("templating").path("list")) {
        variables.add(v.path("name").asText());
        if ("datasource".equals(v.path("type").asText())) {
          assertThat(v.path("query").asText())
              .as(file + " data source variable")
              .isEqualTo("prometheus");
          assertThat(sources).contains(v.path("current").path("value").asText());
        }
      }
      for (JsonNode ds : dataSourceRefs(dashboard)) {
        String uid = ds.path("uid").asText();
        if (uid.startsWith("${")) {
          assertThat(variables)
              .as(file + " data source " + uid)
              .contains(uid.substring(2, uid.length() - 1));
        } else {
          assertThat(sources).as(file + " data source uid").contains(uid);
        }
      }
    }
  }

  @Test
  void everyQueryNamesOnlySeriesTheReadmeListsAsExported() throws Exception {
    Set<String> exported = readmeSeries();
    // Sanity of the README reader: a signal series, a pipeline counter, an expanded "/ _suffix".
    assertThat(exported)
        .contains(
            "vitals_requests_per_second",
            "vitals_ingest_requests_total",
            "vitals_ingest_produced_bytes_total");
    Set<String> unknown = new TreeSet<>();
    int named = 0;
    for (String expr : expressions()) {
      Matcher m = SERIES.matcher(expr);
      while (m.find()) {
        named++;
        String name = m.group();
        String base = name.replaceFirst("_(bucket|count|sum)$", "");
        if (!exported.contains(name) && !exported.contains(base)) {
          unknown.add(name);
        }
      }
    }
    assertThat(named).as("series named in the dashboards' queries").isGreaterThan(10);
    assertThat(String.join("\n", expressions()))
        .as("rates from the counters, quantiles from the histogram")
        .contains("vitals_requests_total", "vitals_request_duration_seconds_bucket");
    assertThat(unknown).as("series the dashboards query but the README does not list").isEmpty();
  }

  @Test
  void everyQueryIsValidPromql(@TempDir Path dir) throws Exception {
    Path promtool = Path.of("/usr/bin/promtool");
    if (!Files.isExecutable(promtool)) {
      if (System.getenv("CI") != null) {
        fail("promtool is missing (apt-get install prometheus): dashboards must be checked on CI");
      }
      assumeTrue(false, "promtool is not installed");
    }
    // One recording rule per query, the dashboard's variables replaced by what Grafana sends.
    StringBuilder rules = new StringBuilder("groups:\n  - name: dashboards\n    rules:\n");
    int i = 0;
    for (String expr : expressions()) {
      String promql =
          expr.replace("$__rate_interval", "1m")
              .replace("$__interval", "1m")
              .replaceAll("\\$\\{?[a-z_]+}?", "x");
      rules.append("      - record: dashboard_query_").append(i++).append('\n');
      rules
          .append("        expr: ")
          .append(new ObjectMapper().writeValueAsString(promql))
          .append('\n');
    }
    Path file = dir.resolve("queries.yml");
    Files.writeString(file, rules);
    Process check =
        new ProcessBuilder(promtool.toString(), "check", "rules", file.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(check.getInputStream().readAllBytes());
    assertThat(check.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(check.exitValue()).as(output).isZero();
    assertThat(output).contains("SUCCESS: " + i + " rules found");
  }

  // --- reading ---

  private static List<Path> dashboards() throws IOException {
    try (Stream<Path> files = Files.list(GRAFANA.resolve("dashboards"))) {
      return files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
    }
  }

  private static Set<String> provisionedDataSources() throws IOException {
    Set<String> uids = new TreeSet<>();
    try (Stream<Path> files = Files.list(GRAFANA.resolve("provisioning").resolve("datasources"))) {
      for (Path f : files.toList()) {
        for (JsonNode ds : new YAMLMapper().readTree(f.toFile()).path("datasources")) {
          uids.add(ds.path("uid").asText());
        }
      }
    }
    return uids;
  }

  /** Every query text of every dashboard: panel targets and template variable queries. */
  private static List<String> expressions() throws IOException {
    List<String> out = new ArrayList<>();
    for (Path file : dashboards()) {
      JsonNode dashboard = new ObjectMapper().readTree(file.toFile());
      collect(dashboard.path("panels"), "expr", out);
      for (JsonNode v : dashboard.path("templating").path("list")) {
        if ("query".equals(v.path("type").asText())) {
          String q =
              v.path("query").isTextual()
                  ? v.path("query").asText()
                  : v.path("query").path("query").asText();
          // label_values(metric{...}, label) is Grafana's, not PromQL: keep its selector.
          Matcher m = Pattern.compile("label_values\\((.*),\\s*[a-z_]+\\)").matcher(q);
          out.add(m.matches() ? m.group(1) : q);
        }
      }
    }
    return out;
  }

  private static List<JsonNode> dataSourceRefs(JsonNode dashboard) {
    List<JsonNode> refs = new ArrayList<>();
    collectNodes(dashboard.path("panels"), "datasource", refs);
    refs.removeIf(n -> !n.isObject());
    return refs;
  }

  private static void collect(JsonNode node, String field, List<String> out) {
    List<JsonNode> nodes = new ArrayList<>();
    collectNodes(node, field, nodes);
    for (JsonNode n : nodes) {
      if (n.isTextual() && !n.asText().isBlank()) {
        out.add(n.asText());
      }
    }
  }

  private static void collectNodes(JsonNode node, String field, List<JsonNode> out) {
    if (node.isObject()) {
      node.fields()
          .forEachRemaining(
              e -> {
                if (e.getKey().equals(field)) {
                  out.add(e.getValue());
                }
                collectNodes(e.getValue(), field, out);
              });
    } else if (node.isArray()) {
      node.forEach(n -> collectNodes(n, field, out));
    }
  }

  /**
   * The series names of the README's tables: the first cell of each row, where {@code `a` / `b`}
   * lists two names and {@code `vitals_x_records_total` / `_bytes_total`} replaces the last
   * segments.
   */
  private static Set<String> readmeSeries() throws IOException {
    Set<String> names = new LinkedHashSet<>();
    for (String line : Files.readAllLines(Path.of("..", "README.md"))) {
      if (!line.startsWith("| `vitals_")) {
        continue;
      }
      String cell = line.substring(1, line.indexOf('|', 1));
      String previous = null;
      Matcher m = CODE.matcher(cell);
      while (m.find()) {
        String token = m.group(1);
        if (token.startsWith("vitals_")) {
          previous = token;
          names.add(token);
        } else if (token.startsWith("_") && previous != null) {
          String[] parts = previous.split("_");
          int keep = parts.length - (token.split("_").length - 1);
          names.add(String.join("_", java.util.Arrays.copyOf(parts, keep)) + token);
        }
      }
    }
    return names;
  }
}
