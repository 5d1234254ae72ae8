package dev.vitals.streams.window;

import dev.vitals.schemas.ServiceKey;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hot path: adds every data point, span and log record of a service's raw records to its
 * event-time window (and its operation's), closes windows when the task's {@link EventClock} passes
 * their end plus grace (on records and on a wall-clock punctuator), emits silent windows for known
 * services that sent nothing, re-emits corrected windows with a higher revision, and expires old
 * state. A record it cannot process goes to the dead letters.
 */
final class WindowAggregator implements Processor<byte[], Routed, byte[], Routed> {

  private static final Logger log = LoggerFactory.getLogger(WindowAggregator.class);

  /** A task not run for longer than this (or five punctuation intervals) was stalled. */
  static final long STALL_MS = 5_000;

  static final byte[] CLOCK_KEY = "clock".getBytes(StandardCharsets.UTF_8);

  private final WindowSettings settings;
  private final WindowMetrics metrics;
  private final CumulativeToDelta converter;
  private final ServiceCounts serviceCounts = new ServiceCounts();
  private ProcessorContext<byte[], Routed> context;
  private WindowStores stores;
  private EventClock clock;
  private WindowCloser closer;
  private StateExpiry expiry;
  private boolean checkedClock;
  private long lastRunWallMs = EventClock.UNSET;
  private boolean wasIdle;

  WindowAggregator(WindowSettings settings, WindowMetrics metrics) {
    this.settings = settings;
    this.metrics = metrics;
    this.converter = new CumulativeToDelta(settings.firstPointMaxAge().toNanos());
  }

  @Override
  public void init(ProcessorContext<byte[], Routed> context) {
    this.context = context;
    this.stores = new WindowStores(context);
    // The wall clock is read on the first record or punctuation, not here: Kafka Streams sets a
    // processor's system time only while it processes (it can read 0 in init).
    this.clock = EventClock.decode(stores.clock.get(CLOCK_KEY), settings.idleAfter().toMillis());
    checkedClock = false;
    lastRunWallMs = EventClock.UNSET;
    wasIdle = false;
    serviceCounts.clear();
    try (KeyValueIterator<byte[], byte[]> it = stores.services.all()) {
      while (it.hasNext()) {
        serviceCounts.add(ServiceKey.parse(RecordBatch.utf8(it.next().key)).tenant(), 1);
      }
    }
    closer = new WindowCloser(settings, metrics, serviceCounts, context, stores, clock);
    expiry = new StateExpiry(settings, stores);
    context.schedule(
        settings.punctuateInterval(), PunctuationType.WALL_CLOCK_TIME, this::punctuate);
  }

  @Override
  @SuppressWarnings(
      "EnumOrdinal") // the event clock keeps, and stores, a position per signal ordinal
  public void process(Record<byte[], Routed> record) {
    Routed routed = record.value();
    long wall = context.currentSystemTimeMs();
    checkClock(wall);
    checkStall(wall);
    clock.input(wall);
    wasIdle = false;
    try {
      ServiceKey key = RawRouter.keyOf(record.key());
      if (key == null) {
        throw new IllegalArgumentException("record key is not a service key");
      }
      Object request = routed.parsed();
      if (request == null) {
        request = OtlpRequests.read(routed.signal(), routed.bytes());
      }
      RecordBatch batch =
          new RecordBatch(
              stores, settings, metrics, clock, serviceCounts, key, wall, record.timestamp());
      read(request, batch);
      batch.commit(routed.signal().ordinal(), wall);
    } catch (Exception e) {
      metrics.deadLetter();
      context.forward(DeadLetters.of(context, record, routed.signal(), routed.bytes(), e));
    }
    closer.closeDueWindows(wall);
  }

  private void read(Object request, RecordBatch batch) {
    if (request instanceof MetricsRecord) {
      MetricsReader.read((MetricsRecord) request, batch, converter);
    } else if (request instanceof ExportMetricsServiceRequest) {
      MetricsReader.read((ExportMetricsServiceRequest) request, batch, converter);
    } else if (request instanceof ExportTraceServiceRequest) {
      SpansReader.read((ExportTraceServiceRequest) request, batch);
    } else {
      LogsReader.read((ExportLogsServiceRequest) request, batch);
    }
  }

  /** Once per (re)start: a clock stored ahead of the wall clock is taken back (see EventClock). */
  private void checkClock(long wall) {
    if (checkedClock) {
      return;
    }
    checkedClock = true;
    if (clock.pullBackTo(wall, settings.windowMs())) {
      log.warn(
          "partition {}: stored window clock was ahead of the wall clock; reset to now",
          partition());
      stores.clock.put(CLOCK_KEY, clock.encode());
    }
  }

  /**
   * A task that did not run for longer than {@link #stallMs()} (GC, a blocked commit, a starved
   * thread) cannot tell whether its consumer had records for it meanwhile: that time is not idle.
   */
  private void checkStall(long wall) {
    if (lastRunWallMs != EventClock.UNSET && wall - lastRunWallMs > stallMs()) {
      clock.restartIdleTimer(wall);
      metrics.stall();
    }
    lastRunWallMs = wall;
  }

  private long stallMs() {
    return Math.max(STALL_MS, 5 * settings.punctuateInterval().toMillis());
  }

  private void punctuate(long wall) {
    checkClock(wall);
    checkStall(wall);
    boolean idle = clock.idle(wall);
    if (idle && !wasIdle) {
      metrics.idleSpell();
    }
    wasIdle = idle;
    closer.closeDueWindows(wall);
    closer.emitCorrections(wall);
    long now = clock.now(wall);
    if (now != EventClock.UNSET) {
      expiry.run(now);
      metrics.eventTimeLag(partition(), Math.max(0, wall - now) / 1000.0);
    }
    for (String name : WindowStores.NAMES) {
      metrics.stateEntries(name, partition(), stores.byName(name).approximateNumEntries());
    }
  }

  private int partition() {
    return context.taskId().partition();
  }

  // ---- closing ----
  // ---- output ----
  @Override
  public void close() {
    if (context != null) {
      metrics.forgetPartition(partition(), WindowStores.NAMES);
    }
  }
}
