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
    }
    // Only the few windows with a correction due are in the pending store: delete those, not a
    // tombstone per expired accumulator.
    List<byte[]> pending = new ArrayList<>();
    try (KeyValueIterator<byte[], byte[]> it =
        stores.pending.range(
            StoreKeys.windowFrom(0), StoreKeys.windowFrom(lastExpired + settings.windowMs()))) {
      while (it.hasNext()) {
        pending.add(it.next().key);
      }
    }
    for (byte[] k : pending) {
      stores.pending.delete(k);
    }
  }

  /**
   * Deletes up to SWEEP_BATCH idle entries of a store after {@code cursor}; the next cursor. In the
   * series store, forgets the idle streams of each group, and deletes a group left empty.
   */
  private byte[] sweep(
      KeyValueStore<byte[], byte[]> store, byte[] cursor, long now, boolean series) {
    long cutoffMs = now - settings.forgetAfter().toMillis();
    List<KeyValue<byte[], byte[]>> expired = new ArrayList<>();
    byte[] last = null;
    int seen = 0;
    try (KeyValueIterator<byte[], byte[]> it = store.range(cursor, null)) {
      while (it.hasNext() && seen < SWEEP_BATCH) {
        KeyValue<byte[], byte[]> e = it.next();
        seen++;
        last = e.key;
        long lastSeenMs;
        try {
          if (!series) {
            lastSeenMs = new BinaryReader(e.value).getLong();
          } else if (StoreKeys.isSeriesGroup(e.key)) {
            lastSeenMs = SeriesGroup.oldestTimeOf(e.value) / 1_000_000;
          } else {
            lastSeenMs = CumulativeToDelta.timeOf(e.value) / 1_000_000;
          }
        } catch (RuntimeException unreadable) {
          // Too short to hold a time: damaged, so of no use; deleted below.
          lastSeenMs = Long.MIN_VALUE;
        }
        if (lastSeenMs < cutoffMs) {
          expired.add(e);
        }
      }
    }
    for (KeyValue<byte[], byte[]> e : expired) {
      if (!series) {
        store.delete(e.key);
      } else if (StoreKeys.isSeriesGroup(e.key)) {
        expireGroup(e.key, e.value, cutoffMs);
      } else {
        store.delete(e.key);
        uncountSeries(StoreKeys.serviceOf(e.key), 1);
      }
    }
    return seen < SWEEP_BATCH || last == null ? null : successor(last);
  }

  private void expireGroup(byte[] key, byte[] value, long cutoffMs) {
    SeriesGroup group;
    try {
      group = SeriesGroup.decode(value);
    } catch (RuntimeException e) {
      stores.series.delete(key);
      return;
    }
    int removed = group.expire(cutoffMs * 1_000_000);
    if (group.size() == 0) {
      stores.series.delete(key);
    } else {
      stores.series.put(key, group.encode());
    }
    uncountSeries(StoreKeys.serviceOf(key), removed);
  }

  private void uncountSeries(byte[] service, int n) {
    if (n == 0) {
      return;
    }
    byte[] stored = stores.services.get(service);
    if (stored != null) {
      ServiceState state = ServiceState.decode(stored);
      state.seriesCount = Math.max(0, state.seriesCount - n);
      stores.services.put(service, state.encode());
    }
  }

  private static byte[] successor(byte[] key) {
    return Arrays.copyOf(key, key.length + 1);
  }
}
