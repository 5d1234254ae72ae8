package dev.vitals.streams.query;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vitals.schemas.signals.SignalJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls to the other instances. Every call carries {@value #FORWARDED_HEADER}, so the receiver
 * answers from its local state and never forwards again, and the caller's Authorization header, so
 * the receiver applies the same tenant.
 */
final class Peers {

  static final String FORWARDED_HEADER = "X-Vitals-Forwarded";

  private static final Logger log = LoggerFactory.getLogger(Peers.class);

  private final HttpClient client;
  private final String scheme;
  private final Duration timeout;
  private final String retryAfterSeconds;
  private final QueryMetrics metrics;

  Peers(
      HttpClient client,
      String scheme,
      Duration timeout,
      String retryAfterSeconds,
      QueryMetrics metrics) {
    this.client = client;
    this.scheme = scheme;
    this.timeout = timeout;
    this.retryAfterSeconds = retryAfterSeconds;
    this.metrics = metrics;
  }

  /** Counts a peer that did not answer a gathering call (the list is answered partial). */
  void gatherFailed(HostInfo host, Throwable cause) {
    log.warn("instance unreachable host={} error={}", name(host), cause.toString());
    metrics.peerFailed("gather");
  }

  /** The owner's whole answer to {@code pathAndQuery}, relayed as it is. */
  Reply forward(HostInfo host, String pathAndQuery, ApiRequest request) {
    try {
      HttpResponse<byte[]> response =
          client.send(
              build(host, pathAndQuery, request, request.accept()),
              HttpResponse.BodyHandlers.ofByteArray());
      String type = response.headers().firstValue("Content-Type").orElse(Reply.JSON);
      Map<String, String> headers = new LinkedHashMap<>();
      for (String name : List.of("Retry-After", QueryServer.SERVED_BY_HEADER)) {
        response.headers().firstValue(name).ifPresent(v -> headers.put(name, v));
      }
      return new Reply(response.statusCode(), type, response.body(), headers);
    } catch (IOException e) {
      throw unreachable(host, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unreachable(host, e);
    }
  }

  /** The JSON answer of {@code pathAndQuery} on {@code host}, asynchronously; fails unless 200. */
  CompletableFuture<JsonNode> getJson(HostInfo host, String pathAndQuery, ApiRequest request) {
    return client
        .sendAsync(
            build(host, pathAndQuery, request, Reply.JSON), HttpResponse.BodyHandlers.ofByteArray())
        .thenApply(response -> json(host, response));
  }

  /** {@link #getJson} waited for; a failure is a 503 naming the unreachable owner. */
  JsonNode getJsonNow(HostInfo host, String pathAndQuery, ApiRequest request) {
    try {
      return getJson(host, pathAndQuery, request).join();
    } catch (CompletionException e) {
      throw unreachable(host, e.getCause() == null ? e : e.getCause());
    }
  }

  private HttpRequest build(HostInfo host, String pathAndQuery, ApiRequest request, String accept) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(
                URI.create(scheme + "://" + host.host() + ':' + host.port() + pathAndQuery))
            .timeout(timeout)
            .header(FORWARDED_HEADER, "1")
            .GET();
    if (!accept.isEmpty()) {
      b.header("Accept", accept);
    }
    if (request.authorization() != null) {
      b.header("Authorization", request.authorization());
    }
    return b.build();
  }

  private static JsonNode json(HostInfo host, HttpResponse<byte[]> response) {
    if (response.statusCode() != 200) {
      throw new PeerException(host + " answered " + response.statusCode());
    }
    try {
      return SignalJson.MAPPER.readTree(response.body());
    } catch (IOException e) {
      throw new PeerException(host + " answered with invalid JSON: " + e.getMessage());
    }
  }

  /** A peer as people write it: {@code host:port}. */
  static String name(HostInfo host) {
    return host.host() + ':' + host.port();
  }

  private ApiException unreachable(HostInfo host, Throwable cause) {
    log.warn("instance unreachable host={} error={}", name(host), cause.toString());
    metrics.peerFailed("route");
    return new ApiException(
        503,
        "the instance that owns this service (" + name(host) + ") did not answer; retry shortly",
        Map.of("Retry-After", retryAfterSeconds),
        null);
  }

  /** A peer answered, but not with what was asked. */
  static final class PeerException extends RuntimeException {
    PeerException(String message) {
      super(message, null, false, false);
    }
  }
}
