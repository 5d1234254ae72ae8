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
  private final long recordTimestampMs;
  private final ServiceKey service;
  private final byte[] serviceBytes;
  private ServiceState state;
  private boolean newService;

  private final Map<ByteBuffer, WindowAccumulator> accumulators = new HashMap<>();
  private final Set<ByteBuffer> pending = new HashSet<>();
  private final Map<ByteBuffer, byte[]> series = new HashMap<>();
  private final Map<ByteBuffer, Long> processes = new HashMap<>();
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

  byte[] serviceBytes() {
    return serviceBytes;
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
    if (running && eventMs > nowMs + settings.maxFutureSkew().toMillis()) {
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

  void drop(WindowMetrics.DropReason reason) {
    dropped[reason.ordinal()]++;
  }

  /** The stored state of a cumulative stream, or null for a new one. */
  byte[] seriesState(byte[] identity) {
    ByteBuffer key = ByteBuffer.wrap(StoreKeys.underService(serviceBytes, identity));
    byte[] staged = series.get(key);
    return staged != null ? staged : stores.series.get(key.array());
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

  void putSeries(byte[] identity, byte[] value) {
    series.put(ByteBuffer.wrap(StoreKeys.underService(serviceBytes, identity)), value);
  }

  /** Whether an earlier record carried this resource with this start time. */
  boolean processSeen(long resourceHash, long startNanos) {
    return stores.processes.get(processKey(resourceHash, startNanos).array()) != null;
  }

  void noteProcess(long resourceHash, long startNanos, long eventMs) {
    processes.merge(processKey(resourceHash, startNanos), eventMs, Math::max);
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
    ByteBuffer key = ByteBuffer.wrap(StoreKeys.accumulator(start, serviceBytes, operation));
    WindowAccumulator acc = accumulators.get(key);
    if (acc == null) {
      byte[] stored = stores.accumulators.get(key.array());
      acc = stored == null ? new WindowAccumulator() : WindowAccumulator.decode(stored);
      acc.silent = false;
      accumulators.put(key, acc);
    }
    if (closed) {
      pending.add(key);
    }
    return acc;
  }

  /** Writes everything staged; then moves the clock. */
  void commit(long wallMs) {
    for (Map.Entry<ByteBuffer, WindowAccumulator> e : accumulators.entrySet()) {
      stores.accumulators.put(e.getKey().array(), e.getValue().encode());
    }
    for (ByteBuffer key : pending) {
      stores.pending.put(key.array(), new byte[0]);
    }
    for (Map.Entry<ByteBuffer, byte[]> e : series.entrySet()) {
      stores.series.put(e.getKey().array(), e.getValue());
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
      clock.observe(maxEventMs, wallMs);
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
