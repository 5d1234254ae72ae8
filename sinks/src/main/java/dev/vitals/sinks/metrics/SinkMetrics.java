package dev.vitals.sinks.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The {@code vitals_sink_*} metrics of the store sinks, labelled {@code sink} with the destination
 * name. One instance per registry, shared by every sink.
 */
public final class SinkMetrics {

  private final Counter samplesSent;
  private final Counter samplesRetried;
  private final Counter samplesRejected;
  private final Counter recordsDeadLettered;
  private final Counter samplesDeadLettered;
  private final Counter writeAttempts;
  private final Histogram batchDuration;
  private final Gauge consumerLag;
  private final Gauge inFlight;

  public SinkMetrics(PrometheusRegistry registry) {
    samplesSent =
        Counter.builder()
            .name("vitals_sink_samples_sent_total")
            .help("Samples the store acknowledged.")
            .labelNames("sink")
            .register(registry);
    samplesRetried =
        Counter.builder()
            .name("vitals_sink_samples_retried_total")
            .help(
                "Samples sent again after a retryable failure (5xx, 429, timeout, no connection).")
            .labelNames("sink")
            .register(registry);
    samplesRejected =
        Counter.builder()
            .name("vitals_sink_samples_rejected_total")
            .help("Samples a store accepted the request of but reported as dropped.")
            .labelNames("sink")
            .register(registry);
    recordsDeadLettered =
        Counter.builder()
            .name("vitals_sink_records_dead_lettered_total")
            .help("Source records sent to the dead-letter topic (unparseable or refused by 4xx).")
            .labelNames("sink")
            .register(registry);
    samplesDeadLettered =
        Counter.builder()
            .name("vitals_sink_samples_dead_lettered_total")
            .help("Samples of the records the store refused for good.")
            .labelNames("sink")
            .register(registry);
    writeAttempts =
        Counter.builder()
            .name("vitals_sink_write_attempts_total")
            .help("Write requests by outcome: 2xx, 4xx, 5xx or error (no answer).")
            .labelNames("sink", "outcome")
            .register(registry);
    batchDuration =
        Histogram.builder()
            .name("vitals_sink_batch_duration_seconds")
            .help("From poll to offset commit, retries included.")
            .labelNames("sink")
            .classicUpperBounds(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
            .register(registry);
    consumerLag =
        Gauge.builder()
            .name("vitals_sink_consumer_lag_records")
            .help("Records not yet read on the sink's assigned partitions.")
            .labelNames("sink")
            .register(registry);
    inFlight =
        Gauge.builder()
            .name("vitals_sink_in_flight_samples")
            .help("Samples polled and not yet acknowledged.")
            .labelNames("sink")
            .register(registry);
  }

  /** The metrics of one sink. */
  public Sink forSink(String name) {
    return new Sink(name);
  }

  /** The children of one sink, bound to its {@code sink} label. */
  public final class Sink {
    private final String name;

    private Sink(String name) {
      this.name = name;
    }

    public void sent(long samples) {
      samplesSent.labelValues(name).inc(samples);
    }

    public void retried(long samples) {
      samplesRetried.labelValues(name).inc(samples);
    }

    public void rejectedInAcceptedWrite(long samples) {
      samplesRejected.labelValues(name).inc(samples);
    }

    public void deadLettered(long records, long samples) {
      recordsDeadLettered.labelValues(name).inc(records);
      samplesDeadLettered.labelValues(name).inc(samples);
    }

    public void attempt(String outcome) {
      writeAttempts.labelValues(name, outcome).inc();
    }

    public void batchSeconds(double seconds) {
      batchDuration.labelValues(name).observe(seconds);
    }

    public void lag(long records) {
      consumerLag.labelValues(name).set((double) records);
    }

    public void inFlight(long samples) {
      inFlight.labelValues(name).set((double) samples);
    }
  }
}
