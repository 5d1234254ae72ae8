package dev.vitals.streams.query;

import static dev.vitals.streams.query.Fixtures.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.vitals.schemas.signals.EdgeWindow;
import dev.vitals.schemas.signals.ServiceWindow;
import dev.vitals.schemas.signals.SignalJson;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.File;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The status page, served over an in-memory view and, where Chromium is installed, rendered. */
class StatusPageTest {

  final InMemoryStateView view = new InMemoryStateView();
  QueryServer server;

  @BeforeEach
  void start() throws Exception {
    QueryServerTest.fill(view);
    server =
        QueryServer.builder()
            .setStateView(view)
            .setHost("127.0.0.1")
            .setPort(0)
            .setRegistry(new PrometheusRegistry())
            .build()
            .start();
  }

  @AfterEach
  void close() {
    server.close();
  }

  @Test
  void thePageIsHtmlAndOneScriptFromItsOwnOriginAndNothingInlineMayRun() throws Exception {
    HttpResponse<String> page = get(server.port(), "/");
    HttpResponse<String> script = get(server.port(), "/status.js");

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
    String csp = page.headers().firstValue("Content-Security-Policy").orElseThrow();
    assertThat(csp)
        .contains("default-src 'none'", "script-src 'self';", "connect-src 'self'")
        .contains("frame-ancestors 'none'");
    assertThat(
            csp.substring(csp.indexOf("script-src"), csp.indexOf(';', csp.indexOf("script-src"))))
        .doesNotContain("unsafe-inline");
    assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(page.body())
        .contains("<style>", "<script src=\"/status.js\"></script>")
        .doesNotContain("<script>", "<link", "@import", "url(")
        .doesNotContainPattern("\\son[a-z]+=");
    assertThat(script.statusCode()).isEqualTo(200);
    assertThat(script.headers().firstValue("Content-Type"))
        .hasValue("text/javascript; charset=utf-8");
    assertThat(script.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(script.body())
        .contains("/api/v1/services", "/api/v1/alerts", "REFRESH_MS = 10000")
        .doesNotContain("<script");
  }

  @Test
  void everyAnswerForbidsFramingAndSniffing() throws Exception {
    for (String path : List.of("/api/v1/services", "/api/v1/nope", "/runbooks/none.md")) {
      HttpResponse<String> r = get(server.port(), path);

      assertThat(r.headers().firstValue("X-Content-Type-Options")).as(path).hasValue("nosniff");
      assertThat(r.headers().firstValue("Content-Security-Policy").orElseThrow())
          .as(path)
          .contains("frame-ancestors 'none'");
      assertThat(r.headers().firstValue("X-Frame-Options")).as(path).hasValue("DENY");
    }
  }

  @Test
  void headlessChromiumRendersServicesAlertsAndPlots(@TempDir Path profile) throws Exception {
    String chromium = chromium();
    String url = "http://127.0.0.1:" + server.port() + "/#/services/default/-/checkout";

    String dom = dumpDom(chromium, url, profile);

    assertThat(dom)
        .contains("checkout", "payments", "cart", "acme")
        .contains(">CRITICAL<", ">OK<", ">SILENT<")
        .contains("budget burning, \"fast\"")
        .contains("SLOBurnFast", "runbooks.example/SLOBurnFast", "1h=15.2, 5m=20.1")
        .contains("<svg", "requests / s", "error ratio", "p99 latency", "burn rate · availability")
        .contains("upstream timeout, retrying", "4bf92f3577b34da6a3ce929d0e0e4736")
        .contains("href=\"#/services/default/shop/payments\"");
    assertThat(dom).doesNotContain("loading…").doesNotContain("class=\"error\">a");
  }

  @Test
  void headlessChromiumDrawsTheServiceMapAndAServicesNeighbours(@TempDir Path profile)
      throws Exception {
    putEdges(
        window("default", EdgeWindow.Node.USER, node("", "checkout"), 600, 0),
        window("default", node("", "checkout"), node("shop", "payments"), 600, 240),
        window(
            "default", node("", "checkout"), EdgeWindow.Node.virtual("postgresql/orders"), 600, 0));
    String url = "http://127.0.0.1:" + server.port() + "/#/services/default/-/checkout";

    String dom = dumpDom(chromium(), url, profile);

    assertThat(dom).contains("<svg id=\"map\"", "4 nodes, 3 edges");
    assertThat(edgeClass(dom, "checkout→payments")).as("40 % errors: red").isEqualTo("edge bad");
    assertThat(edgeClass(dom, "user→checkout")).isEqualTo("edge ok");
    assertThat(dom)
        .containsPattern(
            "data-node=\"checkout\"><a href=\"#/services/default/-/checkout\"><circle class=\"CRITICAL\"")
        .containsPattern("data-node=\"postgresql/orders\"><circle class=\"virtual\"")
        .containsPattern("data-node=\"user\"><circle class=\"virtual\"")
        .contains("40.0 %")
        .contains("Called by (upstream) (1)", "Calls (downstream) (2)");
    assertThat(dom).doesNotContain("loading…");
  }

  @Test
  void aMapOfFiftyServicesPlacesEveryNodeApart(@TempDir Path profile) throws Exception {
    List<EdgeWindow> edges = new java.util.ArrayList<>();
    for (int i = 1; i < 50; i++) {
      // a tree: each service called by one of the first ones, some of them failing
      edges.add(
          window(
              "default",
              i < 5 ? EdgeWindow.Node.USER : node("", "svc-" + (1 + i % 4)),
              node("", "svc-" + i),
              100 + i,
              i % 7 == 0 ? 30 : 0));
    }
    putEdges(edges.toArray(EdgeWindow[]::new));

    String dom = dumpDom(chromium(), "http://127.0.0.1:" + server.port() + "/", profile);

    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile(
                "<circle class=\"[^\"]*\" cx=\"([0-9.]+)\" cy=\"([0-9.]+)\"")
            .matcher(dom);
    List<double[]> points = new java.util.ArrayList<>();
    while (m.find()) {
      points.add(new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2))});
    }
    assertThat(points).as("user and the 49 services").hasSize(50);
    for (int a = 0; a < points.size(); a++) {
      for (int b = a + 1; b < points.size(); b++) {
        double dx = points.get(a)[0] - points.get(b)[0];
        double dy = points.get(a)[1] - points.get(b)[1];
        assertThat(Math.hypot(dx, dy)).as("distance between two nodes").isGreaterThanOrEqualTo(40);
      }
    }
    assertThat(dom).contains("50 nodes, 49 edges");
  }

  private static EdgeWindow.Node node(String namespace, String name) {
    return EdgeWindow.Node.service(namespace, name);
  }

  private static EdgeWindow window(
      String tenant, EdgeWindow.Node client, EdgeWindow.Node server, long requests, long errors) {
    ServiceWindow.Latency l = new ServiceWindow.Latency(0.05, 0.08, 0.1, 0.2, null);
    return new EdgeWindow(
        tenant,
        client,
        server,
        server.virtual() ? EdgeWindow.VIRTUAL_NODE : EdgeWindow.DIRECT,
        Fixtures.T0,
        Fixtures.T0.plusSeconds(60),
        0,
        requests,
        errors,
        client.virtual() ? null : l,
        server.virtual() ? null : l,
        true);
  }

  private void putEdges(EdgeWindow... windows) {
    for (EdgeWindow w : windows) {
      view.put(
          StoreNames.EDGES_RECENT,
          EdgeWindow.key(w.tenant(), w.client(), w.server()),
          new String(SignalJson.write(List.of(w)), StandardCharsets.UTF_8));
    }
  }

  private static String edgeClass(String dom, String edge) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile(
                "<path class=\"([^\"]+)\"[^>]*data-edge=\""
                    + java.util.regex.Pattern.quote(edge)
                    + "\"")
            .matcher(dom);
    return m.find() ? m.group(1) : null;
  }

  /** The Chromium binary; the test fails without one under CI and is skipped elsewhere. */
  private static String chromium() {
    Optional<String> found =
        List.of("chromium", "chromium-browser").stream().filter(StatusPageTest::onPath).findFirst();
    if (found.isEmpty() && System.getenv("CI") != null) {
      fail("chromium is not installed (CI is set: .ci/run installs the Debian package chromium)");
    }
    Assumptions.assumeTrue(found.isPresent(), "chromium not on PATH");
    return found.get();
  }

  private static boolean onPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, name))) {
        return true;
      }
    }
    return false;
  }

  private static String dumpDom(String chromium, String url, Path profile) throws Exception {
    Path out = profile.resolve("dom.html");
    Process process =
        new ProcessBuilder(
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--user-data-dir=" + profile.resolve("profile"),
                "--virtual-time-budget=5000",
                "--dump-dom",
                url)
            .redirectOutput(out.toFile())
            .redirectError(profile.resolve("stderr.txt").toFile())
            .start();
    if (!process.waitFor(90, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      fail("chromium did not finish in 90 s");
    }
    String dom = Files.readString(out, StandardCharsets.UTF_8);
    assertThat(process.exitValue())
        .as("chromium exit; stderr: %s", Files.readString(profile.resolve("stderr.txt")))
        .isZero();
    return dom;
  }
}
