package dev.vitals.streams.window;

/**
 * A task's clock. While records arrive it is the partition's watermark: per signal (metrics, logs,
 * spans: three partitions read side by side) the newest event time seen, never later than the wall
 * clock when it was seen (a producer whose clock runs ahead cannot close anyone's windows early),
 * and of those the smallest among the signals still sending (see {@link #observe}). Only once the
 * partition is idle — no record for {@code idleAfter} of wall-clock time, so the consumer has no
 * backlog to hand it — does wall-clock time move it on: the newest event time plus the wall time
 * elapsed since, so a quiet partition's windows still close and its services still get their silent
 * windows. A backlog, a replay or a catch-up after downtime is therefore windowed by its event time
 * alone, whatever the wall clock says. The watermark and the wall time it moved at survive restarts
 * (the clock is stored), so a partition still idle after a restart counts the downtime, as the wall
 * clock says; the idle timer itself starts again at the first reading after a (re)start. Also
 * remembers the first window not yet closed, which never goes back.
 */
final class EventClock {

  static final long UNSET = Long.MIN_VALUE;

  private final long idleAfterMs;
  private long watermarkMs = UNSET;
  private long anchorWallMs;
  private long nextOpenMs = UNSET;
  private long lastInputWallMs = UNSET;

  /** Per signal (metrics, logs, traces): its newest event time, and when it last had a record. */
  private final long[] signalWatermarkMs = {UNSET, UNSET, UNSET};

  private final long[] signalInputWallMs = {UNSET, UNSET, UNSET};

  EventClock(long idleAfterMs) {
    this.idleAfterMs = idleAfterMs;
  }

  boolean initialised() {
    return nextOpenMs != UNSET;
  }

  /** The effective now, or UNSET before the first record. */
  long now(long wallMs) {
    if (watermarkMs == UNSET) {
      return UNSET;
    }
    if (idle(wallMs)) {
      settle();
      return watermarkMs + Math.max(0, wallMs - anchorWallMs);
    }
    advance(wallMs);
    return watermarkMs;
  }

  /**
   * Whether no record arrived for {@code idleAfter}; the timer starts at the first reading after a
   * (re)start, so a restarted task first gives its backlog the time to arrive.
   */
  boolean idle(long wallMs) {
    if (lastInputWallMs == UNSET) {
      lastInputWallMs = wallMs;
    }
    return wallMs - lastInputWallMs >= idleAfterMs;
  }

  /**
   * Starts the idle timer again, as for a record: for a task that did not run for a while (a
   * stalled thread), whose consumer may have data for it that it could not take.
   */
  void restartIdleTimer(long wallMs) {
    lastInputWallMs = wallMs;
  }

  /** Notes that a record arrived: the partition is not idle. */
  void input(long wallMs) {
    if (lastInputWallMs == UNSET || wallMs > lastInputWallMs) {
      lastInputWallMs = wallMs;
    }
  }

  /**
   * Notes an event time seen in a record of {@code signal} (its ordinal). The watermark is the
   * smallest of the signals' own watermarks (each capped at the wall clock) among those that had a
   * record within {@code idleAfter}: a service's metrics, spans and logs are three partitions read
   * side by side, and when one of them is read behind the others (a slow fetch), the clock waits
   * for it instead of closing its windows before its data arrives; a signal the partition no longer
   * gets (a service without logs) stops counting after {@code idleAfter}, as an idle source does in
   * Flink. A newer watermark restarts the count of wall-clock time.
   */
  void observe(int signal, long eventMs, long wallMs) {
    input(wallMs);
    long capped = Math.min(eventMs, wallMs);
    if (signalWatermarkMs[signal] == UNSET || capped > signalWatermarkMs[signal]) {
      signalWatermarkMs[signal] = capped;
    }
    signalInputWallMs[signal] = wallMs;
    advance(wallMs);
  }

  /**
   * An idle partition has everything it was sent: its watermark is the newest event time of any
   * signal, as of the last record.
   */
  private void settle() {
    long newest = UNSET;
    for (long w : signalWatermarkMs) {
      newest = Math.max(newest, w);
    }
    if (newest != UNSET && newest > watermarkMs) {
      watermarkMs = newest;
      anchorWallMs = lastInputWallMs;
    }
  }

  /** Moves the watermark to the slowest signal still sending, never back. */
  private void advance(long wallMs) {
    long slowest = Long.MAX_VALUE;
    for (int s = 0; s < signalWatermarkMs.length; s++) {
      if (signalWatermarkMs[s] != UNSET && wallMs - signalInputWallMs[s] < idleAfterMs) {
        slowest = Math.min(slowest, signalWatermarkMs[s]);
      }
    }
    if (slowest != Long.MAX_VALUE && (watermarkMs == UNSET || slowest > watermarkMs)) {
      watermarkMs = slowest;
      anchorWallMs = wallMs;
    }
  }

  /**
   * Takes back a clock that is ahead of the wall clock, as versions before the watermark was capped
   * at the wall clock could store: the watermark becomes the wall clock, and a next open window
   * more than a window ahead becomes the window open now. Returns whether it did.
   */
  boolean pullBackTo(long wallMs, long windowMs) {
    boolean changed = false;
    if (watermarkMs != UNSET && watermarkMs > wallMs) {
      watermarkMs = wallMs;
      anchorWallMs = wallMs;
      changed = true;
    }
    if (nextOpenMs != UNSET && nextOpenMs > wallMs + windowMs) {
      nextOpenMs = Math.floorDiv(wallMs, windowMs) * windowMs;
      changed = true;
    }
    return changed;
  }

  long maxEventMs() {
    return watermarkMs;
  }

  long nextOpenMs() {
    return nextOpenMs;
  }

  void nextOpenMs(long startMs) {
    nextOpenMs = startMs;
  }

  byte[] encode() {
    return new BinaryWriter(24)
        .putLong(watermarkMs)
        .putLong(anchorWallMs)
        .putLong(nextOpenMs)
        .toBytes();
  }

  static EventClock decode(byte[] bytes, long idleAfterMs) {
    EventClock c = new EventClock(idleAfterMs);
    if (bytes != null) {
      BinaryReader in = new BinaryReader(bytes);
      c.watermarkMs = in.getLong();
      c.anchorWallMs = in.getLong();
      c.nextOpenMs = in.getLong();
    }
    return c;
  }
}
