package dev.vitals.streams.window;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Deletes state that is no longer needed, a bounded amount per punctuation: windows past their
 * correction horizon, and cumulative series and processes not seen for {@code forgetAfter}.
 */
final class StateExpiry {

  /** Expired entries looked at per store and punctuation, so a sweep never stalls the task. */
  static final int SWEEP_BATCH = 1000;

  private final WindowSettings settings;
  private final WindowStores stores;
  private byte[] seriesCursor;
  private byte[] processesCursor;

  StateExpiry(WindowSettings settings, WindowStores stores) {
    this.settings = settings;
    this.stores = stores;
  }

  void run(long now) {
    expireWindows(now);
    seriesCursor = sweep(stores.series, seriesCursor, now, true);
    processesCursor = sweep(stores.processes, processesCursor, now, false);
  }

  private void expireWindows(long now) {
    long horizon = settings.windowMs() + settings.correctionHorizon().toMillis();
    long lastExpired = Math.floorDiv(now - horizon, settings.windowMs()) * settings.windowMs();
    if (lastExpired < 0) {
      return;
    }
    List<byte[]> keys = new ArrayList<>();
    try (KeyValueIterator<byte[], byte[]> it =
        stores.accumulators.range(
            StoreKeys.windowFrom(0), StoreKeys.windowFrom(lastExpired + settings.windowMs()))) {
      while (it.hasNext() && keys.size() < SWEEP_BATCH * 10) {
        keys.add(it.next().key);
      }
    }
    for (byte[] k : keys) {
      stores.accumulators.delete(k);
      stores.pending.delete(k);
    }
  }

  /** Deletes up to SWEEP_BATCH idle entries of a store after {@code cursor}; the next cursor. */
  private byte[] sweep(
      KeyValueStore<byte[], byte[]> store, byte[] cursor, long now, boolean series) {
    long cutoffMs = now - settings.forgetAfter().toMillis();
    List<byte[]> expired = new ArrayList<>();
    byte[] last = null;
    int seen = 0;
    try (KeyValueIterator<byte[], byte[]> it = store.range(cursor, null)) {
      while (it.hasNext() && seen < SWEEP_BATCH) {
        KeyValue<byte[], byte[]> e = it.next();
        seen++;
        last = e.key;
        long lastSeenMs =
            series
                ? CumulativeToDelta.timeOf(e.value) / 1_000_000
                : new BinaryReader(e.value).getLong();
        if (lastSeenMs < cutoffMs) {
          expired.add(e.key);
        }
      }
    }
    for (byte[] k : expired) {
      store.delete(k);
      if (series) {
        uncountSeries(StoreKeys.serviceOf(k));
      }
    }
    return seen < SWEEP_BATCH || last == null ? null : successor(last);
  }

  private void uncountSeries(byte[] service) {
    byte[] stored = stores.services.get(service);
    if (stored != null) {
      ServiceState state = ServiceState.decode(stored);
      state.seriesCount = Math.max(0, state.seriesCount - 1);
      stores.services.put(service, state.encode());
    }
  }

  private static byte[] successor(byte[] key) {
    return Arrays.copyOf(key, key.length + 1);
  }
}
