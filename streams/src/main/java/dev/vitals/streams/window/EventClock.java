package dev.vitals.streams.window;

/**
 * A task's clock. While records arrive it is the partition's watermark: the newest event time seen,
 * never later than the wall clock when it was seen (a producer whose clock runs ahead cannot close
 * anyone's windows early). Only once the partition is idle — no record for {@code idleAfter} of
 * wall-clock time, which also means the consumer has no backlog to hand it — does wall-clock time
 * move it on: the watermark plus the wall time elapsed since the watermark last moved, so a quiet
 * partition's windows still close and its services still get their silent windows. A backlog, a
 * replay or a catch-up after downtime is therefore windowed by its event time alone, whatever the
 * wall clock says. The watermark and the wall time it moved at survive restarts (the clock is
 * stored), so a partition still idle after a restart counts the downtime, as the wall clock says;
 * the idle timer itself starts again at the first reading after a (re)start. Also remembers the
 * first window not yet closed, which never goes back.
 */
final class EventClock {

  static final long UNSET = Long.MIN_VALUE;

  private final long idleAfterMs;
  private long watermarkMs = UNSET;
  private long anchorWallMs;
  private long nextOpenMs = UNSET;
  private long lastInputWallMs = UNSET;

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
    return idle(wallMs) ? watermarkMs + Math.max(0, wallMs - anchorWallMs) : watermarkMs;
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
   * Notes an event time seen; one newer than the watermark moves it, up to the wall clock, and
   * restarts the count of wall-clock time.
   */
  void observe(long eventMs, long wallMs) {
    input(wallMs);
    long capped = Math.min(eventMs, wallMs);
    if (watermarkMs == UNSET || capped > watermarkMs) {
      watermarkMs = capped;
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
