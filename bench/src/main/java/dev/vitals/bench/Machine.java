package dev.vitals.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** A description of where the numbers were taken, for the results file. */
public final class Machine {

  private Machine() {}

  public static String describe() {
    return String.join(
        "\n",
        "- date: " + Instant.now().truncatedTo(ChronoUnit.SECONDS),
        "- cpus (nproc): "
            + Runtime.getRuntime().availableProcessors()
            + firstLine("/proc/cpuinfo", "model name", " — "),
        "- memory: " + firstLine("/proc/meminfo", "MemTotal", ""),
        "- java: "
            + System.getProperty("java.vm.vendor")
            + " "
            + System.getProperty("java.vm.name")
            + " "
            + System.getProperty("java.runtime.version")
            + ", max heap "
            + (Runtime.getRuntime().maxMemory() >> 20)
            + " MiB",
        "- os: " + System.getProperty("os.name") + " " + System.getProperty("os.version"),
        "- load average when the report was written (other work shares these cores): "
            + loadAverage());
  }

  private static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split(" ", -1);
      return fields[0] + " " + fields[1] + " " + fields[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  private static String firstLine(String file, String key, String prefix) {
    try {
      return Files.readAllLines(Path.of(file)).stream()
          .filter(l -> l.startsWith(key))
          .findFirst()
          .map(l -> prefix + l.substring(l.indexOf(':') + 1).trim())
          .orElse("");
    } catch (IOException e) {
      return "";
    }
  }
}
