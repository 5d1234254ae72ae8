package dev.vitals.app;

import dev.vitals.app.config.ConfigLoader;
import dev.vitals.app.config.VitalsConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
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
  Path config;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "Where the embedded Kafka keeps its data (overrides standalone.dataDir).")
  Path dataDir;

  @Override
  public Integer call() throws Exception {
    VitalsConfig c = ConfigLoader.load(config, System.getenv());
    if (dataDir != null) {
      c = c.withStandalone(c.standalone().withDataDir(dataDir));
    }
    Shutdown shutdown = new Shutdown().onSignal();
    new Launcher(c, true, shutdown, System.out).start();
    shutdown.await();
    return Vitals.EXIT_OK;
  }
}
