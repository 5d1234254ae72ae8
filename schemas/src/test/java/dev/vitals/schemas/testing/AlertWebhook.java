package dev.vitals.schemas.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.vitals.schemas.signals.SignalJson;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * A webhook receiver on a free 127.0.0.1 port for a test's Alertmanager: keeps every notification
 * it is sent, so that a test can say which alerts reached the on-call engineer.
 */
public final class AlertWebhook implements AutoCloseable {

  private final HttpServer server;
  private final List<JsonNode> notifications = new ArrayList<>();

  private AlertWebhook(HttpServer server) {
    this.server = server;
  }

  public static AlertWebhook start() throws IOException {
    AlertWebhook webhook =
        new AlertWebhook(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0));
    webhook.server.createContext(
        "/",
        exchange -> {
          JsonNode body = SignalJson.MAPPER.readTree(exchange.getRequestBody());
          synchronized (webhook.notifications) {
            webhook.notifications.add(body);
          }
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    webhook.server.start();
    return webhook;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** The labels of every alert of every notification received so far, in order. */
  public List<JsonNode> alertLabels() {
    List<JsonNode> labels = new ArrayList<>();
    synchronized (notifications) {
      for (JsonNode n : notifications) {
        n.path("alerts").forEach(a -> labels.add(a.path("labels")));
      }
    }
    return labels;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
