package dev.vitals.app.admin;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsServer;
import dev.vitals.common.http.JdkServerLimits;
import dev.vitals.common.tls.ServerTls;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin endpoints every Vitals process serves: {@code GET /metrics} (Prometheus text 0.0.4),
 * {@code GET /healthz} (200 while the process runs) and {@code GET /readyz} (200 once every
 * readiness check passes, else 503 naming those that do not, each with its reason when it gives
 * one: {@code not ready: streams (a stream thread failed 3 times in the last 60 s: ...)}).
 *
 * <p>With TLS set it serves HTTPS only, optionally requiring client certificates. With a bearer
 * token set, {@code /metrics} and {@code /readyz} answer 401 unless the request carries {@code
 * Authorization: Bearer <token>}; {@code /healthz} stays open because liveness probes carry no
 * credentials and reveal nothing. The token is never logged.
 */
public final class AdminServer implements AutoCloseable {

  /** Every answer: nothing in it may run, load or be framed. */
  private static final String NOTHING_RUNS = "default-src 'none'; frame-ancestors 'none'";

  private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
  private static final String TEXT = "text/plain; charset=utf-8";

  private final HttpServer server;
  private final ExecutorService executor;
  private final PrometheusRegistry registry;
  private final Map<String, Supplier<String>> readiness;
  private final byte[] bearerToken;
  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
  private boolean closed;

