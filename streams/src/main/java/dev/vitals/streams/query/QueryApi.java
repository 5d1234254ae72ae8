package dev.vitals.streams.query;

import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Routes a request to its endpoint and turns every failure into a JSON error answer. */
final class QueryApi {

  private static final Logger log = LoggerFactory.getLogger(QueryApi.class);
  private static final String SERVICES = "/api/v1/services";

  private final Access access;
  private final ListQueries lists;
  private final ServiceQueries services;
  private final GraphQueries graph;
  private final Reply statusPage;
  private final Reply statusScript;

  /** The status page: its HTML and the one script it loads, {@value #STATUS_SCRIPT}. */
  // Carries encoded bytes between steps; never compared or hashed, so array identity is fine.
  @SuppressWarnings("ArrayRecordComponent")
  record StatusPage(byte[] html, byte[] script) {}

  static final String STATUS_SCRIPT = "/status.js";
  private final Map<String, byte[]> runbooks;
  private final String retryAfterSeconds;

  QueryApi(
      StateView view,
      Access access,
      Peers peers,
      StatusPage statusPage,
      Map<String, byte[]> runbooks,
      String retryAfter,
      ListQueries.Lag lag) {
    this.access = access;
    this.lists = new ListQueries(view, peers, lag);
    this.graph = new GraphQueries(view, lists);
    this.services = new ServiceQueries(view, peers, lists, graph);
    // Only the page's own script file runs: an injected inline script or handler does not.
    this.statusPage =
        new Reply(
            200,
            Reply.HTML,
            statusPage.html(),
            Map.of(
                "Content-Security-Policy",
                "default-src 'none'; script-src 'self'; style-src 'unsafe-inline';"
                    + " connect-src 'self'; img-src data:; frame-ancestors 'none';"
                    + " base-uri 'none'; form-action 'none'"));
    this.statusScript = new Reply(200, Reply.JAVASCRIPT, statusPage.script(), Map.of());
    this.runbooks = Map.copyOf(runbooks);
    this.retryAfterSeconds = retryAfter;
  }

  /** The endpoint label of a path, for metrics. */
  static String endpoint(String rawPath) {
    if (rawPath.equals("/") || rawPath.equals("/index.html") || rawPath.equals(STATUS_SCRIPT)) {
      return "status_page";
    }
    if (rawPath.startsWith(Runbooks.PATH)) {
      return "runbook";
    }
    if (rawPath.equals(SERVICES)) {
      return "services";
    }
    if (rawPath.startsWith(SERVICES + "/")) {
      return rawPath.endsWith("/windows") ? "windows" : "service";
    }
    if (rawPath.equals("/api/v1/alerts")) {
      return "alerts";
    }
    if (rawPath.equals("/api/v1/graph")) {
      return "graph";
    }
    if (rawPath.equals("/api/v1/reports/slo")) {
      return "slo_report";
    }
    return rawPath.startsWith(ServiceQueries.INTERNAL_PREFIX) ? "internal" : "other";
  }

  /** The answer to a request; never throws. */
  Reply handle(ApiRequest r) {
    try {
      return dispatch(r);
    } catch (ApiException e) {
      return Reply.error(e);
    } catch (StateUnavailableException e) {
      log.debug("state unavailable path={} error={}", r.rawPath(), e.getMessage());
      return Reply.error(
          new ApiException(
              503,
              "the streams state is not queryable now (starting or rebalancing); retry shortly",
              Map.of("Retry-After", retryAfterSeconds),
              null));
    } catch (RuntimeException e) {
      log.warn("query failed path={}", r.rawPath(), e);
      return Reply.error(new ApiException(500, "internal error", Map.of(), null));
    }
  }

  private Reply dispatch(ApiRequest r) {
    if (!r.method().equals("GET") && !r.method().equals("HEAD")) {
      throw new ApiException(
          405, "method not allowed: " + r.method(), Map.of("Allow", "GET, HEAD"), null);
    }
    String path = r.rawPath();
    if (endpoint(path).equals("status_page")) {
      return path.equals(STATUS_SCRIPT) ? statusScript : statusPage;
    }
    if (endpoint(path).equals("runbook")) {
      // Public documentation, like the status page: no tenant data, no token.
      byte[] runbook = runbooks.get(path.substring(Runbooks.PATH.length()));
      if (runbook == null) {
        throw ApiException.notFound("no such runbook: " + path);
      }
      return new Reply(200, Reply.TEXT, runbook, Map.of());
    }
    Caller caller = access.authenticate(r.authorization());
    switch (endpoint(path)) {
      case "services":
        return lists.services(r, caller);
      case "alerts":
        return lists.alerts(r, caller);
      case "slo_report":
        return lists.sloReport(r, caller);
      case "graph":
        return graph.graph(r, caller);
      case "service":
      case "windows":
        return service(r, caller, path);
      case "internal":
        return services.part(
            caller, ServiceRef.segments(path.substring(ServiceQueries.INTERNAL_PREFIX.length())));
      default:
        throw ApiException.notFound("not found: " + path);
    }
  }

  /** {@code {name}}, {@code {t}/{ns}/{name}}, each optionally followed by {@code /windows}. */
  private Reply service(ApiRequest r, Caller caller, String path) {
    List<String> segments = ServiceRef.segments(path.substring(SERVICES.length() + 1));
    int n = segments.size();
    boolean windows = (n == 2 || n == 4) && segments.get(n - 1).equals("windows");
    return services.service(r, caller, windows ? segments.subList(0, n - 1) : segments, windows);
  }
}
