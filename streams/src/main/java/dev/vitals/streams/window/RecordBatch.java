package dev.vitals.streams.window;

import dev.vitals.schemas.ServiceKey;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The changes one raw record makes, staged in memory and written to the stores only when the whole
 * record was read: a record that fails half way changes nothing and goes to the dead letters.
 */
final class RecordBatch {

  static final String OVERFLOW = "otel.metric.overflow";

  private final WindowStores stores;
  private final WindowSettings settings;
  private final WindowMetrics metrics;
  private final EventClock clock;
  private final ServiceCounts serviceCounts;
  private final long nowMs;
  private final long wallMs;
  private final long recordTimestampMs;
  private final ServiceKey service;
  private final byte[] serviceBytes;
  private ServiceState state;
  private boolean newService;

  /** The service's windows this record touched, by window start. */
  private final Map<Long, WindowBundle> windows = new HashMap<>();

  /** Closed windows this record changed: to be corrected. */
  private final Set<WindowSlot> pending = new HashSet<>();

  private final Map<ByteBuffer, SeriesGroup> seriesGroups = new HashMap<>();
  private final Set<ByteBuffer> legacySeries = new HashSet<>();
  private final Map<ByteBuffer, Long> processes = new HashMap<>();
  private long lastProcessHash;
  private long lastProcessStart;
  private long lastProcessEventMs = Long.MIN_VALUE;
  private long maxEventMs = EventClock.UNSET;
  private long minWindowStartMs = Long.MAX_VALUE;
  private long lateCorrected;
  private long lateDropped;
  private final long[] dropped = new long[WindowMetrics.DropReason.values().length];

  RecordBatch(
      WindowStores stores,
      WindowSettings settings,
      WindowMetrics metrics,
      EventClock clock,
      ServiceCounts serviceCounts,
      ServiceKey key,
      long wallMs,
      long recordTimestampMs) {
    this.stores = stores;
    this.settings = settings;
    this.metrics = metrics;
    this.clock = clock;
    this.serviceCounts = serviceCounts;
    this.nowMs = clock.now(wallMs);
    this.wallMs = wallMs;
    this.recordTimestampMs = recordTimestampMs;
    byte[] bytes = key.toBytes();
    byte[] stored = stores.services.get(bytes);
    if (stored == null && serviceCounts.get(key.tenant()) >= settings.maxServicesPerTenant()) {
      metrics.overflow("services");
      key = new ServiceKey(key.tenant(), "", OVERFLOW);
      bytes = key.toBytes();
      stored = stores.services.get(bytes);
    }
    this.service = key;
    this.serviceBytes = bytes;
    this.state = stored == null ? null : ServiceState.decode(stored);
  }

  WindowSettings settings() {
    return settings;
  }

  /** The event time of an item from its nanoseconds, the record timestamp when 0. */
  long eventMs(long unixNanos) {
    return unixNanos <= 0 ? recordTimestampMs : unixNanos / 1_000_000;
  }

  /**
   * Applies {@code update} to the service's window of {@code eventMs} and, when {@code operation}
   * is not null, to that operation's window too; unless the item is too far in the future or too
   * late to correct, which is counted.
   */
  void add(long eventMs, String operation, Consumer<WindowAccumulator> update) {
    boolean running = clock.initialised();
    long skew = settings.maxFutureSkew().toMillis();
    if (eventMs > wallMs + skew || (running && eventMs > nowMs + skew)) {
      drop(WindowMetrics.DropReason.FUTURE);
      return;
    }
    long size = settings.windowMs();
    long start = Math.floorDiv(eventMs, size) * size;
    boolean closed = running && start < clock.nextOpenMs();
    if (closed && start + size + settings.correctionHorizon().toMillis() <= nowMs) {
      lateDropped++;
      return;
    }
    if (closed) {
      lateCorrected++;
    }
    maxEventMs = Math.max(maxEventMs, eventMs);
    minWindowStartMs = Math.min(minWindowStartMs, start);
    ServiceState s = state(eventMs);
    s.seen(eventMs);
    update.accept(accumulator(start, null, closed));
    if (operation != null) {
      if (!s.admitOperation(operation, eventMs, settings.maxOperationsPerService())) {
        metrics.overflow("operations");
        operation = OVERFLOW;
      }
      update.accept(accumulator(start, operation, closed));
    }
  }

  @SuppressWarnings("EnumOrdinal") // a counter per reason in an array, no map on the record path
  void drop(WindowMetrics.DropReason reason) {
    dropped[reason.ordinal()]++;
  }

  /**
   * The cumulative-to-delta states of one metric of this service (one resource, scope, name, unit
   * and type), read once per record and written back by {@link #commit}.
   */
  SeriesGroup seriesGroup(byte[] metricIdentity) {
    ByteBuffer key = ByteBuffer.wrap(StoreKeys.seriesGroup(serviceBytes, metricIdentity));
    SeriesGroup group = seriesGroups.get(key);
    if (group == null) {
      byte[] stored = stores.series.get(key.array());
      group = new SeriesGroup();
      if (stored != null) {
        try {
          group = SeriesGroup.decode(stored);
        } catch (RuntimeException e) {
          // Written by a newer version, or damaged: its streams start again as new ones (the
          // first-point rule of CumulativeToDelta) instead of every record of the metric failing.
          drop(WindowMetrics.DropReason.UNREADABLE_STATE);
        }
      }
      seriesGroups.put(key, group);
    }
    return group;
  }

