package dev.vitals.bench;

import static java.lang.String.format;

import dev.vitals.bench.StreamsAggregationHarness.KindResult;
import dev.vitals.bench.StreamsAggregationHarness.Phase;
import dev.vitals.bench.StreamsAggregationHarness.State;
import dev.vitals.bench.StreamsAggregationHarness.StoreSize;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** The streams harness's results as markdown. */
final class StreamsReport {

  private static final double MIB = 1 << 20;
  private static final double TARGET = 0.5;

  private StreamsReport() {}

  static String markdown(int services, int rounds, List<KindResult> results) {
    List<String> lines = new ArrayList<>();
    lines.add(StreamsAggregationHarness.SECTION);
    lines.add("");
    lines.add(
        "Written by `dev.vitals.bench.StreamsAggregationHarness` (see README.md), which replaces"
            + " this section on every run.");
    lines.add("");
    lines.add("### Machine");
    lines.add("");
    lines.add(Machine.describe());
    lines.add("");
    lines.add("### Method");
    lines.add("");
    lines.add(
        format(
            "- Input, produced once before measuring into a 1-partition `otlp_metrics` (one task,"
                + " one stream thread): %d services × %d series of `http.server.request.duration`"
                + " (%d routes × %d methods × %d status codes), CUMULATIVE histograms, %d rounds"
                + " of %d s of event time, one record per service and round (ingest's shape: one"
                + " resource, key `tenant/namespace/name`, header `vitals.tenant`).",
            services,
            StreamsInput.SERIES_PER_SERVICE,
            StreamsInput.ROUTES.size(),
            StreamsInput.METHODS.size(),
            StreamsInput.STATUSES.length,
            rounds,
            StreamsInput.ROUND_SECONDS));
    lines.add(
        "- **pass-through**: a Kafka Streams application that writes every record unchanged to"
            + " another topic; **windows**: `WindowTopology` with `WindowSettings.DEFAULTS` (1-minute"
            + " windows). Both exactly_once_v2, 1 stream thread, Kafka Streams' default consumer"
            + " and commit settings, producers compressing with `"
            + System.getProperty("compression", dev.vitals.streams.StreamsStage.DEFAULT_COMPRESSION)
            + "` (the streams stage's default), a fresh application id each, reading the whole"
            + " topic."
            + " They alternate (pass-through, windows, pass-through, windows, …) so that other load"
            + " on a shared machine hits both alike.");
    lines.add(
        "- Time runs from the first record processed to the last (a counting `peek` in the"
            + " pass-through, `vitals_streams_records_in_total` in the topology, polled every 5 ms):"
            + " start-up and rebalancing are not counted. Data points/s = records × 100 ÷ that time."
            + " CPU is `ThreadMXBean#getThreadCpuTime` of the application's `StreamThread` over the"
            + " same span (the broker and the producer's I/O thread are not in it).");
    lines.add(
        "- State after the last windows round, read through interactive queries (all stores are"
            + " queryable byte[] key-value stores): key + value bytes, as RocksDB holds them before"
            + " its own compression. Heap: used heap after `System.gc()` once the input is"
            + " processed, minus the same before the instance started (the embedded broker shares"
            + " the heap: its growth is counted too). RSS: `VmRSS` of `/proc/self/status`, same"
            + " difference (RocksDB's memtables and block cache are off-heap).");
    for (KindResult r : results) {
      lines.add("");
      lines.addAll(kind(r, services));
    }
    lines.add("");
    return String.join("\n", lines);
  }

  private static List<String> kind(KindResult r, int services) {
    List<String> lines = new ArrayList<>();
    String name = r.kind().name().toLowerCase(java.util.Locale.ROOT);
    lines.add("### " + name + " histograms");
    lines.add("");
    lines.add(
        format(
            "%,d records, %,d data points, %.1f MiB of record values (%,d B per record).",
            r.records(), r.points(), r.inputBytes() / MIB, r.inputBytes() / r.records()));
    lines.add("");
    lines.add(
        "| round | pass-through records/s | pass-through points/s | windows points/s |"
            + " **ratio** | windows CPU-s / 1M points | pass-through CPU-s / 1M points |"
            + " windows time |");
    lines.add("|---|---|---|---|---|---|---|---|");
    List<Double> ratios = new ArrayList<>();
    for (int i = 0; i < r.windows().size(); i++) {
      Phase p = r.passThrough().get(i);
      Phase w = r.windows().get(i);
      double ratio = w.pointsPerSecond() / p.pointsPerSecond();
      ratios.add(ratio);
      lines.add(
          format(
              "| %d | %,.0f | %,.0f | %,.0f | %.3f | %.2f | %.2f | %.1f s |",
              i + 1,
              p.records() / p.seconds(),
              p.pointsPerSecond(),
              w.pointsPerSecond(),
              ratio,
              w.cpuPerMillionPoints(),
              p.cpuPerMillionPoints(),
              w.seconds()));
    }
    double passMedian = median(r.passThrough(), Phase::pointsPerSecond);
    double windowsMedian = median(r.windows(), Phase::pointsPerSecond);
    double ratioMedian = median(ratios, d -> d);
    lines.add(
        format(
            "| **median** | %,.0f | %,.0f | **%,.0f** | **%.3f** | %.2f | %.2f | |",
            median(r.passThrough(), p -> p.records() / p.seconds()),
            passMedian,
            windowsMedian,
            ratioMedian,
            median(r.windows(), Phase::cpuPerMillionPoints),
            median(r.passThrough(), Phase::cpuPerMillionPoints)));
    lines.add("");
    lines.add(
        format(
            "Ratio windows ÷ pass-through (median of the rounds' ratios): **%.3f**, target ≥ %.1f:"
                + " **%s**. Windows throughput per stream thread: **%,.0f data points/s**.",
            ratioMedian, TARGET, ratioMedian >= TARGET ? "met" : "not met", windowsMedian));
    double windowsCpu = median(r.windows(), Phase::cpuPerMillionPoints);
    double passCpu = median(r.passThrough(), Phase::cpuPerMillionPoints);
    lines.add("");
    lines.add(
        format(
            "Per data point the windows stream thread uses %.0f× the pass-through's CPU (%.2f vs"
                + " %.2f CPU-s per million); at the median throughput it is busy %.0f %% of the"
                + " time, the pass-through's %.0f %%: the pass-through waits on I/O, the topology"
                + " on its own CPU.",
            windowsCpu / passCpu,
            windowsCpu,
            passCpu,
            100 * windowsMedian * windowsCpu / 1e6,
            100 * passMedian * passCpu / 1e6));
    lines.add("");
    lines.addAll(state(r, (long) services * StreamsInput.SERIES_PER_SERVICE));
    return lines;
  }

