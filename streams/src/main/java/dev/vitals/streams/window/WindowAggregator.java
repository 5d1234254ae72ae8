package dev.vitals.streams.window;

import com.google.protobuf.Message;
import dev.vitals.schemas.ServiceKey;
import dev.vitals.schemas.signals.ServiceWindow;
import dev.vitals.schemas.signals.SignalJson;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * The hot path: adds every data point, span and log record of a service's raw records to its
 * event-time window (and its operation's), closes windows when the task's {@link EventClock} passes
 * their end plus grace (on records and on a wall-clock punctuator), emits silent windows for known
 * services that sent nothing, re-emits corrected windows with a higher revision, and expires old
 * state. A record it cannot process goes to the dead letters.
 */
final class WindowAggregator implements Processor<byte[], Routed, byte[], Routed> {

  static final byte[] CLOCK_KEY = "clock".getBytes(StandardCharsets.UTF_8);

  /** Expired entries looked at per store and punctuation, so a sweep never stalls the task. */
  static final int SWEEP_BATCH = 1000;

  private final WindowSettings settings;
  private final WindowMetrics metrics;
  private final CumulativeToDelta converter;
  private final ServiceCounts serviceCounts = new ServiceCounts();
  private ProcessorContext<byte[], Routed> context;
  private WindowStores stores;
  private EventClock clock;
  private byte[] seriesCursor;
  private byte[] processesCursor;

  WindowAggregator(WindowSettings settings, WindowMetrics metrics) {
    this.settings = settings;
    this.metrics = metrics;
    this.converter = new CumulativeToDelta(settings.firstPointMaxAge().toNanos());
  }

  @Override
  public void init(ProcessorContext<byte[], Routed> context) {
    this.context = context;
    this.stores = new WindowStores(context);
    this.clock = EventClock.decode(stores.clock.get(CLOCK_KEY));
    serviceCounts.clear();
    try (KeyValueIterator<byte[], byte[]> it = stores.services.all()) {
      while (it.hasNext()) {
        serviceCounts.add(ServiceKey.parse(RecordBatch.utf8(it.next().key)).tenant(), 1);
      }
    }
    context.schedule(
        settings.punctuateInterval(), PunctuationType.WALL_CLOCK_TIME, this::punctuate);
  }

  @Override
  public void process(Record<byte[], Routed> record) {
    Routed routed = record.value();
    long wall = context.currentSystemTimeMs();
    try {
      ServiceKey key = RawRouter.keyOf(record.key());
      if (key == null) {
        throw new IllegalArgumentException("record key is not a service key");
      }
      Message request = routed.parsed();
      if (request == null) {
        request = OtlpRequests.parse(routed.signal(), routed.bytes());
      }
      RecordBatch batch =
          new RecordBatch(
              stores, settings, metrics, clock, serviceCounts, key, wall, record.timestamp());
      read(request, batch);
      batch.commit(wall);
    } catch (Exception e) {
      metrics.deadLetter();
      context.forward(DeadLetters.of(context, record, routed.signal(), routed.bytes(), e));
    }
    closeDueWindows(wall);
  }

  private void read(Message request, RecordBatch batch) {
    if (request instanceof ExportMetricsServiceRequest) {
      MetricsReader.read((ExportMetricsServiceRequest) request, batch, converter);
    } else if (request instanceof ExportTraceServiceRequest) {
      SpansReader.read((ExportTraceServiceRequest) request, batch);
    } else {
      LogsReader.read((ExportLogsServiceRequest) request, batch);
    }
  }

  private void punctuate(long wall) {
    closeDueWindows(wall);
    emitCorrections(wall);
    long now = clock.now(wall);
    if (now != EventClock.UNSET) {
      expireWindows(now);
      seriesCursor = sweep(stores.series, seriesCursor, now, true);
      processesCursor = sweep(stores.processes, processesCursor, now, false);
      metrics.eventTimeLag(partition(), Math.max(0, wall - clock.maxEventMs()) / 1000.0);
    }
    for (String name : WindowStores.NAMES) {
      metrics.stateEntries(name, partition(), stores.byName(name).approximateNumEntries());
    }
  }

  private int partition() {
    return context.taskId().partition();
  }

  // ---- closing ----

  private void closeDueWindows(long wall) {
    if (!clock.initialised()) {
      return;
    }
    long now = clock.now(wall);
    long size = settings.windowMs();
    long grace = settings.grace().toMillis();
    boolean moved = false;
    while (clock.nextOpenMs() + size + grace <= now) {
      if (serviceCounts.total() == 0) {
        long lastClosable = Math.floorDiv(now - grace - size, size) * size;
        clock.nextOpenMs(lastClosable + size);
        moved = true;
        break;
      }
      closeWindow(clock.nextOpenMs(), wall);
      clock.nextOpenMs(clock.nextOpenMs() + size);
      moved = true;
    }
    if (moved) {
      stores.clock.put(CLOCK_KEY, clock.encode());
    }
  }

  private void closeWindow(long start, long wall) {
    long end = start + settings.windowMs();
    List<KeyValue<byte[], byte[]>> entries = range(start);
    java.util.Set<java.nio.ByteBuffer> active = new java.util.HashSet<>();
    WindowAccumulator serviceLevel = null;
    for (KeyValue<byte[], byte[]> e : entries) {
      StoreKeys.AccumulatorKey key = StoreKeys.parseAccumulator(e.key);
      WindowAccumulator acc = WindowAccumulator.decode(e.value);
      if (key.operation() == null) {
        serviceLevel = acc;
        active.add(java.nio.ByteBuffer.wrap(key.serviceBytes()));
      }
      acc.emittedRevision = 0;
      stores.accumulators.put(e.key, acc.encode());
      emit(key, acc, serviceLevel, 0, wall);
      metrics.windowEmitted("closed");
    }
    emitSilent(start, end, active, wall);
  }

  private List<KeyValue<byte[], byte[]>> range(long start) {
    List<KeyValue<byte[], byte[]>> out = new ArrayList<>();
    try (KeyValueIterator<byte[], byte[]> it =
        stores.accumulators.range(
            StoreKeys.windowFrom(start), StoreKeys.windowFrom(start + settings.windowMs()))) {
      while (it.hasNext()) {
        out.add(it.next());
      }
    }
    return out;
  }

  /** Known services without data in [start, end): a silent window each, or forgotten. */
  private void emitSilent(
      long start, long end, java.util.Set<java.nio.ByteBuffer> active, long wall) {
    long forget = settings.forgetAfter().toMillis();
    List<KeyValue<byte[], byte[]>> services = new ArrayList<>();
    try (KeyValueIterator<byte[], byte[]> it = stores.services.all()) {
      while (it.hasNext()) {
        services.add(it.next());
      }
    }
    for (KeyValue<byte[], byte[]> e : services) {
      ServiceState state = ServiceState.decode(e.value);
      ServiceKey service = ServiceKey.parse(RecordBatch.utf8(e.key));
      if (end - state.lastSeenMs > forget) {
        stores.services.delete(e.key);
        serviceCounts.add(service.tenant(), -1);
        continue;
      }
      if (state.forgetOperationsBefore(end - forget)) {
        stores.services.put(e.key, state.encode());
      }
      if (active.contains(java.nio.ByteBuffer.wrap(e.key)) || state.firstSeenMs >= start) {
        continue;
      }
      WindowAccumulator silent = new WindowAccumulator();
      silent.silent = true;
      silent.emittedRevision = 0;
      byte[] key = StoreKeys.accumulator(start, e.key, null);
      stores.accumulators.put(key, silent.encode());
      emit(new StoreKeys.AccumulatorKey(start, service, e.key, null), silent, silent, 0, wall);
      metrics.windowEmitted("silent");
    }
  }

  // ---- corrections and expiry ----

  private void emitCorrections(long wall) {
    List<byte[]> keys = new ArrayList<>();
    try (KeyValueIterator<byte[], byte[]> it = stores.pending.all()) {
      while (it.hasNext()) {
        keys.add(it.next().key);
      }
    }
    for (byte[] k : keys) {
      stores.pending.delete(k);
      byte[] stored = stores.accumulators.get(k);
      if (stored == null) {
        continue;
      }
      StoreKeys.AccumulatorKey key = StoreKeys.parseAccumulator(k);
      WindowAccumulator acc = WindowAccumulator.decode(stored);
      WindowAccumulator serviceLevel = acc;
      if (key.operation() != null) {
        byte[] s =
            stores.accumulators.get(
                StoreKeys.accumulator(key.windowStartMs(), key.serviceBytes(), null));
        serviceLevel = s == null ? null : WindowAccumulator.decode(s);
      }
      int revision = acc.emittedRevision + 1;
      acc.emittedRevision = revision;
      stores.accumulators.put(k, acc.encode());
      emit(key, acc, serviceLevel, revision, wall);
      metrics.windowEmitted("correction");
    }
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
      org.apache.kafka.streams.state.KeyValueStore<byte[], byte[]> store,
      byte[] cursor,
      long now,
      boolean series) {
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
    byte[] next = java.util.Arrays.copyOf(key, key.length + 1);
    return next;
  }

  // ---- output ----

  private void emit(
      StoreKeys.AccumulatorKey key,
      WindowAccumulator acc,
      WindowAccumulator serviceLevel,
      int revision,
      long wall) {
    ServiceWindow window =
        acc.toServiceWindow(
            key.service(),
            key.operation(),
            key.windowStartMs(),
            key.windowStartMs() + settings.windowMs(),
            revision,
            serviceLevel,
            settings.maxExemplars());
    Routed out = new Routed(Routed.Route.WINDOW, null, SignalJson.write(window), null);
    context.forward(new Record<>(key.serviceBytes(), out, wall, new RecordHeaders()));
  }

  @Override
  public void close() {
    if (context != null) {
      metrics.forgetPartition(partition(), WindowStores.NAMES);
    }
  }
}
