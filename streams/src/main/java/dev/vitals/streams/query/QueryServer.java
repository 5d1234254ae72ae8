package dev.vitals.streams.query;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpExchange;
import dev.vitals.common.http.JdkServer;
import dev.vitals.common.http.JdkServerBuilder;
import dev.vitals.common.http.Responses;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The query API and status page (see {@code docs/query-api.md}): {@code GET /api/v1/services},
 * {@code /api/v1/services/{tenant}/{namespace}/{name}[/windows]}, {@code /api/v1/alerts}, {@code
 * /api/v1/reports/slo} and the page on {@code GET /}, over a {@link StateView}. JSON by default,
 * CSV on {@code Accept: text/csv}.
 *
 * <p>Optionally HTTPS from PEM files and bearer tokens: an admin token that sees every tenant, and
 * tokens that each see one tenant. Tokens are never logged.
 */
public final class QueryServer implements AutoCloseable {

  public static final String DEFAULT_HOST = "0.0.0.0";
  public static final int DEFAULT_PORT = 8080;
  public static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(5);
  public static final Duration DEFAULT_CATCH_UP_AFTER = Duration.ofSeconds(160);

  /** The instance that answered a request (after forwarding, the owner). */
  static final String SERVED_BY_HEADER = "X-Vitals-Served-By";

  private static final Logger log = LoggerFactory.getLogger(QueryServer.class);
  private static final Duration PEER_TIMEOUT = Duration.ofSeconds(5);
  private static final int WORKER_THREADS = 8;
  private static final String STATUS_PAGE = "status.html";
  private static final String STATUS_SCRIPT = "status.js";

  private final Builder config;
  private final QueryMetrics metrics;
  private JdkServer server;
  private QueryApi api;
  private String servedBy;
  private boolean closed;

