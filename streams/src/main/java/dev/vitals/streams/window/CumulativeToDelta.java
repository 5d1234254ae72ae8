package dev.vitals.streams.window;

/**
 * Turns the points of one cumulative histogram stream into deltas, as the OpenTelemetry data model
 * says (REFERENCE §2): the state is the previous point; a point with the same start time yields the
 * difference; a new start time or a count that went down is a reset; a first point counts from zero
 * only when its start is known and recent, or its process was already seen.
 *
 * <p>Pure logic: the processor keeps the states (see {@link SeriesGroup}).
 */
final class CumulativeToDelta {

  /** What became of a point. */
  enum Outcome {
    /** {@link Result#delta()} is to be counted. */
    DELTA,
    /** Nothing to count: the point only becomes the baseline for the next one. */
    BASELINE,
    /** At or before the previous point: dropped, state unchanged. */
    DUPLICATE
  }

  /**
   * @param delta the buckets to count when {@code outcome == DELTA}
   * @param state the new state to store (null for DUPLICATE: keep the old one)
   */
  record Result(Outcome outcome, HistogramBuckets delta, State state) {}

  /**
   * The state of a stream: its previous point. Kept in a {@link SeriesGroup}; {@link #decode} reads
   * the entry of one stream that versions before groups stored.
   */
  record State(long startNanos, long timeNanos, HistogramBuckets buckets) {

    byte[] encode() {
      BinaryWriter out = new BinaryWriter(64).putLong(startNanos).putLong(timeNanos);
      buckets.writeTo(out);
      return out.toBytes();
    }

    static State decode(byte[] bytes) {
      BinaryReader in = new BinaryReader(bytes);
      return new State(in.getLong(), in.getLong(), HistogramBuckets.readFrom(in));
    }
  }

  private final long firstPointMaxAgeNanos;

  CumulativeToDelta(long firstPointMaxAgeNanos) {
    this.firstPointMaxAgeNanos = firstPointMaxAgeNanos;
  }

  /**
   * Converts one cumulative point.
   *
   * @param previous the stream's stored state, or null for its first point
   * @param processSeen whether an earlier record already carried this resource with this start time
   *     (a series new within a process already tracked)
   */
  Result convert(
      State previous,
      long startNanos,
      long timeNanos,
      HistogramBuckets value,
      boolean processSeen) {
    State next = new State(startNanos, timeNanos, value);
    if (previous == null) {
      return first(next, processSeen);
    }
    State prev = previous;
    if (timeNanos <= prev.timeNanos()) {
      return new Result(Outcome.DUPLICATE, null, null);
    }
    if (startNanos == prev.startNanos()) {
      HistogramBuckets delta = value.minus(prev.buckets());
      if (delta != null) {
        return new Result(Outcome.DELTA, delta, next);
      }
    }
    return reset(next, prev);
  }

  private Result first(State next, boolean processSeen) {
    long start = next.startNanos();
    long time = next.timeNanos();
    boolean knownStart = start != 0 && start < time;
    if (knownStart && (time - start <= firstPointMaxAgeNanos || processSeen)) {
      return new Result(Outcome.DELTA, next.buckets(), next);
    }
    return new Result(Outcome.BASELINE, null, next);
  }

  private static Result reset(State next, State prev) {
    long start = next.startNanos();
    if (start != 0 && start < next.timeNanos() && start >= prev.timeNanos()) {
      return new Result(Outcome.DELTA, next.buckets(), next);
    }
    return new Result(Outcome.BASELINE, null, next);
  }

  /** The event time (nanoseconds) of a stream's stored state, for expiry. */
  static long timeOf(byte[] state) {
    return new BinaryReader(state).getLongAt8();
  }
}
