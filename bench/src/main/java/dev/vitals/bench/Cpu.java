package dev.vitals.bench;

import java.lang.management.ManagementFactory;

/** CPU time of this whole process (every thread, the embedded broker included). */
final class Cpu {

  private Cpu() {}

  static long processNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }
}