  private AdminServer(Builder b) throws IOException {
    this.registry = b.registry;
    this.readiness = Map.copyOf(b.readiness);
    this.bearerToken =
        b.bearerToken == null ? null : b.bearerToken.getBytes(StandardCharsets.US_ASCII);
    InetSocketAddress address = new InetSocketAddress(b.host, b.port);
    JdkServerLimits.applyDefaults();
    if (b.tls == null) {
      this.server = HttpServer.create(address, 0);
    } else {
      HttpsServer https = HttpsServer.create(address, 0);
      https.setHttpsConfigurator(b.tls.httpsConfigurator(b.tls.serverContext("admin TLS")));
      this.server = https;
    }
    this.executor = Executors.newFixedThreadPool(2, AdminServer::thread);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
    log.info(
        "admin server listening host={} port={} tls={} clientAuth={} auth={}",
        b.host,
        port(),
        b.tls != null,
        b.tls == null ? "none" : b.tls.clientAuth().name().toLowerCase(Locale.ROOT),
        bearerToken == null ? "none" : "bearer");
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The bound port (useful with port 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  /** The names of the readiness checks that do not pass now; empty when ready. */
  public List<String> notReady() {
    return notReadyWithReasons().keySet().stream().sorted().toList();
  }

  /** The checks that do not pass now, by name, each with its reason ("" when it gives none). */
  public Map<String, String> notReadyWithReasons() {
    Map<String, String> out = new java.util.TreeMap<>();
    readiness.forEach(
        (name, check) -> {
          String reason = whyNotReady(check);
          if (reason != null) {
            out.put(name, reason);
          }
        });
    return out;
  }

  /** Stops serving; idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      if (!List.of("/metrics", "/healthz", "/readyz").contains(path)) {
        respond(exchange, 404, TEXT, "not found: " + path + "\n");
      } else if (!exchange.getRequestMethod().equals("GET")
          && !exchange.getRequestMethod().equals("HEAD")) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        respond(exchange, 405, TEXT, "method not allowed: " + exchange.getRequestMethod() + "\n");
      } else if (!path.equals("/healthz") && !authorized(exchange)) {
        exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
        respond(exchange, 401, TEXT, "unauthorized: a bearer token is required\n");
      } else if (path.equals("/metrics")) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        writer.write(body, registry.scrape());
        respond(exchange, 200, writer.getContentType(), body.toByteArray());
      } else if (path.equals("/healthz")) {
        respond(exchange, 200, TEXT, "ok\n");
      } else {
        Map<String, String> waiting = notReadyWithReasons();
        if (waiting.isEmpty()) {
          respond(exchange, 200, TEXT, "ready\n");
        } else {
          List<String> parts =
              waiting.entrySet().stream()
                  .map(
                      e ->
                          e.getValue().isEmpty()
                              ? e.getKey()
                              : e.getKey() + " (" + e.getValue() + ")")
                  .toList();
          respond(exchange, 503, TEXT, "not ready: " + String.join(", ", parts) + "\n");
        }
      }
    } catch (IOException | RuntimeException e) {
      log.warn("admin request failed path={} error={}", exchange.getRequestURI(), e.toString());
    }
  }

  /**
   * True without a configured token, else when the Authorization header carries it. The compare
   * takes the same time for every presented value of a given length, so timing reveals nothing
   * about the token's content.
   */
  private boolean authorized(HttpExchange exchange) {
    if (bearerToken == null) {
      return true;
    }
    String header = exchange.getRequestHeaders().getFirst("Authorization");
    String scheme = "Bearer ";
    if (header == null || !header.regionMatches(true, 0, scheme, 0, scheme.length())) {
      return false;
    }
    byte[] presented = header.substring(scheme.length()).trim().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(presented, bearerToken);
  }

  private static void respond(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    respond(exchange, status, type, body.getBytes(StandardCharsets.UTF_8));
  }

  private static void respond(HttpExchange exchange, int status, String type, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    exchange.getResponseHeaders().set("Content-Security-Policy", NOTHING_RUNS);
    exchange.getResponseHeaders().set("X-Frame-Options", "DENY");
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(status, head ? -1 : body.length == 0 ? -1 : body.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  /** Null when the check passes, else its reason; a check that throws does not pass. */
  private static String whyNotReady(Supplier<String> check) {
    try {
      return check.get();
    } catch (RuntimeException e) {
      return e.toString();
    }
  }

  private static Thread thread(Runnable r) {
    Thread t = new Thread(r, "admin-http");
    t.setDaemon(true);
    return t;
  }

  /** Builds and starts an {@link AdminServer}. */
  public static final class Builder {
    private String host = "0.0.0.0";
    private int port = 8888;
    private PrometheusRegistry registry = PrometheusRegistry.defaultRegistry;
    private final Map<String, Supplier<String>> readiness = new LinkedHashMap<>();
    private ServerTls tls;
    private String bearerToken;

    private Builder() {}

    public Builder setHost(String host) {
      this.host = requireNonNull(host, "host");
      return this;
    }

    /** The port; 0 picks a free one. */
    public Builder setPort(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
      }
      this.port = port;
      return this;
    }

    public Builder setRegistry(PrometheusRegistry registry) {
      this.registry = requireNonNull(registry, "registry");
      return this;
    }

    /** {@code /readyz} answers 200 only while every check returns true. */
    public Builder addReadinessCheck(String name, BooleanSupplier check) {
      requireNonNull(check, "check");
      readiness.put(requireNonNull(name, "name"), () -> check.getAsBoolean() ? null : "");
      return this;
    }

    /**
     * {@code /readyz} answers 200 only while {@code whyNotReady} returns null; otherwise 503 names
     * the check with the reason it returned.
     */
    public Builder addReadinessReason(String name, Supplier<String> whyNotReady) {
      readiness.put(requireNonNull(name, "name"), requireNonNull(whyNotReady, "whyNotReady"));
      return this;
    }

    /** Serves HTTPS with these PEM files; null (the default) serves plain HTTP. */
    public Builder setTls(ServerTls tls) {
      this.tls = tls;
      return this;
    }

    /**
     * Requires {@code Authorization: Bearer <token>} on {@code /metrics} and {@code /readyz}; null
     * (the default) requires nothing.
     */
    public Builder setBearerToken(String token) {
      if (token != null && token.isEmpty()) {
        throw new IllegalArgumentException("bearerToken: empty (expected a token or null)");
      }
      this.bearerToken = token;
      return this;
    }

    public AdminServer start() throws IOException {
      return new AdminServer(this);
    }
  }
}
