package dev.vitals.bench.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;

/** The plumbing the checks share: GETs, JSON, topic syncs and short lists in messages. */
final class Fetch {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final Duration SYNC_TIMEOUT = Duration.ofSeconds(30);

  private Fetch() {}

  /** The body of a 200 answer; else an {@link IllegalStateException} naming status and body. */
  static String get(URI url) {
    try {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10)).build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        String b = r.body();
        throw new IllegalStateException(
            url.getPath()
                + " answered "
                + r.statusCode()
                + " "
                + b.substring(0, Math.min(200, b.length())));
      }
      return r.body();
    } catch (IOException e) {
      throw new IllegalStateException(url.getPath() + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new IllegalStateException("not JSON: " + text, e);
    }
  }

  /** Waits until the tail read everything written so far; fails the check otherwise. */
  static void sync(TopicTail tail) {
    try {
      tail.sync(SYNC_TIMEOUT);
    } catch (TimeoutException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /** At most the first five items, for a message. */
  static String first(List<String> items) {
    return items.size() + ": " + String.join("; ", items.subList(0, Math.min(5, items.size())));
  }
}
