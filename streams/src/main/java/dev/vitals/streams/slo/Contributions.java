package dev.vitals.streams.slo;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.vitals.schemas.signals.SignalJson;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * What each service-level window added to each SLO, kept for the correction horizon in the {@code
 * slo-contributions} store (key {@code service|windowStart}, 15-digit epoch milliseconds) so that a
 * window re-emitted with a higher revision replaces its earlier counts instead of adding to them.
 */
final class Contributions {

  private final KeyValueStore<String, byte[]> store;

  Contributions(KeyValueStore<String, byte[]> store) {
    this.store = store;
  }

  /** One window's counts: revision and, per SLO name, {@code [good, total]}. */
  record Entry(@JsonProperty("r") int revision, @JsonProperty("c") Map<String, long[]> counts) {}

  /**
   * Records a window's counts; returns what to add to each SLO ({@code new − previous}), or null
   * when the store already holds this or a later revision of the window.
   */
  Map<String, long[]> replace(
      String service, long windowStart, int revision, Map<String, long[]> counts) {
    String key = key(service, windowStart);
    byte[] old = store.get(key);
    Entry previous = old == null ? null : SignalJson.read(old, Entry.class);
    if (previous != null && previous.revision() >= revision) {
      return null;
    }
    store.put(key, SignalJson.write(new Entry(revision, counts)));
    Map<String, long[]> delta = new HashMap<>();
    counts.forEach((slo, c) -> delta.put(slo, c.clone()));
    if (previous != null) {
      previous
          .counts()
          .forEach(
              (slo, c) -> {
                long[] d = delta.computeIfAbsent(slo, s -> new long[2]);
                d[0] -= c[0];
                d[1] -= c[1];
              });
    }
    return delta;
  }

  /** Forgets the windows of a service that started before {@code cutoff}. */
  void forgetBefore(String service, long cutoff) {
    List<String> old = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it =
        store.range(key(service, 0), key(service, Math.max(0, cutoff - 1)))) {
      while (it.hasNext()) {
        KeyValue<String, byte[]> kv = it.next();
        old.add(kv.key);
      }
    }
    old.forEach(store::delete);
  }

  private static String key(String service, long windowStart) {
    return service + "|" + String.format("%015d", windowStart);
  }
}
