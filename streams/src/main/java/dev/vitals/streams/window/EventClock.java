package dev.vitals.streams.window;

/**
 * A task's clock: event time while data drives it, wall-clock time while it is idle. It reads the
 * newest event time that was ahead of the clock plus the wall-clock time elapsed since, so it never
 * goes back: replayed or fast-forwarded data moves it by event time, and a quiet partition still
 * sees its windows close. Also remembers the first window not yet closed.
 */
final class EventClock {

  static final long UNSET = Long.MIN_VALUE;

  private long anchorEventMs = UNSET;
  private long anchorWallMs;
  private long maxEventMs = UNSET;
  private long nextOpenMs = UNSET;

  boolean initialised() {
    return nextOpenMs != UNSET;
  }

  /** The effective now, or UNSET before the first record. */
  long now(long wallMs) {
    return anchorEventMs == UNSET ? UNSET : anchorEventMs + Math.max(0, wallMs - anchorWallMs);
  }

  /** Notes an event time seen; the clock jumps to it when it is ahead. */
  void observe(long eventMs, long wallMs) {
    maxEventMs = Math.max(maxEventMs, eventMs);
    if (anchorEventMs == UNSET || eventMs > now(wallMs)) {
      anchorEventMs = eventMs;
      anchorWallMs = wallMs;
    }
  }

  long maxEventMs() {
    return maxEventMs;
  }

  long nextOpenMs() {
    return nextOpenMs;
  }

  void nextOpenMs(long startMs) {
    nextOpenMs = startMs;
  }

  byte[] encode() {
    return new BinaryWriter(32)
        .putLong(anchorEventMs)
        .putLong(anchorWallMs)
        .putLong(maxEventMs)
        .putLong(nextOpenMs)
        .toBytes();
  }

  static EventClock decode(byte[] bytes) {
    EventClock c = new EventClock();
    if (bytes != null) {
      BinaryReader in = new BinaryReader(bytes);
      c.anchorEventMs = in.getLong();
      c.anchorWallMs = in.getLong();
      c.maxEventMs = in.getLong();
      c.nextOpenMs = in.getLong();
    }
    return c;
  }
}
