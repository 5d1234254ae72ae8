package dev.vitals.app;

import dev.vitals.app.config.ConfigLoader;
import dev.vitals.app.config.SinkFlags;
import dev.vitals.app.config.VitalsConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "sinks",
    mixinStandardHelpOptions = true,
    description =
        "Runs the sinks stage: writes the signal topics to the stores and Alertmanagers of the"
            + " sinks: section.")
final class SinksCommand implements Callable<Integer> {

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "vitals.yaml; built-in defaults when absent. VITALS_* variables override it.")
  @Nullable Path config;

  @Override
  public Integer call() throws Exception {
    VitalsConfig c = ConfigLoader.load(config, System.getenv());
    SinkFlags.requireDestination(c);
    Shutdown shutdown = new Shutdown().onSignal();
    new Launcher(c, Launcher.Stages.SINKS, shutdown, System.out).start();
    shutdown.await();
    return Vitals.EXIT_OK;
  }
}
