package dev.vitals.streams.query;

import static dev.vitals.streams.query.Fixtures.get;
import static dev.vitals.streams.query.QueryServerTest.ACME_CHECKOUT;
import static dev.vitals.streams.query.QueryServerTest.CHECKOUT;
import static dev.vitals.streams.query.QueryServerTest.PAYMENTS;
import static dev.vitals.streams.query.QueryServerTest.json;
import static dev.vitals.streams.query.QueryServerTest.texts;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vitals.common.tls.ServerTls;
import dev.vitals.schemas.ServiceKey;
import dev.vitals.schemas.signals.Health;
import dev.vitals.schemas.testing.FreePorts;
import dev.vitals.schemas.testing.TestCerts;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two query servers over two in-memory views that split the services between them, as two streams
 * instances split partitions: A owns default//checkout, B owns default/shop/payments and
 * acme//checkout.
 */
class QueryRoutingTest {

  static final Map<String, String> TOKENS = Map.of("tok-default", "default", "tok-acme", "acme");

  final InMemoryStateView viewA = new InMemoryStateView();
  final InMemoryStateView viewB = new InMemoryStateView();
  final List<QueryServer> servers = new ArrayList<>();
  final List<PrometheusRegistry> registries = new ArrayList<>();
  int portA;
  int portB;
  HostInfo hostA;
  HostInfo hostB;

  @AfterEach
  void close() {
    servers.forEach(QueryServer::close);
  }

  void startPair(
      UnaryOperator<QueryServer.Builder> configA, UnaryOperator<QueryServer.Builder> configB)
      throws Exception {
    portA = start(configA.apply(QueryServer.builder().setStateView(viewA)));
    portB = start(configB.apply(QueryServer.builder().setStateView(viewB)));
    hostA = new HostInfo("127.0.0.1", portA);
    hostB = new HostInfo("127.0.0.1", portB);
    InMemoryStateView all = new InMemoryStateView();
    QueryServerTest.fill(all);
    split(all, CHECKOUT, viewA);
    split(all, PAYMENTS, viewB);
    split(all, ACME_CHECKOUT, viewB);
    viewA.ownAll(PAYMENTS.toString(), hostB).ownAll(ACME_CHECKOUT.toString(), hostB).peers(hostB);
    viewB.ownAll(CHECKOUT.toString(), hostA).peers(hostA);
  }

  void startPair() throws Exception {
    startPair(b -> b, b -> b);
  }

  /** Copies one service's entries of every store from {@code all} into {@code to}. */
  static void split(InMemoryStateView all, ServiceKey key, InMemoryStateView to) {
    for (Part part : Part.values()) {
      all.scan(part.store(), "")
          .forEach(
              kv -> {
                boolean mine =
                    kv.key.equals(key.toString())
                        || kv.key.startsWith(key + "|")
                        || (part == Part.ALERTS
                            && Items.alertOf(Items.parse("", "", kv.value), key));
                if (mine) {
                  to.put(part.store(), kv.key, kv.value);
                }
              });
    }
  }

  int start(QueryServer.Builder builder) throws Exception {
    PrometheusRegistry registry = new PrometheusRegistry();
    registries.add(registry);
    QueryServer server = builder.setHost("127.0.0.1").setPort(0).setRegistry(registry).build();
    servers.add(server.start());
    return server.port();
  }

  @Test
  void eitherInstanceListsEveryServiceAndAlert() throws Exception {
    startPair();

    for (int port : List.of(portA, portB)) {
      JsonNode services = json(get(port, "/api/v1/services"));
      assertThat(texts(services.path("services"), "key"))
          .containsExactly("acme//checkout", "default//checkout", "default/shop/payments");
      assertThat(services.path("unreachable")).isEmpty();
      assertThat(texts(json(get(port, "/api/v1/alerts")).path("alerts"), "fingerprint"))
          .containsExactly("fp-3", "fp-1", "fp-acme", "fp-2");
      assertThat(json(get(port, "/api/v1/reports/slo")).path("slos")).hasSize(3);
    }
  }

