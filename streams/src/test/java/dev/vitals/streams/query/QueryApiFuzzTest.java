package dev.vitals.streams.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The query API's request parsing (paths, service references, query parameters, Accept and
 * Authorization) over a filled in-memory state: every request gets an answer in the documented set
 * and none is a 500, however its path, query or headers are mangled.
 */
@Tag("fuzz")
class QueryApiFuzzTest {

  private static final Set<Integer> DOCUMENTED = Set.of(200, 400, 401, 403, 404, 405, 406, 503);
  private static final Map<String, String> TOKENS = Map.of("tok-acme", "acme");

  static QueryApi api;

  @BeforeContainer
  static void fill() {
    InMemoryStateView view = new InMemoryStateView();
    QueryServerTest.fill(view);
    QueryMetrics metrics = new QueryMetrics(new PrometheusRegistry());
    Peers peers =
        new Peers(HttpClient.newHttpClient(), "http", Duration.ofMillis(100), "1", metrics);
    api =
        new QueryApi(
            view,
            new Access("tok-admin", TOKENS),
            peers,
            new QueryApi.StatusPage(new byte[0], new byte[0]),
            Runbooks.load(),
            "1",
            new ListQueries.Lag(System::currentTimeMillis, QueryServer.DEFAULT_CATCH_UP_AFTER));
  }

  @Property
  void everyRequestGetsADocumentedAnswer(
      @ForAll("methods") String method,
      @ForAll("paths") String path,
      @ForAll("queries") String query,
      @ForAll("accepts") String accept,
      @ForAll("authorizations") String authorization,
      @ForAll boolean forwarded) {
    int status;
    try {
      status =
          api.handle(ApiRequest.of(method, path, query, accept, authorization, forwarded)).status();
    } catch (ApiException e) {
      status = e.status();
    }
    assertThat(status).isIn(DOCUMENTED);
  }

  @Provide
  Arbitrary<String> methods() {
    return Arbitraries.of("GET", "GET", "GET", "HEAD", "POST", "DELETE", "get", "");
  }

  @Provide
  Arbitrary<String> paths() {
    Arbitrary<String> prefix =
        Arbitraries.of(
            "/api/v1/services/",
            "/api/v1/services",
            "/api/v1/alerts",
            "/api/v1/reports/slo",
            "/runbooks/",
            ServiceQueries.INTERNAL_PREFIX,
            "/",
            "");
    Arbitrary<String> segments = segment().list().ofMaxSize(5).map(s -> String.join("/", s));
    Arbitrary<String> suffix = Arbitraries.of("", "", "/windows", "/", "//");
    return Combinators.combine(prefix, segments, suffix).as((p, s, x) -> p + s + x);
  }

  /** Path segments: real names, percent codes good and broken, dots, dashes, anything. */
  private static Arbitrary<String> segment() {
    return Arbitraries.oneOf(
        Arbitraries.of(
            "default",
            "acme",
            "-",
            "%2D",
            "checkout",
            "shop",
            "payments",
            "%2F",
            "a%2Fb",
            "%",
            "%zz",
            "%C3",
            "%C3%28",
            "%00",
            "..",
            ".",
            "",
            "windows",
            "health",
            "slos",
            "VitalsServiceSilent",
            "SLOBurnFast"),
        Arbitraries.strings().all().ofMaxLength(20));
  }

  @Provide
  Arbitrary<String> queries() {
    Arbitrary<String> key =
        Arbitraries.oneOf(
            Arbitraries.of("format", "period", "service", "tenant", "limit", ""),
            Arbitraries.strings().all().ofMaxLength(8));
    Arbitrary<String> value =
        Arbitraries.oneOf(
            Arbitraries.of(
                "csv",
                "json",
                "CSV",
                "30d",
                "1h",
                "0d",
                "-1d",
                "99999999999d",
                "%",
                "%zz",
                "default/-/checkout",
                "acme",
                ""),
            Arbitraries.strings().all().ofMaxLength(20));
    Arbitrary<String> pair =
        Combinators.combine(key, value, Arbitraries.of("=", "", "==")).as((k, v, eq) -> k + eq + v);
    return Arbitraries.oneOf(
        Arbitraries.just((String) null), pair.list().ofMaxSize(4).map(p -> String.join("&", p)));
  }

  @Provide
  Arbitrary<String> accepts() {
    return Arbitraries.of(
        null, "text/csv", "application/json", "*/*", "text/html;q=0.9, text/csv", "", "\u0000");
  }

  @Provide
  Arbitrary<String> authorizations() {
    return Arbitraries.oneOf(
        Arbitraries.of(
            null, "Bearer tok-admin", "Bearer tok-acme", "Bearer ", "Bearer", "Basic eDp5", ""),
        Arbitraries.strings().all().ofMaxLength(30).map(s -> "Bearer " + s));
  }
}
