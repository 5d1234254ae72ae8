package dev.vitals.bench;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** What every harness needs around its measurement: ports, scratch folders, counters. */
final class Harnesses {

  private Harnesses() {}

  /** The sum of a counter's series ({@code _total} is not part of the snapshot's name). */
  static double counter(PrometheusRegistry registry, String name) {
    double total = 0;
    for (MetricSnapshot snapshot : registry.scrape()) {
      if (snapshot instanceof CounterSnapshot counter
          && snapshot.getMetadata().getName().equals(name)) {
        for (CounterSnapshot.CounterDataPointSnapshot point : counter.getDataPoints()) {
          total += point.getValue();
        }
      }
    }
    return total;
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
