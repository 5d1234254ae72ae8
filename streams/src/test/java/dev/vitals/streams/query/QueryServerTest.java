package dev.vitals.streams.query;

import static dev.vitals.streams.query.Fixtures.T0;
import static dev.vitals.streams.query.Fixtures.get;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vitals.schemas.ServiceKey;
import dev.vitals.schemas.signals.Health;
import dev.vitals.schemas.signals.SignalJson;
import dev.vitals.schemas.signals.SignalSchemas;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class QueryServerTest {

  static final ServiceKey CHECKOUT = new ServiceKey("default", "", "checkout");
  static final ServiceKey CART = new ServiceKey("default", "shop", "cart");
  static final ServiceKey PAYMENTS = new ServiceKey("default", "shop", "payments");
  static final ServiceKey SEARCH_SHOP = new ServiceKey("default", "shop", "search");
  static final ServiceKey SEARCH_WEB = new ServiceKey("default", "web", "search");
  static final ServiceKey ACME_CHECKOUT = new ServiceKey("acme", "", "checkout");
  static final Map<String, Double> BURN =
      Map.of("5m", 20.1, "30m", 9.0, "1h", 15.2, "2h", 7.5, "6h", 4.0, "1d", 0.25, "3d", 0.5);

  final PrometheusRegistry registry = new PrometheusRegistry();
  final InMemoryStateView view = new InMemoryStateView();
  final List<QueryServer> servers = new ArrayList<>();
  int port;

  @BeforeEach
  void fillStoresAndStart() throws Exception {
    fill(view);
    port =
        start(
            QueryServer.builder()
                .setStateView(view)
                .setRegistry(registry)
                .setClock(() -> Fixtures.T0.toEpochMilli() + 30_000));
  }

  static void fill(InMemoryStateView view) {
    view.put(
        StoreNames.HEALTH,
        CHECKOUT.toString(),
        Fixtures.health(
            CHECKOUT, Health.Status.CRITICAL, "budget burning, \"fast\"", "error ratio 5 %"));
    for (ServiceKey ok : List.of(CART, PAYMENTS, SEARCH_SHOP, SEARCH_WEB)) {
      view.put(StoreNames.HEALTH, ok.toString(), Fixtures.health(ok, Health.Status.OK));
    }
    view.put(
        StoreNames.HEALTH,
        ACME_CHECKOUT.toString(),
        Fixtures.health(ACME_CHECKOUT, Health.Status.SILENT, "service stopped reporting"));
    view.put(
        StoreNames.SLO_LATEST,
        CHECKOUT + "|availability",
        Fixtures.sloWithPeriod(CHECKOUT, "availability", 0.42, BURN, "30d"));
    view.put(
        StoreNames.SLO_LATEST, CHECKOUT + "|latency", Fixtures.slo(CHECKOUT, "latency", 0.9, BURN));
    view.put(
        StoreNames.SLO_LATEST, CART + "|availability", Fixtures.slo(CART, "availability", 1, BURN));
    view.put(
        StoreNames.SLO_LATEST,
        ACME_CHECKOUT + "|availability",
        Fixtures.slo(ACME_CHECKOUT, "availability", 0.1, BURN));
    view.put(
        StoreNames.ALERTS_ACTIVE,
        "fp-1",
        Fixtures.alert("fp-1", CHECKOUT, "SLOBurnFast", "critical", T0.minusSeconds(300)));
    view.put(
        StoreNames.ALERTS_ACTIVE,
        "fp-2",
        Fixtures.alert("fp-2", CHECKOUT, "SLOBurnSlow", "warning", T0.minusSeconds(900)));
    view.put(
        StoreNames.ALERTS_ACTIVE,
        "fp-3",
        Fixtures.alert("fp-3", PAYMENTS, "SLOBurnFast", "critical", T0.minusSeconds(600)));
    view.put(
        StoreNames.ALERTS_ACTIVE,
        "fp-acme",
        Fixtures.alert("fp-acme", ACME_CHECKOUT, "ServiceSilent", "critical", T0));
    Fixtures.windows(CHECKOUT, 5, 600, 30)
        .forEach((key, json) -> view.put(StoreNames.WINDOWS_RECENT, key, json));
  }

  int start(QueryServer.Builder builder) throws Exception {
    QueryServer server = builder.setHost("127.0.0.1").setPort(0).build().start();
    servers.add(server);
    return server.port();
  }

  @AfterEach
  void close() {
    servers.forEach(QueryServer::close);
  }

  static JsonNode json(HttpResponse<String> response) throws Exception {
    return SignalJson.MAPPER.readTree(response.body());
  }

  static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(item -> out.add(item.asText()));
    return out;
  }

  static List<String> texts(JsonNode array, String field) {
    List<String> out = new ArrayList<>();
    array.forEach(item -> out.add(item.path(field).asText()));
    return out;
  }

  @Test
  void servicesListsEveryServiceWithItsHealthSortedByKey() throws Exception {
    HttpResponse<String> response = get(port, "/api/v1/services");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    JsonNode body = json(response);
    assertThat(texts(body.path("services"), "key"))
        .containsExactly(
            "acme//checkout",
            "default//checkout",
            "default/shop/cart",
            "default/shop/payments",
            "default/shop/search",
            "default/web/search");
    JsonNode checkout = body.path("services").get(1);
    assertThat(checkout.path("status").asText()).isEqualTo("CRITICAL");
    assertThat(strings(checkout.path("reasons")))
        .containsExactly("budget burning, \"fast\"", "error ratio 5 %");
    assertThat(checkout.path("since").asText()).isEqualTo("2025-03-01T11:50:00Z");
    assertThat(body.path("unreachable")).isEmpty();
    SignalSchemas.assertValid("health.v1", SignalJson.write(checkout));
  }

  @Test
  void aServiceWhoseSignalsAreBehindTheWallClockIsReportedCatchingUpUnlessSilent()
      throws Exception {
    view.put(
        StoreNames.HEALTH,
        CART.toString(),
        Fixtures.health(CART, Health.Status.SILENT, "no data for 3 windows"));
    int behind =
        start(
            QueryServer.builder()
                .setStateView(view)
                .setRegistry(new PrometheusRegistry())
                .setCatchUpAfter(java.time.Duration.ofSeconds(160))
                .setClock(() -> Fixtures.T0.toEpochMilli() + 600_000));

    JsonNode services = json(get(behind, "/api/v1/services")).path("services");

    JsonNode checkout = services.get(1);
    assertThat(checkout.path("key").asText()).isEqualTo("default//checkout");
    assertThat(checkout.path("behindSeconds").asLong()).isEqualTo(600);
    assertThat(checkout.path("catchingUp").asBoolean()).isTrue();
    JsonNode cart = services.get(2);
    assertThat(cart.path("key").asText()).isEqualTo("default/shop/cart");
    assertThat(cart.path("catchingUp").asBoolean()).as("silent: not catching up").isFalse();
    JsonNode live = json(get(port, "/api/v1/services")).path("services").get(1);
    assertThat(live.path("behindSeconds").asLong()).isEqualTo(30);
    assertThat(live.path("catchingUp").isBoolean()).isTrue();
    assertThat(live.path("catchingUp").asBoolean()).as("30 s behind is live").isFalse();
  }

  @Test
  void servicesAsCsvHaveAHeaderRowAndQuoteFieldsAsRfc4180Says() throws Exception {
    HttpResponse<String> response = get(port, "/api/v1/services", "Accept", "text/csv");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/csv");
    String[] lines = response.body().split("\r\n");
    assertThat(lines[0])
        .isEqualTo(
            "key,tenant,namespace,service,status,reasons,since,evaluatedAt,behindSeconds,catchingUp");
    assertThat(lines).hasSize(7);
    assertThat(lines[2])
        .isEqualTo(
            "default//checkout,default,,checkout,CRITICAL,"
                + "\"budget burning, \"\"fast\"\"; error ratio 5 %\","
                + "2025-03-01T11:50:00Z,2025-03-01T12:00:00Z,30,false");
    assertThat(response.body()).endsWith("\r\n");
  }

  @Test
  void everyCsvTheApiServesWritesAWouldBeFormulaAsText() throws Exception {
    ServiceKey evil = new ServiceKey("default", "@ops", "=HYPERLINK(\"http://evil.example/\")");
    view.put(StoreNames.HEALTH, evil.toString(), Fixtures.health(evil, Health.Status.OK, "-1+A1"));
    view.put(
        StoreNames.ALERTS_ACTIVE,
        "fp-evil",
        Fixtures.alert("fp-evil", evil, "+SLOBurnFast", "critical", T0.minusSeconds(60)));
    Fixtures.windows(evil, 1, 10, 1).entrySet().stream()
        .findFirst()
        .ifPresent(
            w ->
                view.put(
                    StoreNames.WINDOWS_RECENT,
                    w.getKey(),
                    w.getValue().replace("upstream timeout, retrying", "=cmd|' /C calc'!A0")));

    String services = get(port, "/api/v1/services?format=csv").body();
    String alerts = get(port, "/api/v1/alerts?format=csv").body();
    String detail = get(port, "/api/v1/services/" + ServiceRef.path(evil) + "?format=csv").body();
    String windows =
        get(port, "/api/v1/services/" + ServiceRef.path(evil) + "/windows?format=csv").body();

    assertThat(services)
        .contains(",default,'@ops,\"'=HYPERLINK(\"\"http://evil.example/\"\")\",OK,'-1+A1,");
    assertThat(alerts).contains("fp-evil,'+SLOBurnFast,critical,default,'@ops,");
    assertThat(detail).contains(",default,'@ops,\"'=HYPERLINK(");
    assertThat(windows).contains(",'=cmd|' /C calc'!A0,");
    for (String csv : List.of(services, alerts, detail, windows)) {
      assertThat(csv.split("\r\n|,")).noneMatch(cell -> cell.matches("^\"?[=+@\t\r].*"));
    }
  }

  @Test
  void formatParameterAsksForCsvFromABrowserLink() throws Exception {
    HttpResponse<String> response = get(port, "/api/v1/alerts?format=csv");

    assertThat(response.body()).startsWith("fingerprint,labels.alertname,labels.severity,");
  }

  @Test
  void serviceDetailHasHealthSlosAndActiveAlertsOfThatServiceOnly() throws Exception {
    HttpResponse<String> response = get(port, "/api/v1/services/default/-/checkout");

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode body = json(response);
    assertThat(body.path("key").asText()).isEqualTo("default//checkout");
    assertThat(body.path("health").path("status").asText()).isEqualTo("CRITICAL");
    assertThat(texts(body.path("slos"), "slo")).containsExactly("availability", "latency");
    assertThat(body.path("slos").get(0).path("burnRates").path("1h").asDouble()).isEqualTo(15.2);
    assertThat(texts(body.path("alerts"), "fingerprint")).containsExactly("fp-1", "fp-2");
    SignalSchemas.assertValid("slo.v1", SignalJson.write(body.path("slos").get(1)));
    SignalSchemas.assertValid("alerts.v1", SignalJson.write(body.path("alerts").get(0)));
  }

  @Test
  void serviceDetailAsCsvHasOneRowPerSlo() throws Exception {
    HttpResponse<String> response =
        get(port, "/api/v1/services/default/-/checkout", "Accept", "text/csv");

    String[] lines = response.body().split("\r\n");
    assertThat(lines[0])
        .startsWith("key,tenant,namespace,service,status,reasons,since,activeAlerts,slo,objective,")
        .endsWith(
            ",burnRates.5m,burnRates.30m,burnRates.1h,burnRates.2h,burnRates.6h,"
                + "burnRates.1d,burnRates.3d");
    assertThat(lines).hasSize(3);
    assertThat(lines[1]).contains(",CRITICAL,").contains(",2,availability,0.999,0.42,20.1,");
  }

  @Test
  void servicesWhoseNamesCollideWhenJoinedBySlashesStayApartInListsUrlsAndCsv() throws Exception {
    ServiceKey slashInNamespace = new ServiceKey("default", "coll/ide", "svc");
    ServiceKey slashInName = new ServiceKey("default", "coll", "ide/svc");
    view.put(
        StoreNames.HEALTH,
        slashInNamespace.toString(),
        Fixtures.health(slashInNamespace, Health.Status.CRITICAL, "errors"));
    view.put(
        StoreNames.HEALTH, slashInName.toString(), Fixtures.health(slashInName, Health.Status.OK));
    view.put(
        StoreNames.SLO_LATEST,
        slashInName + "|availability",
        Fixtures.slo(slashInName, "availability", 0.9, BURN));

    JsonNode services = json(get(port, "/api/v1/services")).path("services");
    JsonNode a = json(get(port, "/api/v1/services/default/coll%2Fide/svc"));
    JsonNode b = json(get(port, "/api/v1/services/default/coll/ide%2Fsvc"));
    String csv = get(port, "/api/v1/services?format=csv").body();

    assertThat(texts(services, "key")).contains("default/coll%2Fide/svc", "default/coll/ide%2Fsvc");
    assertThat(texts(services, "namespace")).contains("coll/ide", "coll");
    assertThat(texts(services, "service")).contains("svc", "ide/svc");
    assertThat(a.path("health").path("status").asText()).isEqualTo("CRITICAL");
    assertThat(a.path("health").path("namespace").asText()).isEqualTo("coll/ide");
    assertThat(a.path("slos")).isEmpty();
    assertThat(b.path("health").path("status").asText()).isEqualTo("OK");
    assertThat(b.path("health").path("service").asText()).isEqualTo("ide/svc");
    assertThat(texts(b.path("slos"), "slo")).containsExactly("availability");
    assertThat(csv)
        .contains("default/coll%2Fide/svc,default,coll/ide,svc,CRITICAL,")
        .contains("default/coll/ide%2Fsvc,default,coll,ide/svc,OK,");
  }

  @Test
  void anEmptyNamespaceMayAlsoBeAnEmptySegmentAndALiteralDashIsPercentEncoded() throws Exception {
    ServiceKey dash = new ServiceKey("default", "-", "odd");
    view.put(StoreNames.HEALTH, dash.toString(), Fixtures.health(dash, Health.Status.OK));

    assertThat(json(get(port, "/api/v1/services/default//checkout")).path("key").asText())
        .isEqualTo("default//checkout");
    assertThat(json(get(port, "/api/v1/services/default/%2D/odd")).path("key").asText())
        .isEqualTo("default/-/odd");
    assertThat(get(port, "/api/v1/services/default/-/odd").statusCode()).isEqualTo(404);
    assertThat(ServiceRef.path(dash)).isEqualTo("default/%2D/odd");
  }

  @Test
  void aNameWithASlashIsOneEncodedSegment() throws Exception {
    ServiceKey slashed = new ServiceKey("default", "", "api/v2");
    view.put(StoreNames.HEALTH, slashed.toString(), Fixtures.health(slashed, Health.Status.OK));

    JsonNode body = json(get(port, "/api/v1/services/default/-/api%2Fv2"));

    assertThat(body.path("key").asText()).isEqualTo("default//api%2Fv2");
    assertThat(body.path("health").path("service").asText()).isEqualTo("api/v2");
  }

  @Test
  void aBareNameResolvesInTheDefaultTenantWhenItIsUnambiguous() throws Exception {
    assertThat(json(get(port, "/api/v1/services/checkout")).path("key").asText())
        .isEqualTo("default//checkout");
    assertThat(json(get(port, "/api/v1/services/checkout?tenant=acme")).path("key").asText())
        .isEqualTo("acme//checkout");
    assertThat(json(get(port, "/api/v1/services/search?namespace=web")).path("key").asText())
        .isEqualTo("default/web/search");
  }

  @Test
  void anAmbiguousBareNameIs409NamingTheCandidates() throws Exception {
    HttpResponse<String> response = get(port, "/api/v1/services/search");

    assertThat(response.statusCode()).isEqualTo(409);
    JsonNode body = json(response);
    assertThat(body.path("status").asInt()).isEqualTo(409);
    assertThat(body.path("error").asText()).contains("ambiguous");
    assertThat(strings(body.path("candidates")))
        .containsExactly("default/shop/search", "default/web/search");
  }

  @Test
  void everyRunbookIsServedAsTextAndAnUnknownOneIs404() throws Exception {
    List<String> files;
    try (java.util.stream.Stream<java.nio.file.Path> paths =
        java.nio.file.Files.list(java.nio.file.Path.of("../docs/runbooks"))) {
      files = paths.map(p -> p.getFileName().toString()).sorted().toList();
    }
    assertThat(Runbooks.FILES).containsExactlyInAnyOrderElementsOf(files);

    for (String file : files) {
      HttpResponse<String> response = get(port, "/runbooks/" + file);
      assertThat(response.statusCode()).as(file).isEqualTo(200);
      assertThat(response.headers().firstValue("Content-Type"))
          .hasValue("text/plain; charset=utf-8");
      assertThat(response.body())
          .isEqualTo(
              java.nio.file.Files.readString(java.nio.file.Path.of("../docs/runbooks", file)));
    }
    assertThat(get(port, "/runbooks/nope.md").statusCode()).isEqualTo(404);
    assertThat(get(port, "/runbooks/../README.md").statusCode()).isEqualTo(404);
  }

  @Test
  void anUnknownServiceIs404WithAJsonError() throws Exception {
    HttpResponse<String> response = get(port, "/api/v1/services/default/-/nope");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    JsonNode body = json(response);
    assertThat(body.path("status").asInt()).isEqualTo(404);
    assertThat(body.path("error").asText()).isEqualTo("service: default//nope not found");
    assertThat(get(port, "/api/v1/services/nope").statusCode()).isEqualTo(404);
    assertThat(get(port, "/api/v1/nothing").statusCode()).isEqualTo(404);
  }

  @Test
  void aMalformedPathOrParameterIs400() throws Exception {
    HttpResponse<String> twoSegments = get(port, "/api/v1/services/default/checkout");
    HttpResponse<String> badPeriod = get(port, "/api/v1/reports/slo?period=45d");

    assertThat(twoSegments.statusCode()).isEqualTo(400);
    assertThat(json(twoSegments).path("error").asText()).contains("{tenant}/{namespace}/{name}");
    assertThat(badPeriod.statusCode()).isEqualTo(400);
    assertThat(json(badPeriod).path("error").asText()).isEqualTo("period: 45d (expected: 1d..30d)");
  }

  @Test
  void windowsAreTheServicesRecentWindowsAsJsonOrCsv() throws Exception {
    JsonNode body = json(get(port, "/api/v1/services/default/-/checkout/windows"));
    HttpResponse<String> csv =
        get(port, "/api/v1/services/checkout/windows", "Accept", "text/csv; q=1.0");

    assertThat(body.path("windows")).hasSize(5);
    JsonNode last = body.path("windows").get(4);
    assertThat(last.path("windowEnd").asText()).isEqualTo("2025-03-01T12:00:00Z");
    assertThat(last.path("errors").asLong()).isEqualTo(30);
    SignalSchemas.assertValid("service-windows.v1", SignalJson.write(last));
    String[] lines = csv.body().split("\r\n");
    assertThat(lines).hasSize(6);
    assertThat(lines[0]).startsWith("windowStart,windowEnd,revision,requests,errors,latency.p50,");
    assertThat(lines[5])
        .startsWith("2025-03-01T11:59:00Z,2025-03-01T12:00:00Z,0,600,30,0.05,0.1,0.25,0.5,")
        .endsWith(",\"upstream timeout, retrying\",4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(get(port, "/api/v1/services/default/shop/cart/windows").statusCode()).isEqualTo(404);
  }

  @Test
  void alertsAreSortedBySeverityThenStartAndFilterByService() throws Exception {
    JsonNode all = json(get(port, "/api/v1/alerts"));
    JsonNode checkout = json(get(port, "/api/v1/alerts?service=checkout"));
    JsonNode byKey = json(get(port, "/api/v1/alerts?service=default//checkout"));

    assertThat(texts(all.path("alerts"), "fingerprint"))
        .containsExactly("fp-3", "fp-1", "fp-acme", "fp-2");
    assertThat(texts(checkout.path("alerts"), "fingerprint"))
        .containsExactly("fp-1", "fp-acme", "fp-2");
    assertThat(texts(byKey.path("alerts"), "fingerprint")).containsExactly("fp-1", "fp-2");
  }

  @Test
  void sloReportSaysWhichPeriodItsNumbersCover() throws Exception {
    JsonNode month = json(get(port, "/api/v1/reports/slo?period=30d"));
    JsonNode day = json(get(port, "/api/v1/reports/slo?period=1d"));
    JsonNode week = json(get(port, "/api/v1/reports/slo?period=7d"));

    JsonNode availability = month.path("slos").get(1);
    assertThat(availability.path("service").asText()).isEqualTo("checkout");
    assertThat(availability.path("tenant").asText()).isEqualTo("default");
    assertThat(availability.path("period").asText()).isEqualTo("30d");
    assertThat(availability.path("errorBudgetRemaining").asDouble()).isEqualTo(0.42);
    assertThat(availability.path("good").asLong()).isEqualTo(999_000);
    assertThat(availability.path("total").asLong()).isEqualTo(1_000_000);
    assertThat(month.path("requestedPeriod").asText()).isEqualTo("30d");
    assertThat(month.path("note").asText()).contains("another period");

    JsonNode daily = day.path("slos").get(1);
    assertThat(daily.path("period").asText()).isEqualTo("1d");
    assertThat(daily.path("errorBudgetRemaining").asDouble()).isEqualTo(0.75);
    assertThat(daily.path("budgetSource").asText()).isEqualTo("burnRates.1d");
    assertThat(day.has("note")).isFalse();

    JsonNode weekly = week.path("slos").get(1);
    assertThat(weekly.path("period").asText()).isEqualTo("30d");
    assertThat(week.path("note").asText()).contains("another period");
    assertThat(week.path("slos").get(2).path("period").isNull()).isTrue();
  }

  @Test
  void sloReportAsCsvHasAColumnPerBurnWindow() throws Exception {
    String[] lines = get(port, "/api/v1/reports/slo", "Accept", "text/csv").body().split("\r\n");

    assertThat(lines[0])
        .isEqualTo(
            "tenant,namespace,service,slo,objective,period,errorBudgetRemaining,good,total,"
                + "budgetSource,evaluatedAt,burnRates.5m,burnRates.30m,burnRates.1h,"
                + "burnRates.2h,burnRates.6h,burnRates.1d,burnRates.3d");
    assertThat(lines[2])
        .isEqualTo(
            "default,,checkout,availability,0.999,30d,0.42,999000,1000000,evaluation,"
                + "2025-03-01T12:00:00Z,20.1,9.0,15.2,7.5,4.0,0.25,0.5");
  }

  @Test
  void whileTheStateIsNotQueryableEveryApiCallIs503WithRetryAfter() throws Exception {
    view.unavailable = true;

    for (String path :
        List.of(
            "/api/v1/services",
            "/api/v1/services/default/-/checkout",
            "/api/v1/alerts",
            "/api/v1/reports/slo")) {
      HttpResponse<String> response = get(port, path);
      assertThat(response.statusCode()).as(path).isEqualTo(503);
      assertThat(response.headers().firstValue("Retry-After")).hasValue("5");
      assertThat(json(response).path("error").asText()).contains("retry shortly");
      assertThat(response.body()).doesNotContain("Exception").doesNotContain("at dev.");
    }
  }

  @Test
  void otherMethodsThanGetAre405() throws Exception {
    var request =
        java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + port + "/api/v1/services"))
            .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}"))
            .build();
    HttpResponse<String> response =
        Fixtures.CLIENT.send(request, HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(405);
    assertThat(response.headers().firstValue("Allow")).hasValue("GET, HEAD");
  }

  @Test
  void requestsAreCountedByEndpointAndCode() throws Exception {
    get(port, "/api/v1/services");
    get(port, "/api/v1/services");
    get(port, "/api/v1/services/default/-/nope");

    String text = scrape(registry);
    assertThat(text)
        .contains("vitals_query_requests_total{code=\"200\",endpoint=\"services\"} 2.0")
        .contains("vitals_query_requests_total{code=\"404\",endpoint=\"service\"} 1.0")
        .contains("vitals_query_request_duration_seconds_count{endpoint=\"services\"} 2");
  }

  static String scrape(PrometheusRegistry registry) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(out, registry.scrape());
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void startAndCloseAreIdempotent() throws Exception {
    QueryServer server = servers.get(0);

    assertThat(server.start().port()).isEqualTo(port);
    server.close();
    server.close();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> get(port, "/api/v1/services"))
        .isInstanceOf(java.io.IOException.class);
  }
}
