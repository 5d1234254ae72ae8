package dev.vitals.bench;

import static java.lang.String.format;

import java.util.ArrayList;
import java.util.List;

/** The harness's results as markdown: a table per phase, the machine, and how to read them. */
final class Report {

  /** The heading of the section of bench/RESULTS.md this report owns. */
  static final String SECTION = "## Ingest: end to end";

  private static final double MIB = 1 << 20;

  private Report() {}

  static String markdown(
      int bodyBytes,
      int recordsPerRequest,
      int recordSize,
      ProducerPerfRun.Result perf,
      IngestLoadHarness.Phase saturation,
      String roundRatios,
      IngestLoadHarness.Phase overload,
      IngestLoadHarness.Phase throttled) {
    double perfBytesPerSecond = perf.recordsPerSecond() * recordSize;
    double pipelineBytesPerSecond = saturation.producedBytes() / saturation.seconds();
    double cpuPerMillion = saturation.cpuSeconds() / saturation.points() * 1e6;
    double ingestOnlyCpu = saturation.ingestCpuSeconds() / saturation.points() * 1e6;
    List<String> rows = new ArrayList<>();
    rows.add("| Measure | Value | Target |");
    rows.add("|---|---|---|");
    rows.add(
        format(
            "| Request: %d data points, %d services, protobuf | %,d B, %d records of ~%,d B | |",
            MetricsPayload.POINTS,
            MetricsPayload.SERVICES,
            bodyBytes,
            recordsPerRequest,
            recordSize));
    rows.add(
        format(
            "| (a) ProducerPerformance, %,d records of %,d B in %.0f s, acks=all lz4 linger 5 ms | %,.0f records/s, %.1f MiB/s | |",
            perf.records(),
            recordSize,
            perf.wallSeconds(),
            perf.recordsPerSecond(),
            perfBytesPerSecond / MIB));
    rows.add(
        format(
            "| (b) Pipeline at saturation, %d clients, %.0f s | %,.0f requests/s, %,.0f records/s | |",
            saturation.clients(),
            saturation.seconds(),
            saturation.load().ok.get() / saturation.seconds(),
            saturation.load().ok.get() * recordsPerRequest / saturation.seconds()));
    rows.add(format("| (b) Data points/s | %,.0f | |", saturation.points() / saturation.seconds()));
    rows.add(
        format(
            "| (b) Record value bytes acknowledged (`vitals_ingest_produced_bytes_total`) | %.1f MiB/s | |",
            pipelineBytesPerSecond / MIB));
    rows.add(
        format(
            "| (b) **Ratio** pipeline ÷ ProducerPerformance bytes/s (per round: %s) | **%.2f** | ≥ 0.7 |",
            roundRatios, pipelineBytesPerSecond / perfBytesPerSecond));
    rows.add(
        format(
            "| (b) **CPU-s per 1M data points, ingest's own threads** (event loops, workers, producer I/O) | **%.2f** | ≤ 1 |",
            ingestOnlyCpu));
    rows.add(
        format(
            "| (b) CPU-s per 1M data points, whole process (broker and load clients included) | %.2f | |",
            cpuPerMillion));
    rows.add(
        format(
            "| (b) Latency of 200 answers, p50 / p99 | %.1f / %.1f ms | |",
            saturation.load().okLatencyMs(0.5), saturation.load().okLatencyMs(0.99)));
    rows.add(format("| (b) Answers 200 / 429+503 / other | %s | |", answers(saturation)));
    rows.add(
        format(
            "| (c) Overload, %d clients, maxInFlightBytes %.0f MiB, %.0f s: data points/s | %,.0f | |",
            overload.clients(),
            overload.maxInFlightBytes() / MIB,
            overload.seconds(),
            overload.points() / overload.seconds()));
    rows.add(
        format(
            "| (c) Heap: baseline after GC / peak used / peak after a GC | %.0f / %.0f / %.0f MiB | |",
            overload.heapBaseline() / MIB,
            overload.heapPeakUsed() / MIB,
            overload.heapPeakAfterGc() / MIB));
    rows.add(
        format(
            "| (c) Heap growth: peak after a GC − baseline | %.0f MiB | ≤ %.0f MiB + fixed overhead |",
            (overload.heapPeakAfterGc() - overload.heapBaseline()) / MIB,
            overload.maxInFlightBytes() / MIB));
    rows.add(
        format(
            "| (c) Share of requests answered 429/503 with Retry-After | %.1f %% | |",
            share(overload)));
    rows.add(format("| (c) Answers 200 / 429+503 / other | %s | other = 0 |", answers(overload)));
    rows.add(
        format(
            "| (d) Throttled: %d clients, maxInFlightBytes %.0f MiB, %.0f s: data points/s | %,.0f | |",
            throttled.clients(),
            throttled.maxInFlightBytes() / MIB,
            throttled.seconds(),
            throttled.points() / throttled.seconds()));
    rows.add(
        format(
            "| (d) Share of requests answered 429/503 with Retry-After | %.1f %% | |",
            share(throttled)));
    rows.add(format("| (d) Answers 200 / 429+503 / other | %s | other = 0 |", answers(throttled)));
    rows.add(
        format(
            "| (d) Heap growth: peak after a GC − baseline | %.0f MiB | ≤ %.0f MiB + fixed overhead |",
            (throttled.heapPeakAfterGc() - throttled.heapBaseline()) / MIB,
            throttled.maxInFlightBytes() / MIB));
    return String.join(
        "\n",
        SECTION,
        "",
        "Written by `dev.vitals.bench.IngestLoadHarness` (see README.md), which replaces this"
            + " section on every run.",
        "",
        "### Machine",
        "",
        Machine.describe(),
        "",
        "### Results",
        "",
        String.join("\n", rows),
        "",
        "### Reading the numbers",
        "",
        "- Everything runs in one JVM on the same cores: the KRaft broker, ProducerPerformance, ingest"
            + " and the java.net.http load clients. Ingest's own CPU is the CPU time of its threads"
            + " (`ThreadMXBean#getThreadCpuTime` of `vitals-ingest-*` and its producer's I/O"
            + " thread): HTTP parsing, protobuf parsing, splitting, keying and producing. The"
            + " whole-process figure adds the broker and the load clients.",
        "- (d) sets maxInFlightBytes below what the clients hold at once, so that the limiter must"
            + " answer 429 with Retry-After; no other answer is acceptable.",
        "- ProducerPerformance sends records without keys and with its own random-letter payload;"
            + " the pipeline's records carry a service key, four headers and protobuf values, which"
            + " compress differently under lz4.",
        "- Load clients send the same body in a closed loop and pause 10 ms after a 429/503 instead"
            + " of honouring Retry-After, to keep pressure on the server.",
        "- (a) and (b) alternate in three rounds of a third of the phase length each, so that"
            + " other load on a shared machine hits both alike; the totals add the rounds up.",
        "- The saturating client count is the smallest of 4, 8, 16, 32 whose throughput in a"
            + " 4-second ramp step came within 10 % of the best; overload uses three times as many.",
        "- In (c) the clients hold at most clients × request size in flight; when that is below"
            + " maxInFlightBytes the limiter never engages and no 429/503 is expected: the pipeline"
            + " then keeps up, and the heap bound is shown by the after-GC peak.",
        "- Heap figures are for the whole process: broker and load clients (one HttpClient each)"
            + " included. \"Peak used\" counts garbage"
            + " not yet collected; \"peak after a GC\" is the most the heap pools held right after a"
            + " collection, closer to the live set.",
        "");
  }

  private static double share(IngestLoadHarness.Phase phase) {
    return 100.0 * phase.load().retryable.get() / Math.max(1, phase.load().requests());
  }

  private static String answers(IngestLoadHarness.Phase phase) {
    LoadClients l = phase.load();
    String text =
        format(
            "%,d / %,d / %,d",
            l.ok.get(),
            l.retryable.get() + l.retryableWithoutRetryAfter.get(),
            l.otherFailures.get());
    if (l.retryableWithoutRetryAfter.get() > 0) {
      text += format(" (%,d 429/503 without Retry-After)", l.retryableWithoutRetryAfter.get());
    }
    if (!l.failureSamples.isEmpty()) {
      text += " e.g. " + String.join("; ", l.failureSamples).replace('|', '/');
    }
    return text;
  }
}
