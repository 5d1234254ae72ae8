package dev.vitals.streams.slo;

import dev.vitals.schemas.signals.ServiceWindow;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The last service-level windows of each service, for plots: the queryable {@code windows-recent}
 * store, one entry per window keyed {@code service|windowStart} (windowStart as 15-digit epoch
 * milliseconds, so a prefix scan of {@code service|} returns them oldest first). A revision
 * overwrites its window. One entry per window keeps a write small (a whole array per service would
 * rewrite ~60 kB every window).
 */
final class RecentWindows {

  private final KeyValueStore<String, String> store;
  private final int keep;

  RecentWindows(KeyValueStore<String, String> store, int keep) {
    this.store = store;
    this.keep = keep;
  }

  static String key(String service, long windowStartMillis) {
    return service + "|" + String.format("%015d", windowStartMillis);
  }

  /** Keeps {@code w}, as it came: {@code json}, totals and all (the query API returns it). */
  void add(String service, ServiceWindow w, byte[] json) {
    long start = w.windowStart().toEpochMilli();
    store.put(key(service, start), new String(json, StandardCharsets.UTF_8));
    long cutoff = start - keep * w.length().toMillis();
    if (cutoff <= 0) {
      return;
    }
    List<String> old = new ArrayList<>();
    try (KeyValueIterator<String, String> it = store.range(key(service, 0), key(service, cutoff))) {
      while (it.hasNext()) {
        old.add(it.next().key);
      }
    }
    old.forEach(store::delete);
  }

  /** The service's kept windows that start at or after {@code fromMillis}, oldest first. */
  List<ServiceWindow> since(String service, long fromMillis) {
    List<ServiceWindow> out = new ArrayList<>();
    try (KeyValueIterator<String, String> it =
        store.range(key(service, Math.max(0, fromMillis)), key(service, Long.MAX_VALUE / 1000))) {
      while (it.hasNext()) {
        try {
          out.add(WindowJson.read(it.next().value.getBytes(StandardCharsets.UTF_8)));
        } catch (RuntimeException e) {
          // an unreadable entry is no evidence
        }
      }
    }
    return out;
  }
}
