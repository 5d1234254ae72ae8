package dev.vitals.common.http;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;

/**
 * Answers of the JDK-server servers, each with the security headers every answer carries: nothing
 * in it may be sniffed into another type, run, load or be framed (clickjacking). A page that must
 * run something widens the {@code Content-Security-Policy} through its own headers.
 */
public final class Responses {

  /** Every answer: nothing in it may run, load or be framed. */
  public static final String NOTHING_RUNS = "default-src 'none'; frame-ancestors 'none'";

  private Responses() {}

  /**
   * Sends {@code status} with {@code body} (none for {@code HEAD} or an empty body), the security
   * headers, then {@code headers}, which win over them.
   */
  public static void send(
      HttpExchange exchange,
      int status,
      String contentType,
      byte[] body,
      Map<String, String> headers)
      throws IOException {
    Headers out = exchange.getResponseHeaders();
    out.set("Content-Type", contentType);
    out.set("X-Content-Type-Options", "nosniff");
    out.set("Content-Security-Policy", NOTHING_RUNS);
    out.set("X-Frame-Options", "DENY");
    headers.forEach(out::set);
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(status, head || body.length == 0 ? -1 : body.length);
    if (!head && body.length > 0) {
      try (OutputStream stream = exchange.getResponseBody()) {
        stream.write(body);
      }
    }
  }
}