  @Test
  void aServiceOwnedByAnotherInstanceIsForwardedAndAnsweredByTheOwner() throws Exception {
    startPair();

    HttpResponse<String> detail = get(portA, "/api/v1/services/default/shop/payments");
    HttpResponse<String> byName = get(portA, "/api/v1/services/payments");
    HttpResponse<String> windows = get(portB, "/api/v1/services/default/-/checkout/windows");

    assertThat(detail.statusCode()).isEqualTo(200);
    assertThat(detail.headers().firstValue("X-Vitals-Served-By")).hasValue("127.0.0.1:" + portB);
    assertThat(json(detail).path("health").path("status").asText()).isEqualTo("OK");
    assertThat(texts(json(detail).path("alerts"), "fingerprint")).containsExactly("fp-3");
    assertThat(json(byName).path("key").asText()).isEqualTo("default/shop/payments");
    assertThat(windows.headers().firstValue("X-Vitals-Served-By")).hasValue("127.0.0.1:" + portA);
    assertThat(json(windows).path("windows")).hasSize(5);
  }

  @Test
  void aForwardedCsvRequestStaysCsv() throws Exception {
    startPair();

    HttpResponse<String> csv =
        get(portA, "/api/v1/services/default/shop/payments", "Accept", "text/csv");

    assertThat(csv.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/csv");
    assertThat(csv.body()).startsWith("key,tenant,").contains("default/shop/payments,default,shop");
  }

  @Test
  void partsThatKafkaStreamsPlacedElsewhereAreFetchedFromTheirOwner() throws Exception {
    startPair();
    // A owns checkout's health, but its SLO partition lives on B.
    InMemoryStateView all = new InMemoryStateView();
    QueryServerTest.fill(all);
    all.scan(StoreNames.SLO_LATEST, CHECKOUT + "|")
        .forEach(kv -> viewB.put(StoreNames.SLO_LATEST, kv.key, kv.value));
    viewA.own(StoreNames.SLO_LATEST, CHECKOUT.toString(), hostB);
    viewB.own(StoreNames.SLO_LATEST, CHECKOUT.toString(), null);

    JsonNode fromA = json(get(portA, "/api/v1/services/default/-/checkout"));
    JsonNode fromB = json(get(portB, "/api/v1/services/default/-/checkout"));

    for (JsonNode detail : List.of(fromA, fromB)) {
      assertThat(detail.path("health").path("status").asText()).isEqualTo("CRITICAL");
      assertThat(texts(detail.path("slos"), "slo")).containsExactly("availability", "latency");
      assertThat(texts(detail.path("alerts"), "fingerprint")).containsExactly("fp-1", "fp-2");
    }
  }

  @Test
  void aForwardedRequestIsAnsweredFromLocalStateAndNeverForwardedAgain() throws Exception {
    startPair();

    JsonNode list = json(get(portA, "/api/v1/services", "X-Vitals-Forwarded", "1"));

    assertThat(texts(list.path("services"), "key")).containsExactly("default//checkout");
  }

  @Test
  void aTenantTokenSeesOnlyItsTenantOnEveryInstance() throws Exception {
    startPair(b -> b.setTenantTokens(TOKENS), b -> b.setTenantTokens(TOKENS));
    String[] acme = {"Authorization", "Bearer tok-acme"};
    String[] dflt = {"Authorization", "Bearer tok-default"};

    assertThat(texts(json(get(portA, "/api/v1/services", acme)).path("services"), "key"))
        .containsExactly("acme//checkout");
    assertThat(texts(json(get(portA, "/api/v1/alerts", acme)).path("alerts"), "fingerprint"))
        .containsExactly("fp-acme");
    assertThat(texts(json(get(portA, "/api/v1/reports/slo", acme)).path("slos"), "tenant"))
        .containsExactly("acme");
    assertThat(json(get(portA, "/api/v1/services/checkout", acme)).path("key").asText())
        .isEqualTo("acme//checkout");
    assertThat(get(portA, "/api/v1/services/acme/-/checkout", dflt).statusCode()).isEqualTo(404);
    assertThat(get(portB, "/api/v1/services/default/-/checkout", acme).statusCode()).isEqualTo(404);
    assertThat(get(portA, "/api/v1/services/checkout?tenant=default", acme).statusCode())
        .isEqualTo(404);
  }

  @Test
  void withoutAnAcceptedTokenTheApiIs401ButThePageLoads() throws Exception {
    startPair(b -> b.setTenantTokens(TOKENS).setBearerToken("admin"), b -> b);

    HttpResponse<String> none = get(portA, "/api/v1/services");
    HttpResponse<String> wrong = get(portA, "/api/v1/services", "Authorization", "Bearer nope");
    HttpResponse<String> admin = get(portA, "/api/v1/services", "Authorization", "Bearer admin");

    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
    assertThat(json(none).path("error").asText()).isEqualTo("a bearer token is required");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(json(admin).path("services")).hasSize(3);
    assertThat(get(portA, "/").statusCode()).isEqualTo(200);
  }

  @Test
  void tenantIsolationHoldsEvenWhenAnotherInstanceAnswersWithEveryTenant() throws Exception {
    // B is misconfigured without tokens: it answers everything it is asked. A must still filter.
    startPair(b -> b.setTenantTokens(TOKENS), b -> b);
    String[] dflt = {"Authorization", "Bearer tok-default"};

    assertThat(texts(json(get(portA, "/api/v1/services", dflt)).path("services"), "key"))
        .containsExactly("default//checkout", "default/shop/payments");
    assertThat(texts(json(get(portA, "/api/v1/alerts", dflt)).path("alerts"), "fingerprint"))
        .containsExactly("fp-3", "fp-1", "fp-2");
    assertThat(texts(json(get(portA, "/api/v1/reports/slo", dflt)).path("slos"), "tenant"))
        .containsOnly("default");
    assertThat(get(portA, "/api/v1/services/acme/-/checkout", dflt).statusCode()).isEqualTo(404);
  }

  @Test
  void aDeadInstanceMakesListsPartialAndItsServices503() throws Exception {
    startPair();
    HostInfo dead = new HostInfo("127.0.0.1", FreePorts.next());
    viewA.peers(hostB, dead).ownAll(PAYMENTS.toString(), dead);

    HttpResponse<String> list = get(portA, "/api/v1/services");
    HttpResponse<String> owned = get(portA, "/api/v1/services/default/shop/payments");

    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(json(list).path("services")).hasSize(3);
    assertThat(QueryServerTest.strings(json(list).path("unreachable")))
        .containsExactly("127.0.0.1:" + dead.port());
    assertThat(list.headers().firstValue("X-Vitals-Unreachable"))
        .hasValue("127.0.0.1:" + dead.port());
    assertThat(owned.statusCode()).isEqualTo(503);
    assertThat(owned.headers().firstValue("Retry-After")).hasValue("5");
    assertThat(json(owned).path("error").asText()).contains("did not answer");
    assertThat(QueryServerTest.scrape(registries.get(0)))
        .contains(
            "vitals_query_peer_failures_total{kind=\"gather\"} 1.0",
            "vitals_query_peer_failures_total{kind=\"route\"} 1.0");
    assertThat(QueryServerTest.scrape(registries.get(1)))
        .contains("vitals_query_peer_failures_total{kind=\"gather\"} 0.0");
  }

  @Test
  void overTlsTheServerAndItsCallsToOtherInstancesUseHttps(@TempDir Path dir) throws Exception {
    TestCerts certs = TestCerts.create(dir);
    ServerTls tls =
        new ServerTls(
            certs.file("server.pem"),
            certs.file("server.key"),
            certs.file("ca.pem"),
            ServerTls.ClientAuth.NONE);
    startPair(
        b -> b.setTls(tls).setBearerToken("admin"), b -> b.setTls(tls).setBearerToken("admin"));
    HttpClient client = HttpClient.newBuilder().sslContext(certs.clientContext(false)).build();

    HttpResponse<String> forwarded =
        client.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "https://127.0.0.1:" + portA + "/api/v1/services/default/shop/payments"))
                .header("Authorization", "Bearer admin")
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(forwarded.statusCode()).isEqualTo(200);
    assertThat(forwarded.headers().firstValue("X-Vitals-Served-By")).hasValue("127.0.0.1:" + portB);
    assertThat(json(forwarded).path("health").path("status").asText())
        .isEqualTo(Health.Status.OK.name());
  }
}
