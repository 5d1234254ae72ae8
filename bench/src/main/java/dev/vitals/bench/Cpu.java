package dev.vitals.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;

/** CPU time of this process, and of ingest's own threads within it. */
final class Cpu {

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private Cpu() {}

  /** Every thread of the process: the embedded broker and the load clients included. */
  static long processNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /**
   * Only the threads that do ingest's work: its Netty event loops, parse/split workers and gRPC
   * executor ({@code vitals-ingest-*}) and its Kafka producer's I/O thread. The broker and the load
   * clients run on other threads, so this is the pipeline's own cost, measured, not estimated.
   * Ingest's threads live as long as the server, so a delta over a phase is exact.
   */
  static long ingestThreadsNanos() {
    long total = 0;
    for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
      if (info != null && isIngest(info.getThreadName())) {
        long nanos = THREADS.getThreadCpuTime(info.getThreadId());
        if (nanos > 0) {
          total += nanos;
        }
      }
    }
    return total;
  }

  /** Whether a thread of this name does ingest's work. */
  static boolean isIngest(String name) {
    return name.startsWith("vitals-ingest-")
        || name.equals("kafka-producer-network-thread | vitals-ingest");
  }
}
