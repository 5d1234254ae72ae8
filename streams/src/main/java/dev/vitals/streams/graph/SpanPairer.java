package dev.vitals.streams.graph;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.PriorityQueue;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Pairs the two halves of each call. Every span of a trace reaches this task (the repartition is
 * keyed by trace id), so pairing is exact however many ingest and streams instances there are. The
 * first half to arrive waits in the {@code graph-pending} store under (trace id, caller's span id)
 * until its other half arrives — then one {@link Call} is forwarded and a small marker stays until
 * the wait would have ended, so that a duplicate of either span is not counted twice — or until the
 * task's event-time clock passes its end plus {@code pairingWait}: a caller then becomes a call to
 * the virtual node its attributes name (or is counted unpaired if they name none), a callee is
 * counted unpaired. A root SERVER span is a call from {@code user} at once.
 *
 * <p>The clock is the newest span end seen (never ahead of the wall clock), moved on by wall-clock
 * time once no span arrived for {@code idleAfter}. The store holds at most {@code maxPendingSpans}
 * entries; past that the entry due first is given up early ({@code evicted}). Which entry is due
 * when is kept in memory and rebuilt from the store when the task starts.
 */
final class SpanPairer implements Processor<byte[], SpanHalf, byte[], Call> {

  private static final byte HALF = 1;
  private static final byte DONE = 2;
  private static final long UNSET = Long.MIN_VALUE;

  private final long waitMs;
  private final long idleAfterMs;
  private final long punctuateMs;
  private final int maxPending;
  private final GraphMetrics metrics;
  private final PriorityQueue<Due> due = new PriorityQueue<>();
  private ProcessorContext<byte[], Call> context;
  private KeyValueStore<byte[], byte[]> pending;
  private int entries;
  private long watermarkMs = UNSET;
  private long lastInputWallMs = UNSET;

  // Carries encoded bytes between steps; never compared or hashed, so array identity is fine.
  @SuppressWarnings("ArrayRecordComponent")
  private record Due(long atMs, byte[] key) implements Comparable<Due> {
    @Override
    public int compareTo(Due o) {
      return Long.compare(atMs, o.atMs);
    }
  }

  SpanPairer(GraphSettings settings, long idleAfterMs, long punctuateMs, GraphMetrics metrics) {
    this.waitMs = settings.pairingWait().toMillis();
    this.maxPending = settings.maxPendingSpans();
    this.idleAfterMs = idleAfterMs;
    this.punctuateMs = punctuateMs;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<byte[], Call> context) {
    this.context = context;
    this.pending = context.getStateStore(GraphTopology.PENDING);
    due.clear();
    entries = 0;
    watermarkMs = UNSET;
    lastInputWallMs = UNSET;
    try (KeyValueIterator<byte[], byte[]> it = pending.all()) {
      while (it.hasNext()) {
        KeyValue<byte[], byte[]> e = it.next();
        long at = ByteBuffer.wrap(e.value, 1, 8).getLong();
        due.add(new Due(at, e.key));
        entries++;
        watermarkMs = Math.max(watermarkMs, at - waitMs);
      }
    }
    context.schedule(
        java.time.Duration.ofMillis(punctuateMs),
        PunctuationType.WALL_CLOCK_TIME,
        wall -> {
          expire(now(wall));
          metrics.pending(context.taskId().partition(), entries);
        });
  }

  /**
   * Moves the clock and gives up the halves whose wait is over before it takes the new half, so
   * that the calls it forwards come in the order of the clock.
   */
  @Override
  public void process(Record<byte[], SpanHalf> record) {
    long wall = context.currentSystemTimeMs();
    lastInputWallMs = wall;
    SpanHalf half = record.value();
    watermarkMs = Math.max(watermarkMs, Math.min(half.endMs(), wall));
    long now = now(wall);
    expire(now);
    if (!half.root() || half.caller()) {
      waitFor(record.key(), half, now);
    } else if (!half.messaging()) {
      forward(Call.fromUser(half), "root");
    } else {
      metrics.outcome("unpaired_server");
    }
  }

  /**
   * A half waits {@code pairingWait} from its end or from when the clock saw it, whichever is
   * later: the halves of a call delayed together (a service's backlog) still pair.
   */
  private void waitFor(byte[] traceKey, SpanHalf half, long nowMs) {
    byte[] key = Keys.join(traceKey, half.joinSpanId());
    byte[] stored = pending.get(key);
    if (stored == null) {
      long at = Math.max(half.endMs(), nowMs) + waitMs;
      pending.put(key, entry(HALF, at, half.encode()));
      due.add(new Due(at, key));
      entries++;
      while (entries > maxPending) {
        giveUp(due.poll(), "evicted");
      }
      return;
    }
    if (stored[0] == DONE) {
      metrics.outcome("duplicate");
      return;
    }
    SpanHalf other = SpanHalf.decode(Arrays.copyOfRange(stored, 9, stored.length));
    if (other.caller() == half.caller()) {
      metrics.outcome(Arrays.equals(other.spanId(), half.spanId()) ? "duplicate" : "unpaired");
      return;
    }
    SpanHalf caller = half.caller() ? half : other;
    SpanHalf callee = half.caller() ? other : half;
    pending.put(key, entry(DONE, ByteBuffer.wrap(stored, 1, 8).getLong(), new byte[0]));
    if (caller.service().equals(callee.service())) {
      metrics.outcome("same_service");
    } else {
      forward(Call.paired(caller, callee), "paired");
    }
  }

  private void expire(long nowMs) {
    while (nowMs != UNSET && !due.isEmpty() && due.peek().atMs() <= nowMs) {
      giveUp(due.poll(), "expired");
    }
  }

  /** The wait of {@code d} is over (or it is evicted): what is still alone is given up. */
  private void giveUp(Due d, String why) {
    byte[] stored = pending.get(d.key());
    if (stored == null || ByteBuffer.wrap(stored, 1, 8).getLong() != d.atMs()) {
      return;
    }
    pending.delete(d.key());
    entries--;
    if (stored[0] == DONE) {
      return;
    }
    if ("evicted".equals(why)) {
      metrics.evicted();
    }
    SpanHalf half = SpanHalf.decode(Arrays.copyOfRange(stored, 9, stored.length));
    if (!half.caller()) {
      metrics.outcome("unpaired_server");
    } else if (half.peer() != null) {
      forward(Call.toPeer(half), "virtual");
    } else {
      metrics.outcome("unpaired_client");
    }
  }

  private void forward(Call call, String outcome) {
    metrics.outcome(outcome);
    context.forward(new Record<>(call.edgeKey(), call, call.eventMs()));
  }

  private long now(long wall) {
    if (watermarkMs == UNSET) {
      return UNSET;
    }
    if (lastInputWallMs == UNSET) {
      lastInputWallMs = wall;
    }
    long idleFor = wall - lastInputWallMs;
    return idleFor >= idleAfterMs ? watermarkMs + idleFor : watermarkMs;
  }

  private static byte[] entry(byte kind, long atMs, byte[] body) {
    return ByteBuffer.allocate(9 + body.length).put(kind).putLong(atMs).put(body).array();
  }

  @Override
  public void close() {
    if (context != null) {
      metrics.forgetPartition(context.taskId().partition());
    }
  }
}
