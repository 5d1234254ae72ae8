package dev.vitals.sinks.testing;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * A tiny OTLP/HTTP metrics receiver for tests: records every request it accepts, and can be told to
 * answer 503 to everything, or 400 to requests matching a rule.
 */
public final class OtlpReceiver implements AutoCloseable {

  private final HttpServer server;

  /** The header tests set {@code tenantHeader} to. */
  public static final String TENANT_HEADER = "X-Scope-OrgID";

  private final List<Received> accepted = new CopyOnWriteArrayList<>();

  /** An accepted request and its tenant header ("" when it had none). */
  public record Received(ExportMetricsServiceRequest request, String tenant) {}

  private volatile boolean unavailable;
  private volatile Predicate<ExportMetricsServiceRequest> refuse = r -> false;

  private OtlpReceiver(HttpServer server) {
    this.server = server;
  }

  public static OtlpReceiver start() throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    OtlpReceiver receiver = new OtlpReceiver(server);
    server.createContext("/v1/metrics", exchange -> receiver.handle(exchange));
    server.start();
    return receiver;
  }

  private void handle(com.sun.net.httpserver.HttpExchange exchange) throws IOException {
    byte[] body;
    try (InputStream in = exchange.getRequestBody()) {
      body = in.readAllBytes();
    }
    if (unavailable) {
      respond(exchange, 503, "unavailable".getBytes(StandardCharsets.UTF_8));
      return;
    }
    ExportMetricsServiceRequest request = ExportMetricsServiceRequest.parseFrom(body);
    if (refuse.test(request)) {
      respond(exchange, 400, "refused by the test receiver".getBytes(StandardCharsets.UTF_8));
      return;
    }
    String tenant = exchange.getRequestHeaders().getFirst(TENANT_HEADER);
    accepted.add(new Received(request, tenant == null ? "" : tenant));
    respond(exchange, 200, ExportMetricsServiceResponse.getDefaultInstance().toByteArray());
  }

  private static void respond(com.sun.net.httpserver.HttpExchange exchange, int status, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  public URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1/metrics");
  }

  public List<ExportMetricsServiceRequest> accepted() {
    return accepted.stream().map(Received::request).toList();
  }

  public List<Received> received() {
    return List.copyOf(accepted);
  }

  /** Answer 503 to every request while true. */
  public void unavailable(boolean unavailable) {
    this.unavailable = unavailable;
  }

  /** Answer 400 to requests matching {@code rule}. */
  public void refuse(Predicate<ExportMetricsServiceRequest> rule) {
    this.refuse = rule;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
