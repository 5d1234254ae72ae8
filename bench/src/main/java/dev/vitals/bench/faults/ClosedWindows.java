package dev.vitals.bench.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The service-level windows (operation null) of {@code vitals.service-windows.v1}, the latest
 * revision of each; windows emitted twice with the same revision but different counts (a reader
 * cannot tell which is right); and every window whose end lay more than one window ahead of the
 * wall clock when it was read (issue 9: "no window is ever emitted for a time later than now + one
 * window").
 */
final class ClosedWindows {

  /** One window as last revised. */
  record Window(
      String service, long startMs, long endMs, int revision, long spans, long requests) {}

  /** A window of a service, the key of the map. */
  record Slot(String service, long startMs) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final long windowMs;
  private final Map<Slot, Window> latest = new ConcurrentHashMap<>();
  private final List<String> future = new ArrayList<>();
  private final List<String> conflicts = new ArrayList<>();

  ClosedWindows(long windowMs) {
    this.windowMs = windowMs;
  }

  void accept(ConsumerRecord<byte[], byte[]> record) {
    JsonNode n;
    try {
      n = JSON.readTree(record.value());
    } catch (IOException e) {
      return;
    }
    if (!n.path("operation").isNull()) {
      return;
    }
    long start = Instant.parse(n.path("windowStart").asText()).toEpochMilli();
    long end = Instant.parse(n.path("windowEnd").asText()).toEpochMilli();
    Window w =
        new Window(
            n.path("service").asText(),
            start,
            end,
            n.path("revision").asInt(),
            n.path("spans").asLong(),
            n.path("requests").asLong());
    long now = System.currentTimeMillis();
    if (end > now + windowMs) {
      synchronized (future) {
        future.add(w + " read at " + Instant.ofEpochMilli(now));
      }
    }
    latest.merge(new Slot(w.service(), start), w, this::later);
  }

  /**
   * The higher revision; the same revision twice with other counts is a conflict (the later wins).
   */
  private Window later(Window a, Window b) {
    if (a.revision() == b.revision() && (a.spans() != b.spans() || a.requests() != b.requests())) {
      synchronized (conflicts) {
        conflicts.add(a + " then " + b);
      }
    }
    return b.revision() >= a.revision() ? b : a;
  }

  List<Window> all() {
    return List.copyOf(latest.values());
  }

  /** Windows emitted twice with the same revision and different counts. */
  List<String> conflicts() {
    synchronized (conflicts) {
      return List.copyOf(conflicts);
    }
  }

  List<String> futureWindows() {
    synchronized (future) {
      return List.copyOf(future);
    }
  }
}