  /**
   * The state of a stream as versions before {@link SeriesGroup} stored it, one entry per stream,
   * or null. A stream found there moves into its group: the old entry is deleted on commit.
   */
  CumulativeToDelta.State legacySeriesState(byte[] identity) {
    ByteBuffer key = ByteBuffer.wrap(StoreKeys.underService(serviceBytes, identity));
    byte[] stored = stores.series.get(key.array());
    if (stored == null) {
      return null;
    }
    legacySeries.add(key);
    return CumulativeToDelta.State.decode(stored);
  }

  /** Whether a new series fits in the service's budget; it is then counted. */
  boolean admitSeries(long eventMs) {
    ServiceState s = state(eventMs);
    if (s.seriesCount >= settings.maxSeriesPerService()) {
      metrics.overflow("series");
      drop(WindowMetrics.DropReason.SERIES_BUDGET);
      return false;
    }
    s.seriesCount++;
    return true;
  }

  /** Whether an earlier record carried this resource with this start time. */
  boolean processSeen(long resourceHash, long startNanos) {
    return stores.processes.get(processKey(resourceHash, startNanos).array()) != null;
  }

  void noteProcess(long resourceHash, long startNanos, long eventMs) {
    // The points of a record nearly always share their process: skip the repeats.
    if (resourceHash == lastProcessHash
        && startNanos == lastProcessStart
        && eventMs <= lastProcessEventMs) {
      return;
    }
    lastProcessEventMs = processes.merge(processKey(resourceHash, startNanos), eventMs, Math::max);
    lastProcessHash = resourceHash;
    lastProcessStart = startNanos;
  }

  private ByteBuffer processKey(long resourceHash, long startNanos) {
    byte[] suffix = new BinaryWriter(16).putLong(resourceHash).putLong(startNanos).toBytes();
    return ByteBuffer.wrap(StoreKeys.underService(serviceBytes, suffix));
  }

  private ServiceState state(long eventMs) {
    if (state == null) {
      state = new ServiceState(eventMs);
      newService = true;
    }
    return state;
  }

  private WindowAccumulator accumulator(long start, String operation, boolean closed) {
    WindowBundle window = windows.get(start);
    if (window == null) {
      window = WindowBundle.load(stores.accumulators, start, serviceBytes);
      if (window == null) {
        window = WindowBundle.empty(start, serviceBytes);
      }
      windows.put(start, window);
    }
    WindowAccumulator acc = operation == null ? window.service : window.operationOrNew(operation);
    acc.silent = false;
    if (closed) {
      pending.add(new WindowSlot(start, operation));
    }
    return acc;
  }

  /** A window of this record's service: its start, and its operation or null. */
  private record WindowSlot(long start, String operation) {}

  /** Writes everything staged; then moves the clock with the record's {@code signal}. */
  @SuppressWarnings("ByteBufferBackingArray") // each key is ByteBuffer.wrap of a whole array
  void commit(int signal, long wallMs) {
    for (WindowBundle window : windows.values()) {
      window.save(stores.accumulators);
    }
    for (WindowSlot slot : pending) {
      stores.pending.put(
          StoreKeys.accumulator(slot.start(), serviceBytes, slot.operation()), new byte[0]);
    }
    for (Map.Entry<ByteBuffer, SeriesGroup> e : seriesGroups.entrySet()) {
      if (e.getValue().changed()) {
        stores.series.put(e.getKey().array(), e.getValue().encode());
      }
    }
    for (ByteBuffer key : legacySeries) {
      stores.series.delete(key.array());
    }
    for (Map.Entry<ByteBuffer, Long> e : processes.entrySet()) {
      stores.processes.put(e.getKey().array(), new BinaryWriter(8).putLong(e.getValue()).toBytes());
    }
    if (state != null) {
      stores.services.put(serviceBytes, state.encode());
      if (newService) {
        serviceCounts.add(service.tenant(), 1);
      }
    }
    if (maxEventMs != EventClock.UNSET) {
      clock.observe(signal, maxEventMs, wallMs);
      if (!clock.initialised()) {
        // The first window still open at the clock's start, or an earlier one this record has.
        long size = settings.windowMs();
        long now = clock.now(wallMs);
        long firstOpen = Math.floorDiv(now - settings.grace().toMillis(), size) * size;
        clock.nextOpenMs(Math.min(minWindowStartMs, firstOpen));
      }
      stores.clock.put(WindowAggregator.CLOCK_KEY, clock.encode());
    }
    report();
  }

  @SuppressWarnings("EnumOrdinal") // reads the counters drop() keeps by ordinal
  private void report() {
    if (lateCorrected > 0) {
      metrics.lateCorrected(lateCorrected);
    }
    if (lateDropped > 0) {
      metrics.lateDropped(lateDropped);
    }
    for (WindowMetrics.DropReason r : WindowMetrics.DropReason.values()) {
      if (dropped[r.ordinal()] > 0) {
        metrics.dropped(r, dropped[r.ordinal()]);
      }
    }
  }

  static String hex(com.google.protobuf.ByteString id) {
    if (id.size() != 16) {
      return null;
    }
    StringBuilder sb = new StringBuilder(32);
    for (int i = 0; i < 16; i++) {
      int b = id.byteAt(i) & 0xFF;
      sb.append(Character.forDigit(b >>> 4, 16)).append(Character.forDigit(b & 0xF, 16));
    }
    String s = sb.toString();
    return s.equals("00000000000000000000000000000000") ? null : s;
  }

  static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
