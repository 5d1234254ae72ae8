package dev.vitals.app.admin;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpExchange;
import dev.vitals.common.http.BearerToken;
import dev.vitals.common.http.JdkServer;
import dev.vitals.common.http.JdkServerBuilder;
import dev.vitals.common.http.Responses;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

  private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
  private static final String TEXT = "text/plain; charset=utf-8";
  private static final String DEFAULT_HOST = "0.0.0.0";
  private static final int DEFAULT_PORT = 8888;
  private static final int WORKER_THREADS = 2;

  private final JdkServer server;
  private final PrometheusRegistry registry;
  private final Map<String, Supplier<String>> readiness;
  private final BearerToken bearerToken;
  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

  private AdminServer(Builder b) throws IOException {
    this.registry = b.registry;
    this.readiness = Map.copyOf(b.readiness);
    this.bearerToken = b.bearerToken() == null ? null : new BearerToken(b.bearerToken());
    this.server = JdkServer.bind(b, "admin");
    server.start(this::handle, WORKER_THREADS, bearerToken != null);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The bound port (useful with port 0). */
  public int port() {
    return server.port();
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
  public void close() {
    server.close();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      if (!List.of("/metrics", "/healthz", "/readyz").contains(path)) {
        respond(exchange, 404, TEXT, "not found: " + path + "\n", Map.of());
      } else if (!exchange.getRequestMethod().equals("GET")
          && !exchange.getRequestMethod().equals("HEAD")) {
        String answer = "method not allowed: " + exchange.getRequestMethod() + "\n";
        respond(exchange, 405, TEXT, answer, Map.of("Allow", "GET, HEAD"));
      } else if (!path.equals("/healthz") && !authorized(exchange)) {
        String answer = "unauthorized: a bearer token is required\n";
        respond(exchange, 401, TEXT, answer, Map.of("WWW-Authenticate", "Bearer"));
      } else if (path.equals("/metrics")) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        writer.write(body, registry.scrape());
        Responses.send(exchange, 200, writer.getContentType(), body.toByteArray(), Map.of());
      } else if (path.equals("/healthz")) {
        respond(exchange, 200, TEXT, "ok\n", Map.of());
      } else {
        Map<String, String> waiting = notReadyWithReasons();
        if (waiting.isEmpty()) {
          respond(exchange, 200, TEXT, "ready\n", Map.of());
        } else {
          List<String> parts =
              waiting.entrySet().stream()
                  .map(
                      e ->
                          e.getValue().isEmpty()
                              ? e.getKey()
                              : e.getKey() + " (" + e.getValue() + ")")
                  .toList();
          respond(exchange, 503, TEXT, "not ready: " + String.join(", ", parts) + "\n", Map.of());
        }
      }
    } catch (IOException | RuntimeException e) {
      log.warn("admin request failed path={} error={}", exchange.getRequestURI(), e.toString());
    }
  }

  /** True without a configured token, else when the Authorization header carries it. */
  private boolean authorized(HttpExchange exchange) {
    return bearerToken == null
        || bearerToken.matches(
            BearerToken.presented(exchange.getRequestHeaders().getFirst("Authorization")));
  }

  private static void respond(
      HttpExchange exchange, int status, String type, String body, Map<String, String> headers)
      throws IOException {
    Responses.send(exchange, status, type, body.getBytes(StandardCharsets.UTF_8), headers);
  }

  /** Null when the check passes, else its reason; a check that throws does not pass. */
  private static String whyNotReady(Supplier<String> check) {
    try {
      return check.get();
    } catch (RuntimeException e) {
      return e.toString();
    }
  }

  /**
   * Builds and starts an {@link AdminServer}: on {@code 0.0.0.0:8888} by default; with TLS, HTTPS
   * only; with a bearer token, {@code /metrics} and {@code /readyz} require it.
   */
  public static final class Builder extends JdkServerBuilder<Builder> {
    private PrometheusRegistry registry = PrometheusRegistry.defaultRegistry;
    private final Map<String, Supplier<String>> readiness = new LinkedHashMap<>();

    private Builder() {
      super(DEFAULT_HOST, DEFAULT_PORT);
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

    public AdminServer start() throws IOException {
      return new AdminServer(this);
    }
  }
}
