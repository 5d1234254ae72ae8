package dev.vitals.streams.graph;

import dev.vitals.schemas.signals.SignalJson;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Adds calls to their edge's event-time window and emits each window once when it closes (revision
 * 0), then again with the next revision for calls that arrive later, up to the correction horizon
 * (later ones are counted and dropped) — as service windows do, exactly once under Kafka Streams'
 * exactly-once processing, because what was emitted and what is still open is state in the same
 * transaction as the output.
 *
 * <p>A window closes when the task's clock passes its end plus grace plus the pairing wait: a call
 * whose client span waited out the whole pairing wait still reaches its window before it closes.
 * The clock is the newest call end seen (never ahead of the wall clock), moved on by wall-clock
 * time once no call arrived for {@code idleAfter}.
 */
final class EdgeAggregator implements Processor<byte[], Call, byte[], byte[]> {

  private static final long UNSET = Long.MIN_VALUE;
  private static final byte[] CLOCK_KEY = "clock".getBytes(StandardCharsets.UTF_8);

  private final long sizeMs;
  private final long closeAfterMs;
  private final long horizonMs;
  private final long idleAfterMs;
  private final long punctuateMs;
  private final GraphMetrics metrics;
  private ProcessorContext<byte[], byte[]> context;
  private KeyValueStore<byte[], byte[]> windows;
  private KeyValueStore<byte[], byte[]> corrections;
  private KeyValueStore<byte[], byte[]> clock;
  private KeyValueStore<byte[], byte[]> totals;
  private long watermarkMs = UNSET;
  private long nextOpenMs = UNSET;
  private long lastInputWallMs = UNSET;

  EdgeAggregator(
      long sizeMs,
      long graceMs,
      long horizonMs,
      long pairingWaitMs,
      long idleAfterMs,
      long punctuateMs,
      GraphMetrics metrics) {
    this.sizeMs = sizeMs;
    this.closeAfterMs = graceMs + pairingWaitMs;
    this.horizonMs = horizonMs + pairingWaitMs;
    this.idleAfterMs = idleAfterMs;
    this.punctuateMs = punctuateMs;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<byte[], byte[]> context) {
    this.context = context;
    windows = context.getStateStore(GraphTopology.EDGE_WINDOWS);
    corrections = context.getStateStore(GraphTopology.EDGE_CORRECTIONS);
    clock = context.getStateStore(GraphTopology.EDGE_CLOCK);
    totals = context.getStateStore(GraphTopology.EDGE_TOTALS);
    byte[] stored = clock.get(CLOCK_KEY);
    watermarkMs = stored == null ? UNSET : ByteBuffer.wrap(stored).getLong();
    nextOpenMs = stored == null ? UNSET : ByteBuffer.wrap(stored).getLong(8);
    lastInputWallMs = UNSET;
    context.schedule(
        java.time.Duration.ofMillis(punctuateMs), PunctuationType.WALL_CLOCK_TIME, this::punctuate);
  }

  @Override
  public void process(Record<byte[], Call> record) {
    long wall = context.currentSystemTimeMs();
    lastInputWallMs = wall;
    Call call = record.value();
    long start = Math.floorDiv(call.eventMs(), sizeMs) * sizeMs;
    if (nextOpenMs == UNSET) {
      nextOpenMs = start;
    }
    long now = now(wall);
    EdgeTotals running = EdgeTotals.decode(totals.get(record.key()));
    running.add(call);
    totals.put(record.key(), running.encode());
    if (start < nextOpenMs && now != UNSET && start + sizeMs + horizonMs < now) {
      metrics.lateCall("dropped");
    } else {
      byte[] key = Keys.edgeWindow(start, record.key());
      byte[] stored = windows.get(key);
      EdgeAccumulator acc = stored == null ? new EdgeAccumulator() : EdgeAccumulator.decode(stored);
      acc.add(call);
      windows.put(key, acc.encode());
      if (start < nextOpenMs) {
        corrections.put(key, new byte[0]);
        metrics.lateCall("corrected");
      }
    }
    if (watermarkMs == UNSET || Math.min(call.eventMs(), wall) > watermarkMs) {
      watermarkMs = Math.min(call.eventMs(), wall);
    }
    closeDue(wall);
    saveClock();
  }

