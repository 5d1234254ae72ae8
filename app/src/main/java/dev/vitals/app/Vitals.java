package dev.vitals.app;

import dev.vitals.app.config.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code vitals} command. Exit codes: 0 ok, 2 configuration or usage error, 1 any other
 * failure.
 */
@Command(
    name = "vitals",
    mixinStandardHelpOptions = true,
    versionProvider = Vitals.Version.class,
    description = "OpenTelemetry in, Kafka in the middle, per-service health signals out.",
    subcommands = {
      StandaloneCommand.class,
      IngestCommand.class,
      StreamsCommand.class,
      SinksCommand.class,
      LoadgenCommand.class,
      VersionCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Vitals implements Runnable {

  public static final int EXIT_OK = 0;
  public static final int EXIT_FAILURE = 1;
  public static final int EXIT_CONFIG = 2;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit code; {@code main} without the exit. */
  public static int run(String... args) {
    return new CommandLine(new Vitals()).setExecutionExceptionHandler(Vitals::handle).execute(args);
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  private static int handle(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
    PrintWriter err = cmd.getErr();
    if (e instanceof ConfigException config) {
      err.println("vitals: the configuration has " + config.errors().size() + " error(s):");
      config.errors().forEach(line -> err.println("  " + line));
      err.flush();
      return EXIT_CONFIG;
    }
    err.println("vitals " + cmd.getCommandName() + " failed: " + e);
    e.printStackTrace(err);
    err.flush();
    return EXIT_FAILURE;
  }

  static String version() {
    try (InputStream in = Vitals.class.getResourceAsStream("/vitals-version.properties")) {
      Properties p = new Properties();
      if (in != null) {
        p.load(in);
      }
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"vitals " + version()};
    }
  }
}
