package dev.vitals.bench.faults;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The real destinations of the sinks stage, from their Debian packages, on free local ports with
 * their data in the campaign's folder: VictoriaMetrics (remote write) and Alertmanager.
 */
public final class Stores implements AutoCloseable {

  static final Path VICTORIA_METRICS = Path.of("/usr/bin/victoria-metrics");
  static final Path ALERTMANAGER = Path.of("/usr/bin/prometheus-alertmanager");
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  private static final String ALERTMANAGER_CONFIG =
      String.join(
          "\n",
          "route:",
          "  receiver: 'null'",
          "  group_wait: 1s",
          "  group_interval: 1s",
          "  repeat_interval: 1h",
          "receivers:",
          "  - name: 'null'",
          "");

  private final ManagedProcess victoriaMetrics;
  private final ManagedProcess alertmanager;
  private final int vmPort;
  private final int amPort;

  private Stores(ManagedProcess vm, int vmPort, ManagedProcess am, int amPort) {
    this.victoriaMetrics = vm;
    this.vmPort = vmPort;
    this.alertmanager = am;
    this.amPort = amPort;
  }

  /** The binaries that are missing; empty when both are installed. */
  static List<Path> missing() {
    return List.of(VICTORIA_METRICS, ALERTMANAGER).stream()
        .filter(p -> !Files.isExecutable(p))
        .toList();
  }

  static Stores start(Path dir) throws IOException {
    List<Integer> ports = Ports.free(2);
    int vmPort = ports.get(0);
    int amPort = ports.get(1);
    ManagedProcess vm =
        new ManagedProcess(
            "victoria-metrics",
            List.of(
                VICTORIA_METRICS.toString(),
                "-storageDataPath=" + dir.resolve("vm-data"),
                "-httpListenAddr=127.0.0.1:" + vmPort,
                "-retentionPeriod=100y",
                "-search.disableCache",
                "-search.latencyOffset=0s"),
            dir,
            URI.create("http://127.0.0.1:" + vmPort + "/health"));
    ManagedProcess am = alertmanager(dir, amPort);
    Stores stores = new Stores(vm, vmPort, am, amPort);
    stores.startBoth();
    return stores;
  }

  /**
   * Alertmanager from its Debian package on {@code port}, config and data in {@code dir}, routing
   * every alert to a null receiver within a second; not started yet.
   */
  public static ManagedProcess alertmanager(Path dir, int port) throws IOException {
    Files.writeString(dir.resolve("alertmanager.yml"), ALERTMANAGER_CONFIG);
    return new ManagedProcess(
        "alertmanager",
        List.of(
            ALERTMANAGER.toString(),
            "--config.file=" + dir.resolve("alertmanager.yml"),
            "--storage.path=" + dir.resolve("am-data"),
            "--web.listen-address=127.0.0.1:" + port,
            "--cluster.listen-address="),
        dir,
        URI.create("http://127.0.0.1:" + port + "/-/ready"));
  }

  /** Starts both (again, on the same ports and data) and waits until they are ready. */
  void startBoth() throws IOException {
    victoriaMetrics.start();
    alertmanager.start();
    victoriaMetrics.awaitReady(READY_TIMEOUT);
    alertmanager.awaitReady(READY_TIMEOUT);
  }

  /** SIGTERM to both, as an operator stopping them for maintenance. */
  void stopBoth() {
    victoriaMetrics.terminate(Duration.ofSeconds(30));
    alertmanager.terminate(Duration.ofSeconds(30));
  }

  URI remoteWriteUrl() {
    return victoriaMetricsUrl("/api/v1/write");
  }

  URI victoriaMetricsUrl(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + vmPort + pathAndQuery);
  }

  URI alertmanagerUrl(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + amPort + pathAndQuery);
  }

  @Override
  public void close() {
    stopBoth();
  }
}
