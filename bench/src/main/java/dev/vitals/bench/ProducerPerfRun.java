package dev.vitals.bench;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.tools.ProducerPerformance;

/**
 * Runs Kafka's own {@code ProducerPerformance} in this process, with the producer settings ingest
 * uses, and reads its final summary line.
 */
final class ProducerPerfRun {

  private static final Pattern TOTAL =
      Pattern.compile("(\\d+) records sent, ([\\d.]+) records/sec \\(([\\d.]+) MB/sec\\)");

  /** What one run measured: its own throughput figure and the process CPU it cost. */
  record Result(long records, double recordsPerSecond, double wallSeconds, double cpuSeconds) {

    /** Several runs as one: records/s over the time the tool itself measured. */
    static Result combine(List<Result> runs) {
      long records = runs.stream().mapToLong(Result::records).sum();
      double measured = runs.stream().mapToDouble(r -> r.records() / r.recordsPerSecond()).sum();
      return new Result(
          records,
          records / measured,
          runs.stream().mapToDouble(Result::wallSeconds).sum(),
          runs.stream().mapToDouble(Result::cpuSeconds).sum());
    }
  }

  private ProducerPerfRun() {}

  static Result run(String bootstrap, String topic, long records, int recordSize) throws Exception {
    String[] args = {
      "--topic",
      topic,
      "--num-records",
      Long.toString(records),
      "--record-size",
      Integer.toString(recordSize),
      "--throughput",
      "-1",
      "--producer-props",
      "bootstrap.servers=" + bootstrap,
      "acks=all",
      "enable.idempotence=true",
      "linger.ms=5",
      "batch.size=262144",
      "compression.type=lz4"
    };
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream original = System.out;
    long cpu = Cpu.processNanos();
    long started = System.nanoTime();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      ProducerPerformance.main(args);
    } finally {
      System.setOut(original);
    }
    double wall = (System.nanoTime() - started) / 1e9;
    double cpuSeconds = (Cpu.processNanos() - cpu) / 1e9;
    String output = captured.toString(StandardCharsets.UTF_8);
    List<String> lines = output.lines().toList();
    for (int i = lines.size() - 1; i >= 0; i--) {
      Matcher m = TOTAL.matcher(lines.get(i));
      if (m.find()) {
        return new Result(
            Long.parseLong(m.group(1)), Double.parseDouble(m.group(2)), wall, cpuSeconds);
      }
    }
    throw new IllegalStateException("no summary line in ProducerPerformance output:\n" + output);
  }
}
