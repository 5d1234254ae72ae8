package dev.vitals.app;

import dev.vitals.app.config.ConfigLoader;
import dev.vitals.app.config.SinkFlags;
import dev.vitals.app.config.VitalsConfig;
import dev.vitals.sinks.SinkSettings.Kind;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "standalone",
    mixinStandardHelpOptions = true,
    description =
        "Runs everything in one process, with an embedded single-node Kafka: nothing else to"
            + " install.")
final class StandaloneCommand implements Callable<Integer> {

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "vitals.yaml; built-in defaults when absent. VITALS_* variables override it.")
  @Nullable Path config;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "Where the embedded Kafka keeps its data (overrides standalone.dataDir).")
  @Nullable Path dataDir;

  @Option(
      names = "--demo",
      paramLabel = "SCENARIO",
      description =
          "Synthetic traffic sent to the local ingest in real time: a loadgen scenario (built-in"
              + " name or file), or none. Default: standalone.demo (demo).")
  @Nullable String demo;

  @Option(names = "--no-demo", description = "No synthetic traffic (same as --demo=none).")
  boolean noDemo;

  @Option(
      names = "--remote-write-url",
      paramLabel = "URL",
      description =
          "Also write metrics with Prometheus remote write to URL (e.g. .../api/v1/write).")
  @Nullable String remoteWriteUrl;

  @Option(
      names = "--influx-url",
      paramLabel = "URL",
      description = "Also write metrics as InfluxDB line protocol to URL (the full write URL).")
  @Nullable String influxUrl;

  @Option(
      names = "--otlp-url",
      paramLabel = "URL",
      description = "Also export metrics with OTLP/HTTP to URL (e.g. .../v1/metrics).")
  @Nullable String otlpUrl;

  @Option(
      names = "--alertmanager-url",
      paramLabel = "URL",
      description = "Also send alerts to the Alertmanager at URL (its base, e.g. http://am:9093).")
  @Nullable String alertmanagerUrl;

  @Override
  public Integer call() throws Exception {
    VitalsConfig c = ConfigLoader.load(config, System.getenv());
    if (dataDir != null) {
      c = c.withStandalone(c.standalone().withDataDir(dataDir));
    }
    if (noDemo) {
      c = c.withStandalone(c.standalone().withDemo(null));
    } else if (demo != null) {
      c = c.withStandalone(c.standalone().withDemo(demo.equalsIgnoreCase("none") ? null : demo));
    }
    c = SinkFlags.apply(c, flags());
    Shutdown shutdown = new Shutdown().onSignal();
    new Launcher(c, Launcher.Stages.STANDALONE, shutdown, System.out).start();
    shutdown.await();
    return Vitals.EXIT_OK;
  }

  /** The destination flags that were given, by kind. */
  Map<Kind, SinkFlags.Flag> flags() {
    Map<Kind, SinkFlags.Flag> flags = new EnumMap<>(Kind.class);
    put(flags, Kind.REMOTE_WRITE, "--remote-write-url", remoteWriteUrl);
    put(flags, Kind.INFLUX, "--influx-url", influxUrl);
    put(flags, Kind.OTLP, "--otlp-url", otlpUrl);
    put(flags, Kind.ALERTMANAGER, "--alertmanager-url", alertmanagerUrl);
    return flags;
  }

  private static void put(
      Map<Kind, SinkFlags.Flag> flags, Kind kind, String flag, @Nullable String url) {
    if (url != null) {
      flags.put(kind, new SinkFlags.Flag(flag, url));
    }
  }
}
