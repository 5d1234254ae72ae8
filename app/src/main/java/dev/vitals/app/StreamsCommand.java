package dev.vitals.app;

import dev.vitals.app.config.ConfigLoader;
import dev.vitals.app.config.VitalsConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "streams",
    mixinStandardHelpOptions = true,
    description =
        "Runs the streams stage against the configured Kafka: service windows, SLOs, health,"
            + " alerts, and the query API and status page.")
final class StreamsCommand implements Callable<Integer> {

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "vitals.yaml; built-in defaults when absent. VITALS_* variables override it.")
  @Nullable Path config;

  @Override
  public Integer call() throws Exception {
    VitalsConfig c = ConfigLoader.load(config, System.getenv());
    Shutdown shutdown = new Shutdown().onSignal();
    new Launcher(c, Launcher.Stages.STREAMS, shutdown, System.out).start();
    shutdown.await();
    return Vitals.EXIT_OK;
  }
}