  private void punctuate(long wall) {
    closeDue(wall);
    emitCorrections(wall);
    long now = now(wall);
    if (now != UNSET) {
      expire(now);
    }
    saveClock();
  }

  private void closeDue(long wall) {
    long now = now(wall);
    if (now == UNSET || nextOpenMs == UNSET) {
      return;
    }
    while (nextOpenMs + sizeMs + closeAfterMs <= now) {
      List<KeyValue<byte[], byte[]>> due = range(nextOpenMs, nextOpenMs + sizeMs);
      for (KeyValue<byte[], byte[]> e : due) {
        EdgeAccumulator acc = EdgeAccumulator.decode(e.value);
        emit(e.key, acc, 0, wall);
        metrics.windowEmitted("closed");
      }
      nextOpenMs = due.isEmpty() ? nextWithCalls(now) : nextOpenMs + sizeMs;
    }
  }

  /** After an empty window: the next window with calls, or the first that cannot close yet. */
  private long nextWithCalls(long now) {
    long lastClosable = Math.floorDiv(now - closeAfterMs - sizeMs, sizeMs) * sizeMs;
    try (KeyValueIterator<byte[], byte[]> it =
        windows.range(Keys.windowFrom(nextOpenMs + sizeMs), Keys.windowFrom(Long.MAX_VALUE))) {
      long firstWithCalls = it.hasNext() ? Keys.windowStartOf(it.next().key) : Long.MAX_VALUE;
      return Math.max(nextOpenMs + sizeMs, Math.min(firstWithCalls, lastClosable + sizeMs));
    }
  }

  private void emitCorrections(long wall) {
    List<byte[]> keys = new ArrayList<>();
    try (KeyValueIterator<byte[], byte[]> it = corrections.all()) {
      while (it.hasNext()) {
        keys.add(it.next().key);
      }
    }
    for (byte[] key : keys) {
      corrections.delete(key);
      byte[] stored = windows.get(key);
      if (stored != null) {
        EdgeAccumulator acc = EdgeAccumulator.decode(stored);
        emit(key, acc, acc.emittedRevision + 1, wall);
        metrics.windowEmitted("correction");
      }
    }
  }

  private void emit(byte[] windowKey, EdgeAccumulator acc, int revision, long wall) {
    long start = Keys.windowStartOf(windowKey);
    byte[] edgeKey = Keys.edgeKeyOf(windowKey);
    acc.emittedRevision = revision;
    windows.put(windowKey, acc.encode());
    EdgeTotals running = EdgeTotals.decode(totals.get(edgeKey));
    byte[] json =
        SignalJson.write(
            acc.toEdgeWindow(
                edgeKey,
                start,
                start + sizeMs,
                revision,
                running.toTotals(java.time.Instant.ofEpochMilli(wall))));
    context.forward(new Record<>(edgeKey, json, wall));
  }

  /** Forgets windows past the correction horizon. */
  private void expire(long now) {
    List<KeyValue<byte[], byte[]>> old = range(Long.MIN_VALUE + 1, now - horizonMs - sizeMs);
    for (KeyValue<byte[], byte[]> e : old) {
      windows.delete(e.key);
    }
  }

  private List<KeyValue<byte[], byte[]>> range(long fromStartMs, long toStartMs) {
    List<KeyValue<byte[], byte[]>> out = new ArrayList<>();
    if (toStartMs <= fromStartMs) {
      return out;
    }
    try (KeyValueIterator<byte[], byte[]> it =
        windows.range(Keys.windowFrom(fromStartMs), Keys.windowFrom(toStartMs))) {
      while (it.hasNext()) {
        KeyValue<byte[], byte[]> e = it.next();
        if (Keys.windowStartOf(e.key) < toStartMs) {
          out.add(e);
        }
      }
    }
    return out;
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

  private void saveClock() {
    clock.put(CLOCK_KEY, ByteBuffer.allocate(16).putLong(watermarkMs).putLong(nextOpenMs).array());
  }
}
