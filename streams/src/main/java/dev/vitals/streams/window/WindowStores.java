package dev.vitals.streams.window;

import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.ProcessingContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/** The state stores of the window aggregator: names, builders and the opened stores of a task. */
final class WindowStores {

  /** Window start + service (+ operation) → {@link WindowAccumulator}. */
  static final String ACCUMULATORS = "windows-accumulators";

  /** Service key → {@link ServiceState}. */
  static final String SERVICES = "windows-services";

  /** Service key, 0, stream identity → {@link CumulativeToDelta.State}. */
  static final String SERIES = "windows-series";

  /** Service key, 0, resource hash, start time → last seen (event ms). */
  static final String PROCESSES = "windows-processes";

  /** Accumulator keys of closed windows that changed since they were emitted. */
  static final String PENDING = "windows-pending";

  /** Service key, 0 (, 1, operation) → {@link RunningTotals}. */
  static final String TOTALS = "windows-totals";

  /** One key: the task's {@link EventClock}. */
  static final String CLOCK = "windows-clock";

  static final List<String> NAMES =
      List.of(ACCUMULATORS, SERVICES, SERIES, PROCESSES, PENDING, CLOCK, TOTALS);

  final KeyValueStore<byte[], byte[]> accumulators;
  final KeyValueStore<byte[], byte[]> services;
  final KeyValueStore<byte[], byte[]> series;
  final KeyValueStore<byte[], byte[]> processes;
  final KeyValueStore<byte[], byte[]> pending;
  final KeyValueStore<byte[], byte[]> clock;
  final KeyValueStore<byte[], byte[]> totals;

  WindowStores(ProcessingContext context) {
    accumulators = context.getStateStore(ACCUMULATORS);
    services = context.getStateStore(SERVICES);
    series = context.getStateStore(SERIES);
    processes = context.getStateStore(PROCESSES);
    pending = context.getStateStore(PENDING);
    clock = context.getStateStore(CLOCK);
    totals = context.getStateStore(TOTALS);
  }

  static StoreBuilder<KeyValueStore<byte[], byte[]>> builder(String name) {
    // Caching folds the many puts of one key between two commits into one changelog record.
    return Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(name), Serdes.ByteArray(), Serdes.ByteArray())
        .withCachingEnabled();
  }

  KeyValueStore<byte[], byte[]> byName(String name) {
    switch (name) {
      case ACCUMULATORS:
        return accumulators;
      case SERVICES:
        return services;
      case SERIES:
        return series;
      case PROCESSES:
        return processes;
      case PENDING:
        return pending;
      case TOTALS:
        return totals;
      default:
        return clock;
    }
  }
}
