package dev.vitals.streams.window;

import dev.vitals.schemas.ServiceKey;
import dev.vitals.schemas.signals.ServiceWindow;
import dev.vitals.schemas.signals.SignalJson;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Emits windows: closes every window the task's clock has passed (revision 0), with a silent window
 * for each known service that sent nothing in it (forgetting those quiet for {@code forgetAfter}),
 * and re-emits corrected windows with their next revision.
 */
final class WindowCloser {

  private static final Logger log = LoggerFactory.getLogger(WindowCloser.class);

  private final WindowSettings settings;
  private final WindowMetrics metrics;
  private final ServiceCounts serviceCounts;
  private final ProcessorContext<byte[], Routed> context;
  private final WindowStores stores;
  private final EventClock clock;

  WindowCloser(
      WindowSettings settings,
      WindowMetrics metrics,
      ServiceCounts serviceCounts,
      ProcessorContext<byte[], Routed> context,
      WindowStores stores,
      EventClock clock) {
    this.settings = settings;
    this.metrics = metrics;
    this.serviceCounts = serviceCounts;
    this.context = context;
    this.stores = stores;
    this.clock = clock;
  }

  void closeDueWindows(long wall) {
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
      stores.clock.put(WindowAggregator.CLOCK_KEY, clock.encode());
    }
  }

  /**
   * Emits the window's records service by service, each service's operation windows before its
   * service-level window: the SLO topology evaluates on the service-level window, and its alert
   * evidence (worst operations) then already has this window's operations.
   */
  private void closeWindow(long start, long wall) {
    long end = start + settings.windowMs();
    Set<ByteBuffer> active = new HashSet<>();
    for (KeyValue<byte[], byte[]> e : range(start)) {
      StoreKeys.AccumulatorKey key;
      WindowBundle window;
      try {
        key = StoreKeys.parseAccumulator(e.key);
        if (key.operation() != null) {
          // An operation's own entry: read with its service's window, which sorts before it.
          continue;
        }
        window = WindowBundle.read(stores.accumulators, start, key.serviceBytes(), e.key, e.value);
      } catch (RuntimeException ex) {
        unreadable(stores.accumulators, e.key, ex);
        continue;
      }
      WindowAccumulator serviceLevel = window.service;
      serviceLevel.emittedRevision = 0;
      serviceLevel.emittedFromMetrics = serviceLevel.hasMetrics;
      serviceLevel.settleLatency();
      for (String operation : window.operations()) {
        WindowAccumulator acc = operation(window, operation);
        if (acc == null) {
          continue;
        }
        acc.emittedRevision = 0;
        acc.emittedFromMetrics = false;
        acc.settleLatency();
        emit(operationKey(key, operation), acc, serviceLevel, 0, wall);
        metrics.windowEmitted("closed");
      }
      emit(key, serviceLevel, serviceLevel, 0, wall);
      metrics.windowEmitted("closed");
      window.save(stores.accumulators);
      active.add(ByteBuffer.wrap(key.serviceBytes()));
    }
    emitSilent(start, end, active, wall);
  }

  /** An operation's accumulator, or null: none, or unreadable (then forgotten and counted). */
  private WindowAccumulator operation(WindowBundle window, String operation) {
    try {
      return window.operation(operation);
    } catch (RuntimeException e) {
      log.warn("Forgetting an unreadable operation window of {}: {}", operation, e.toString());
      window.forget(operation);
      metrics.dropped(WindowMetrics.DropReason.UNREADABLE_STATE, 1);
      return null;
    }
  }

  private static StoreKeys.AccumulatorKey operationKey(
      StoreKeys.AccumulatorKey service, String operation) {
    return new StoreKeys.AccumulatorKey(
        service.windowStartMs(), service.service(), service.serviceBytes(), operation);
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
  private void emitSilent(long start, long end, Set<ByteBuffer> active, long wall) {
    long forget = settings.forgetAfter().toMillis();
    List<KeyValue<byte[], byte[]>> services = new ArrayList<>();
    try (KeyValueIterator<byte[], byte[]> it = stores.services.all()) {
      while (it.hasNext()) {
        services.add(it.next());
      }
    }
    for (KeyValue<byte[], byte[]> e : services) {
      ServiceState state;
      ServiceKey service;
      try {
        state = ServiceState.decode(e.value);
        service = ServiceKey.parse(RecordBatch.utf8(e.key));
      } catch (RuntimeException ex) {
        unreadable(stores.services, e.key, ex);
        continue;
      }
      if (end - state.lastSeenMs > forget) {
        stores.services.delete(e.key);
        RunningTotals.forgetService(stores.totals, e.key);
        serviceCounts.add(service.tenant(), -1);
        continue;
      }
      List<String> forgotten = state.forgetOperationsBefore(end - forget);
      if (!forgotten.isEmpty()) {
        stores.services.put(e.key, state.encode());
        forgotten.forEach(op -> stores.totals.delete(RunningTotals.key(e.key, op)));
      }
      if (active.contains(ByteBuffer.wrap(e.key)) || state.firstSeenMs >= start) {
        continue;
      }
      WindowBundle window = WindowBundle.empty(start, e.key);
      WindowAccumulator silent = window.service;
      silent.silent = true;
      silent.emittedRevision = 0;
      emit(new StoreKeys.AccumulatorKey(start, service, e.key, null), silent, silent, 0, wall);
      window.save(stores.accumulators);
      metrics.windowEmitted("silent");
    }
  }

  void emitCorrections(long wall) {
    List<byte[]> keys = new ArrayList<>();
    try (KeyValueIterator<byte[], byte[]> it = stores.pending.all()) {
      while (it.hasNext()) {
        keys.add(it.next().key);
      }
    }
    Set<ByteBuffer> due = new HashSet<>();
    keys.forEach(k -> due.add(ByteBuffer.wrap(k)));
    // The windows read in this pass, by their service-level key: each is written back once.
    Map<ByteBuffer, WindowBundle> windows = new LinkedHashMap<>();
    for (byte[] k : keys) {
      stores.pending.delete(k);
      StoreKeys.AccumulatorKey key;
      WindowBundle window;
      byte[] windowKey = k;
      try {
        key = StoreKeys.parseAccumulator(k);
        windowKey = StoreKeys.accumulator(key.windowStartMs(), key.serviceBytes(), null);
        ByteBuffer wrapped = ByteBuffer.wrap(windowKey);
        window = windows.get(wrapped);
        if (window == null && !windows.containsKey(wrapped)) {
          window = WindowBundle.load(stores.accumulators, key.windowStartMs(), key.serviceBytes());
          windows.put(wrapped, window);
        }
      } catch (RuntimeException ex) {
        unreadable(stores.accumulators, windowKey, ex);
        continue;
      }
      if (window == null) {
        continue;
      }
      WindowAccumulator acc =
          key.operation() == null ? window.service : operation(window, key.operation());
      if (acc == null) {
        continue;
      }
      if (key.operation() == null && acc.hasMetrics && !acc.emittedFromMetrics) {
        // Late metrics for a window published from spans: its operation windows were published
        // from spans too, and now report from metrics.
        reEmitOperations(key, window, due, wall);
      }
      correct(key, acc, window.service, wall);
    }
    for (WindowBundle window : windows.values()) {
      if (window != null) {
        window.save(stores.accumulators);
      }
    }
  }

  private void correct(
      StoreKeys.AccumulatorKey key,
      WindowAccumulator acc,
      WindowAccumulator serviceLevel,
      long wall) {
    int revision = acc.emittedRevision + 1;
    acc.emittedRevision = revision;
    if (key.operation() == null) {
      acc.emittedFromMetrics = acc.hasMetrics;
    }
    acc.settleLatency();
    emit(key, acc, serviceLevel, revision, wall);
    metrics.windowEmitted("correction");
  }

  /** Corrections of the operation windows of {@code service}'s window, but those due. */
  private void reEmitOperations(
      StoreKeys.AccumulatorKey service, WindowBundle window, Set<ByteBuffer> due, long wall) {
    for (String operation : window.operations()) {
      StoreKeys.AccumulatorKey key = operationKey(service, operation);
      if (due.contains(
          ByteBuffer.wrap(
              StoreKeys.accumulator(key.windowStartMs(), key.serviceBytes(), operation)))) {
        continue;
      }
      WindowAccumulator acc = operation(window, operation);
      if (acc != null) {
        correct(key, acc, window.service, wall);
      }
    }
  }

  /**
   * Publishes a window with its service's (or operation's) raised totals; its caller stores the
   * accumulator, changed by the emission.
   */
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
    window =
        window.withTotals(
            RunningTotals.raise(
                stores.totals,
                RunningTotals.key(key.serviceBytes(), key.operation()),
                acc,
                window,
                acc.reportedLatency(serviceLevel)));
    Routed out = new Routed(Routed.Route.WINDOW, null, SignalJson.write(window), null);
    context.forward(new Record<>(key.serviceBytes(), out, wall, new RecordHeaders()));
  }

  /**
   * Deletes a state entry this version cannot read (written by a newer version, or damaged) so that
   * the task goes on instead of failing on it at every punctuation.
   */
  private void unreadable(KeyValueStore<byte[], byte[]> store, byte[] key, RuntimeException e) {
    log.warn("Deleting an unreadable entry of {}: {}", store.name(), e.toString());
    store.delete(key);
    metrics.dropped(WindowMetrics.DropReason.UNREADABLE_STATE, 1);
  }
}