  private QueryServer(Builder b) {
    this.config = b;
    this.metrics = new QueryMetrics(b.registry);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Binds and serves; does nothing when already started. */
  public synchronized QueryServer start() throws IOException {
    if (closed) {
      throw new IllegalStateException("query server: closed (expected: not closed to start)");
    }
    if (server != null) {
      return this;
    }
    server = JdkServer.bind(config, "query");
    try {
      servedBy = config.instanceName != null ? config.instanceName : config.host() + ":" + port();
      api =
          new QueryApi(
              config.view,
              access(),
              peers(),
              statusPage(),
              Runbooks.load(),
              retryAfter(),
              new ListQueries.Lag(config.clockMs, config.catchUpAfter));
    } catch (IOException | RuntimeException e) {
      server.close();
      server = null;
      throw e;
    }
    server.start(this::handle, WORKER_THREADS, access().required());
    return this;
  }

  /** The bound port (useful with port 0); the configured one before {@link #start()}. */
  public synchronized int port() {
    return server == null ? config.port() : server.port();
  }

  /** Stops serving; idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (server != null) {
      server.close();
    }
  }

  private void handle(HttpExchange exchange) {
    long start = System.nanoTime();
    String path = exchange.getRequestURI().getRawPath();
    int status = 500;
    try (exchange) {
      ApiRequest request =
          ApiRequest.of(
              exchange.getRequestMethod(),
              path,
              exchange.getRequestURI().getRawQuery(),
              exchange.getRequestHeaders().getFirst("Accept"),
              exchange.getRequestHeaders().getFirst("Authorization"),
              exchange.getRequestHeaders().containsKey(Peers.FORWARDED_HEADER));
      Reply reply = api.handle(request);
      status = reply.status();
      respond(exchange, reply);
    } catch (ApiException e) {
      status = e.status();
      respondQuietly(exchange, Reply.error(e));
    } catch (IOException | RuntimeException e) {
      log.debug("query response failed path={} error={}", path, e.toString());
    } finally {
      metrics.answered(QueryApi.endpoint(path), status, (System.nanoTime() - start) / 1e9);
    }
  }

  /** With the security headers of every answer; the status page widens its own CSP. */
  private void respond(HttpExchange exchange, Reply reply) throws IOException {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Cache-Control", "no-store");
    headers.put(SERVED_BY_HEADER, servedBy);
    headers.putAll(reply.headers());
    Responses.send(exchange, reply.status(), reply.contentType(), reply.body(), headers);
  }

  private void respondQuietly(HttpExchange exchange, Reply reply) {
    try {
      respond(exchange, reply);
    } catch (IOException | RuntimeException e) {
      log.debug("query error response failed error={}", e.toString());
    }
  }

  private Access access() {
    return new Access(config.bearerToken(), config.tenantTokens);
  }

  private Peers peers() throws IOException {
    HttpClient.Builder client =
        HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(PEER_TIMEOUT);
    if (config.tls() != null) {
      client.sslContext(PeerTls.peerClient(config.tls()));
    }
    String scheme = config.tls() == null ? "http" : "https";
    return new Peers(client.build(), scheme, PEER_TIMEOUT, retryAfter(), metrics);
  }

  private String retryAfter() {
    return Long.toString(Math.max(1, config.retryAfter.toSeconds()));
  }

  private static QueryApi.StatusPage statusPage() {
    return new QueryApi.StatusPage(resource(STATUS_PAGE), resource(STATUS_SCRIPT));
  }

  private static byte[] resource(String name) {
    try (InputStream in = QueryServer.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("resource missing: " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Builds a {@link QueryServer}; only the state view is required. With TLS it serves HTTPS and
   * calls other instances over HTTPS; the bearer token sees every tenant.
   */
  public static final class Builder extends JdkServerBuilder<Builder> {
    private StateView view;
    private PrometheusRegistry registry = PrometheusRegistry.defaultRegistry;
    private Map<String, String> tenantTokens = Map.of();
    private Duration retryAfter = DEFAULT_RETRY_AFTER;
    private String instanceName;
    private Duration catchUpAfter = DEFAULT_CATCH_UP_AFTER;
    private LongSupplier clockMs = System::currentTimeMillis;

    private Builder() {
      super(DEFAULT_HOST, DEFAULT_PORT);
    }

    /** The state to serve: {@link StateView#of} over Kafka Streams, or one made for tests. */
    public Builder setStateView(StateView view) {
      this.view = requireNonNull(view, "view");
      return this;
    }

    public Builder setRegistry(PrometheusRegistry registry) {
      this.registry = requireNonNull(registry, "registry");
      return this;
    }

    /** Token to tenant: a caller with one of these sees only its tenant's services and alerts. */
    public Builder setTenantTokens(Map<String, String> tokenToTenant) {
      tokenToTenant.forEach(
          (token, tenant) -> {
            if (token.isEmpty() || tenant.isEmpty()) {
              throw new IllegalArgumentException(
                  "tenantTokens: an empty token or tenant (expected: both not empty)");
            }
          });
      this.tenantTokens = Map.copyOf(tokenToTenant);
      return this;
    }

    /**
     * A service whose latest evaluation is older than this is reported {@code catchingUp} in {@code
     * /api/v1/services}: its signals are behind real time (a backlog or a replay is being read).
     * Streams sets it from its window settings: two windows plus grace plus idleAfter.
     */
    public Builder setCatchUpAfter(Duration catchUpAfter) {
      this.catchUpAfter = catchUpAfter;
      return this;
    }

    /** The wall clock that lag is measured against; tests set a fixed one. */
    public Builder setClock(LongSupplier clockMs) {
      this.clockMs = clockMs;
      return this;
    }

    /** The name in the X-Vitals-Served-By header, e.g. the {@code application.server}. */
    public Builder setInstanceName(String name) {
      this.instanceName = name;
      return this;
    }

    public QueryServer build() {
      if (view == null) {
        throw new IllegalStateException("stateView: null (expected: setStateView(..) called)");
      }
      return new QueryServer(this);
    }
  }
}
