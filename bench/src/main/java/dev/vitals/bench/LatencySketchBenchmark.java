package dev.vitals.bench;

import dev.vitals.streams.sketch.LatencySketch;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The window topology's sketch work for one record of {@link StreamsInput}'s explicit histograms:
 * the 10-second deltas of a service's 100 series (semantic-convention bounds) merged into the
 * service's window sketch and into its route's, then every sketch encoded and decoded as the state
 * store round trip does. One op is one record of 100 data points: ns per point = 1e9 / (ops/s) /
 * 100.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class LatencySketchBenchmark {

  private static final int RECORDS = 64;
  private static final int[] REQUESTS = {90, 5, 3, 1, 1};

  /** Per record, per point: the delta counts of one 10-second round. */
  private long[][][] deltas;

  private int next;

  @Setup
  public void setUp() {
    SplittableRandom random = new SplittableRandom(7);
    deltas = new long[RECORDS][StreamsInput.SERIES_PER_SERVICE][];
    for (int r = 0; r < RECORDS; r++) {
      int point = 0;
      for (int route = 0; route < StreamsInput.ROUTES.size(); route++) {
        for (int m = 0; m < StreamsInput.METHODS.size(); m++) {
          for (int st = 0; st < REQUESTS.length; st++) {
            long[] counts = new long[StreamsInput.BOUNDS.length + 1];
            double median = 0.02 * (1 + route) * (st >= 3 ? 3 : 1);
            int n = REQUESTS[st] <= 1 ? random.nextInt(3) : REQUESTS[st] - 2 + random.nextInt(5);
            for (int i = 0; i < n; i++) {
              double v = median * Math.exp(0.6 * random.nextGaussian());
              int b = 0;
              while (b < StreamsInput.BOUNDS.length && v > StreamsInput.BOUNDS[b]) {
                b++;
              }
              counts[b]++;
            }
            deltas[r][point++] = counts;
          }
        }
      }
    }
  }

  @Benchmark
  public void mergeEncodeDecodeOneRecord(Blackhole blackhole) {
    long[][] record = deltas[next];
    next = (next + 1) % RECORDS;
    LatencySketch service = new LatencySketch();
    LatencySketch[] routes = new LatencySketch[StreamsInput.ROUTES.size()];
    int perRoute = StreamsInput.SERIES_PER_SERVICE / routes.length;
    for (int p = 0; p < record.length; p++) {
      int route = p / perRoute;
      if (routes[route] == null) {
        routes[route] = new LatencySketch();
      }
      service.mergeExplicit(StreamsInput.BOUNDS, record[p], Double.NaN, Double.NaN);
      routes[route].mergeExplicit(StreamsInput.BOUNDS, record[p], Double.NaN, Double.NaN);
    }
    blackhole.consume(LatencySketch.fromBytes(service.toBytes()));
    for (LatencySketch s : routes) {
      blackhole.consume(LatencySketch.fromBytes(s.toBytes()));
    }
  }
}
