package dev.vitals.streams.window;

/**
 * A task's clock: the newest event time it has seen (its watermark) plus the wall-clock time
 * elapsed since that watermark last moved. While data flows, even a backlog read slower than real
 * time, it follows event time; while the partition is quiet it runs on in real time, so its windows
 * still close. It can step back when data resumes after a quiet spell, which is harmless: windows
 * already closed stay closed ({@link #nextOpenMs()} never goes back). A restarted task starts
 * counting wall-clock time afresh, so downtime does not close the windows of the backlog it has yet
 * to read. Also remembers the first window not yet closed.
 */
final class EventClock {

  static final long UNSET = Long.MIN_VALUE;

  private long watermarkMs = UNSET;
  private long anchorWallMs;
  private long nextOpenMs = UNSET;

  boolean initialised() {
    return nextOpenMs != UNSET;
  }

  /** The effective now, or UNSET before the first record. */
  long now(long wallMs) {
    return watermarkMs == UNSET ? UNSET : watermarkMs + Math.max(0, wallMs - anchorWallMs);
  }

  /** Notes an event time seen; a newer one moves the watermark and restarts the wall clock. */
  void observe(long eventMs, long wallMs) {
    if (watermarkMs == UNSET || eventMs > watermarkMs) {
      watermarkMs = eventMs;
      anchorWallMs = wallMs;
    }
  }

  /** Counts wall-clock time from now on only: for a task (re)starting after a pause. */
  void restart(long wallMs) {
    anchorWallMs = wallMs;
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

  static EventClock decode(byte[] bytes) {
    EventClock c = new EventClock();
    if (bytes != null) {
      BinaryReader in = new BinaryReader(bytes);
      c.watermarkMs = in.getLong();
      c.anchorWallMs = in.getLong();
      c.nextOpenMs = in.getLong();
    }
    return c;
  }
}
