package dev.vitals.app.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.vitals.common.tls.ServerTls;
import dev.vitals.common.tls.ServerTls.ClientAuth;
import dev.vitals.schemas.testing.TestCerts;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminServerSecurityTest {

  private static final String TOKEN = "adm1n-t0ken-of-the-test";
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @TempDir static Path dir;
  static TestCerts certs;

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private AdminServer server;

  @BeforeAll
  static void makeCertificates() throws Exception {
    certs = TestCerts.create(dir);
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void metricsAreServedOverHttpsToAClientThatTrustsTheCa() throws Exception {
    start(tls(ClientAuth.NONE), null);

    HttpResponse<String> r = get(https(certs.clientContext(false)), "https", "/metrics", null);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("vitals_admin_test_total 1.0");
  }

  @Test
  void plainHttpToTheTlsPortFails() throws Exception {
    start(tls(ClientAuth.NONE), null);
    HttpClient plain = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    assertThat(catchThrowable(() -> get(plain, "http", "/metrics", null)))
        .isInstanceOf(IOException.class);
  }

  @Test
  void withRequiredClientAuthAClientWithoutCertificateFailsTheHandshake() throws Exception {
    start(tls(ClientAuth.REQUIRE), null);

    assertThat(
            catchThrowable(() -> get(https(certs.clientContext(false)), "https", "/metrics", null)))
        .isInstanceOf(IOException.class);
  }

  @Test
  void withRequiredClientAuthAClientWithCertificateIsServed() throws Exception {
    start(tls(ClientAuth.REQUIRE), null);

    HttpResponse<String> r = get(https(certs.clientContext(true)), "https", "/metrics", null);

    assertThat(r.statusCode()).isEqualTo(200);
  }

  @Test
  void withABearerTokenMetricsAndReadyzRefuseRequestsWithoutIt() throws Exception {
    start(null, TOKEN);
    HttpClient client = plain();

    for (String path : new String[] {"/metrics", "/readyz"}) {
      HttpResponse<String> r = get(client, "http", path, null);
      assertThat(r.statusCode()).as(path).isEqualTo(401);
      assertThat(r.headers().firstValue("WWW-Authenticate")).as(path).hasValue("Bearer");
      assertThat(r.body()).doesNotContain(TOKEN);
    }
  }

  @Test
  void withABearerTokenAWrongTokenIsRefused() throws Exception {
    start(null, TOKEN);
    HttpClient client = plain();

    assertThat(get(client, "http", "/metrics", "Bearer " + TOKEN + "x").statusCode())
        .isEqualTo(401);
    assertThat(get(client, "http", "/metrics", "Bearer wrong").statusCode()).isEqualTo(401);
    assertThat(get(client, "http", "/metrics", "Basic " + TOKEN).statusCode()).isEqualTo(401);
  }

  @Test
  void withABearerTokenTheRightTokenIsServed() throws Exception {
    start(null, TOKEN);
    HttpClient client = plain();

    HttpResponse<String> metrics = get(client, "http", "/metrics", "Bearer " + TOKEN);
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body()).contains("vitals_admin_test_total 1.0");
    assertThat(get(client, "http", "/readyz", "bearer " + TOKEN).statusCode()).isEqualTo(200);
  }

  @Test
  void healthzStaysOpenWithABearerTokenBecauseLivenessProbesCarryNone() throws Exception {
    start(null, TOKEN);

    assertThat(get(plain(), "http", "/healthz", null).statusCode()).isEqualTo(200);
  }

  @Test
  void tlsAndBearerTokenWorkTogether() throws Exception {
    start(tls(ClientAuth.NONE), TOKEN);
    HttpClient client = https(certs.clientContext(false));

    assertThat(get(client, "https", "/metrics", null).statusCode()).isEqualTo(401);
    assertThat(get(client, "https", "/metrics", "Bearer " + TOKEN).statusCode()).isEqualTo(200);
  }

  private void start(ServerTls tls, String token) throws IOException {
    Counter.builder().name("vitals_admin_test_total").help("test").register(registry).inc();
    server =
        AdminServer.builder()
            .setHost("127.0.0.1")
            .setPort(0)
            .setRegistry(registry)
            .setTls(tls)
            .setBearerToken(token)
            .start();
  }

  private static ServerTls tls(ClientAuth clientAuth) {
    return new ServerTls(
        certs.file("server.pem"), certs.file("server.key"), certs.file("ca.pem"), clientAuth);
  }

  private static HttpClient https(SSLContext context) {
    return HttpClient.newBuilder().sslContext(context).connectTimeout(TIMEOUT).build();
  }

  private static HttpClient plain() {
    return HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
  }

  private HttpResponse<String> get(HttpClient client, String scheme, String path, String auth)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(scheme + "://127.0.0.1:" + server.port() + path))
            .timeout(TIMEOUT)
            .GET();
    if (auth != null) {
      request.header("Authorization", auth);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
