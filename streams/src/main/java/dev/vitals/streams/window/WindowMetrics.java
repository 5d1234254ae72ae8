package dev.vitals.streams.window;

import dev.vitals.schemas.Signal;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The {@code vitals_streams_*} metrics of the service-window topology. One instance per registry,
 * shared by every task of the topology.
 */
public final class WindowMetrics {

  /** Why a data point, span or log record was dropped. */
  enum DropReason {
    /** More than maxFutureSkew ahead of the task's clock. */
    FUTURE,
    /** A cumulative point at or before the previous point of its series. */
    DUPLICATE,
    /** A new cumulative series beyond the service's series budget. */
    SERIES_BUDGET,
    /** A histogram point the topology cannot read (bounds and counts disagree). */
    MALFORMED,
    /** A histogram point with more than {@link HistogramBuckets#MAX_BUCKETS} buckets. */
    TOO_MANY_BUCKETS,
    /** A state entry this version cannot read, deleted (a window or service is lost). */
    UNREADABLE_STATE;

    String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final Counter recordsIn;
  private final Counter late;
  private final Counter dropped;
  private final Counter deadLetters;
  private final Counter overflow;
  private final Counter windowsEmitted;
  private final Gauge eventTimeLag;
  private final Gauge stateEntries;
  private final Counter idleSpells;
  private final Counter stalls;

  public WindowMetrics(PrometheusRegistry registry) {
    recordsIn =
        Counter.builder()
            .name("vitals_streams_records_in_total")
            .help("Raw Kafka records read, by signal (metrics, logs, traces).")
            .labelNames("signal")
            .register(registry);
    late =
        Counter.builder()
            .name("vitals_streams_late_records_total")
            .help(
                "Data points, spans and log records for already closed windows: corrected"
                    + " (window re-emitted with a higher revision) or dropped (past the correction"
                    + " horizon).")
            .labelNames("outcome")
            .register(registry);
    dropped =
        Counter.builder()
            .name("vitals_streams_dropped_records_total")
            .help(
                "Data points, spans and log records dropped, by reason: future, duplicate,"
                    + " series_budget, malformed; unreadable_state counts state entries deleted.")
            .labelNames("reason")
            .register(registry);
    deadLetters =
        Counter.builder()
            .name("vitals_streams_dead_letters_total")
            .help("Raw records sent to the dead-letter topic because they could not be processed.")
            .register(registry);
    overflow =
        Counter.builder()
            .name("vitals_streams_cardinality_overflow_total")
            .help(
                "Records counted in the otel.metric.overflow bucket, by budget: services (per"
                    + " tenant) or operations (per service).")
            .labelNames("budget")
            .register(registry);
    windowsEmitted =
        Counter.builder()
            .name("vitals_streams_windows_emitted_total")
            .help("Service windows written, by kind: closed, silent or correction.")
            .labelNames("kind")
            .register(registry);
    eventTimeLag =
        Gauge.builder()
            .name("vitals_streams_event_time_lag_seconds")
            .help(
                "Wall-clock time minus a task's window clock (its watermark while records"
                    + " arrive), by partition: how far its windows are behind real time.")
            .labelNames("partition")
            .register(registry);
    stateEntries =
        Gauge.builder()
            .name("vitals_streams_state_entries")
            .help("Approximate number of entries in a state store, by store and partition.")
            .labelNames("store", "partition")
            .register(registry);
    idleSpells =
        Counter.builder()
            .name("vitals_streams_idle_partitions_total")
            .help(
                "Times a partition went idle (no record for idleAfter) and the wall clock began"
                    + " moving its window clock.")
            .register(registry);
    stalls =
        Counter.builder()
            .name("vitals_streams_task_stalls_total")
            .help(
                "Times a window task did not run for more than 5 s (a stalled or starved stream"
                    + " thread): the time is not counted as idle, so a backlog that built up"
                    + " meanwhile is still windowed by event time.")
            .register(registry);
  }

  void idleSpell() {
    idleSpells.inc();
  }

  void stall() {
    stalls.inc();
  }

  CounterDataPoint recordsIn(Signal signal) {
    return recordsIn.labelValues(signal.label());
  }

  void lateCorrected(long n) {
    late.labelValues("corrected").inc(n);
  }

  void lateDropped(long n) {
    late.labelValues("dropped").inc(n);
  }

  void dropped(DropReason reason, long n) {
    dropped.labelValues(reason.label()).inc(n);
  }

  void deadLetter() {
    deadLetters.inc();
  }

  void overflow(String budget) {
    overflow.labelValues(budget).inc();
  }

  void windowEmitted(String kind) {
    windowsEmitted.labelValues(kind).inc();
  }

  void eventTimeLag(int partition, double seconds) {
    eventTimeLag.labelValues(Integer.toString(partition)).set(seconds);
  }

  void stateEntries(String store, int partition, long entries) {
    stateEntries.labelValues(store, Integer.toString(partition)).set((double) entries);
  }

  void forgetPartition(int partition, Iterable<String> stores) {
    eventTimeLag.remove(Integer.toString(partition));
    for (String store : stores) {
      stateEntries.remove(store, Integer.toString(partition));
    }
  }
}