  private static List<String> state(KindResult r, long series) {
    State s = r.state();
    List<String> lines = new ArrayList<>();
    lines.add("State and memory after the last windows round:");
    lines.add("");
    lines.add("| store | entries | key + value bytes | bytes per entry | changelog on broker |");
    lines.add("|---|---|---|---|---|");
    long seriesEntries = 0;
    long seriesBytes = 0;
    long accBytes = 0;
    for (StoreSize st : s.stores()) {
      if (st.store().equals("windows-series")) {
        seriesEntries = st.entries();
        seriesBytes = st.bytes();
      }
      if (st.store().equals("windows-accumulators")) {
        accBytes = st.bytes();
      }
      Long changelog = s.changelogBytes().get(st.store());
      lines.add(
          format(
              "| `%s` | %,d | %,d | %s | %s |",
              st.store(),
              st.entries(),
              st.bytes(),
              st.entries() == 0 ? "" : format("%,d", st.bytes() / st.entries()),
              changelog == null ? "" : format("%.1f MiB", changelog / MIB)));
    }
    Phase last = r.windows().get(r.windows().size() - 1);
    lines.add("");
    lines.add("| measure | value |");
    lines.add("|---|---|");
    lines.add(
        format(
            "| **bytes per active series** (delta conversion: `windows-series` key + value ÷"
                + " series) | **%,d B** (%,d series in %,d entries: one per service and metric) |",
            series == 0 ? 0 : seriesBytes / series, series, seriesEntries));
    long windows = s.serviceWindows();
    lines.add(
        format(
            "| **bytes per service window** (`windows-accumulators` ÷ service windows kept; each"
                + " with its operation windows) | **%,d B** (%,d service windows, %,d operation"
                + " windows, %d window starts: open ones and closed ones kept for corrections) |",
            windows == 0 ? 0 : accBytes / windows,
            windows,
            s.operationWindows(),
            s.windowStarts()));
    lines.add(
        format(
            "| bytes per window, service or operation (`windows-accumulators` ÷ windows) | %,d B |",
            windows + s.operationWindows() == 0 ? 0 : accBytes / (windows + s.operationWindows())));
    lines.add(format("| state directory on disk (RocksDB) | %.1f MiB |", s.stateDirBytes() / MIB));
    for (int i = 0; i < r.windows().size(); i++) {
      StreamsAggregationHarness.Memory m = r.windows().get(i).mem();
      lines.add(
          format(
              "| round %d: **heap of the instance at %,d active series** (after GC, minus before"
                  + " start) | **%.0f MiB** (%.0f → %.0f MiB) |",
              i + 1, series, m.heap() / MIB, m.heapBefore() / MIB, m.heapAfter() / MIB));
      lines.add(
          format(
              "| round %d: RSS growth of the process (heap, RocksDB off-heap, broker) | %.0f MiB"
                  + " (%.0f → %.0f MiB) |",
              i + 1, m.rss() / MIB, m.rssBefore() / MIB, m.rssAfter() / MIB));
    }
    lines.add(format("| windows round time | %.1f s |", last.seconds()));
    lines.add("");
    lines.add(
        "Counters of the last windows round (sanity: no drops, no dead letters; a counter with"
            + " labels that never counted has no line):");
    lines.add("");
    for (Map.Entry<String, Double> e : s.counters().entrySet()) {
      lines.add(format("- `%s` %,.0f", e.getKey(), e.getValue()));
    }
    return lines;
  }

  private static <T> double median(List<T> values, ToDoubleFunction<T> f) {
    double[] v = values.stream().mapToDouble(f).sorted().toArray();
    if (v.length == 0) {
      return Double.NaN;
    }
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }
}
