package dev.vitals.streams.slo;

import dev.vitals.common.config.Quantities;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps the burn-window and period sums of one SLO of one service incrementally: good/total counts
 * live in minute buckets (kept for the longest burn window) and hour buckets (kept for the period);
 * each running sum changes only by the buckets that enter or leave it as the clock advances, never
 * by rescanning. Buckets are 16-byte values in the {@code slo-buckets} store, keyed {@code
 * service|slo|m|minute} and {@code service|slo|h|hour}.
 */
final class RollingCounts {

  private static final long[] WINDOW_MINUTES =
      SloSettings.BURN_WINDOWS.stream().mapToLong(Duration::toMinutes).toArray();
  private static final long LONGEST = WINDOW_MINUTES[WINDOW_MINUTES.length - 1];

  private final KeyValueStore<String, byte[]> buckets;
  private final String prefix;
  private final SloState state;

  RollingCounts(
      KeyValueStore<String, byte[]> buckets, String serviceKey, String slo, SloState state) {
    this.buckets = buckets;
    this.prefix = serviceKey + "|" + slo + "|";
    this.state = state;
  }

  /** Starts a fresh state whose clock ends at {@code windowEndMillis}. */
  static SloState fresh(long windowEndMillis, Duration period) {
    SloState s = new SloState();
    s.clockMinute = Math.floorDiv(windowEndMillis + 59_999, 60_000);
    s.clockHour = Math.floorDiv(s.clockMinute + 59, 60);
    s.firstMinute = s.clockMinute - 1;
    s.periodHours = period.toHours();
    s.lastEnd = windowEndMillis;
    return s;
  }

  /** Moves the clock to a window end, evicting the buckets that leave each window. */
  void advanceTo(long windowEndMillis) {
    state.lastEnd = Math.max(state.lastEnd, windowEndMillis);
    long clock = Math.floorDiv(windowEndMillis + 59_999, 60_000);
    if (clock > state.clockMinute) {
      for (int i = 0; i < WINDOW_MINUTES.length; i++) {
        long from = state.clockMinute - WINDOW_MINUTES[i];
        long to = Math.min(clock - WINDOW_MINUTES[i], state.clockMinute);
        for (long m = from; m < to; m++) {
          evictMinute(i, m, i == WINDOW_MINUTES.length - 1);
        }
      }
      state.clockMinute = clock;
    }
    long hour = Math.floorDiv(state.clockMinute + 59, 60);
    if (hour > state.clockHour) {
      long from = state.clockHour - state.periodHours;
      long to = Math.min(hour - state.periodHours, state.clockHour);
      for (long h = from; h < to; h++) {
        long[] b = read(hourKey(h));
        if (b != null) {
          state.periodGood -= b[0];
          state.periodTotal -= b[1];
          buckets.delete(hourKey(h));
        }
      }
      state.clockHour = hour;
    }
  }

  /** Re-sums the period when the SLO's period changed in the SLO file (rare, ≤ period gets). */
  void usePeriod(Duration period) {
    long hours = period.toHours();
    if (hours == state.periodHours) {
      return;
    }
    state.periodHours = hours;
    state.periodGood = 0;
    state.periodTotal = 0;
    for (long h = state.clockHour - hours; h < state.clockHour; h++) {
      long[] b = read(hourKey(h));
      if (b != null) {
        state.periodGood += b[0];
        state.periodTotal += b[1];
      }
    }
  }

  /** Adds a change of good/total counts to the minute that starts at {@code startMillis}. */
  void add(long startMillis, long good, long total) {
    if (good == 0 && total == 0) {
      return;
    }
    long minute = Math.floorDiv(startMillis, 60_000);
    if (minute >= state.clockMinute - LONGEST) {
      addTo(minuteKey(minute), good, total);
      for (int i = 0; i < WINDOW_MINUTES.length; i++) {
        if (minute >= state.clockMinute - WINDOW_MINUTES[i]) {
          state.good[i] += good;
          state.total[i] += total;
        }
      }
    }
    long hour = Math.floorDiv(minute, 60);
    if (hour >= state.clockHour - state.periodHours) {
      addTo(hourKey(hour), good, total);
      state.periodGood += good;
      state.periodTotal += total;
    }
  }

  private void evictMinute(int window, long minute, boolean last) {
    long[] b = read(minuteKey(minute));
    if (b == null) {
      return;
    }
    state.good[window] -= b[0];
    state.total[window] -= b[1];
    if (last) {
      buckets.delete(minuteKey(minute));
    }
  }

  private void addTo(String key, long good, long total) {
    long[] b = read(key);
    long g = good + (b == null ? 0 : b[0]);
    long t = total + (b == null ? 0 : b[1]);
    buckets.put(key, ByteBuffer.allocate(16).putLong(g).putLong(t).array());
  }

  private long[] read(String key) {
    byte[] v = buckets.get(key);
    if (v == null) {
      return null;
    }
    ByteBuffer b = ByteBuffer.wrap(v);
    return new long[] {b.getLong(), b.getLong()};
  }

  private String minuteKey(long minute) {
    return prefix + "m|" + minute;
  }

  private String hourKey(long hour) {
    return prefix + "h|" + hour;
  }

  /** The burn windows' names as in records: {@code 5m} .. {@code 3d}. */
  static List<String> windowNames() {
    return SloSettings.BURN_WINDOWS.stream().map(Quantities::formatDuration).toList();
  }
}
