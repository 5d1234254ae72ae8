package dev.vitals.app.config;

import dev.vitals.sinks.SinkSettings;
import dev.vitals.sinks.SinkSettings.Destination;
import dev.vitals.sinks.SinkSettings.Kind;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Destinations given on the command line ({@code --alertmanager-url} and friends): each adds one
 * destination with the defaults, named after its kind's key in {@code vitals.yaml}.
 */
public final class SinkFlags {

  private SinkFlags() {}

  /**
   * Adds a destination per URL.
   *
   * @param urls kind to URL text, with the flag that gave it for error messages
   * @throws ConfigException naming every bad flag
   */
  public static VitalsConfig apply(VitalsConfig c, Map<Kind, Flag> urls) throws ConfigException {
    List<Destination> destinations = new ArrayList<>(c.sinks().destinations());
    List<String> errors = new ArrayList<>();
    urls.forEach(
        (kind, flag) -> {
          String name = SinksBinder.KEYS.get(kind);
          if (destinations.stream().anyMatch(d -> d.name().equals(name))) {
            errors.add(flag.name() + ": a destination named " + name + " is already configured");
            return;
          }
          try {
            destinations.add(Destination.of(name, kind, new URI(flag.value().trim())));
          } catch (Exception e) {
            errors.add(flag.name() + ": \"" + flag.value() + "\" " + e.getMessage());
          }
        });
    if (!errors.isEmpty()) {
      throw new ConfigException(errors);
    }
    SinkSettings s = c.sinks();
    return c.withSinks(new SinkSettings(destinations, s.delivery(), s.topics()));
  }

  /** A command-line value and the option that gave it. */
  public record Flag(String name, String value) {}

  /** For {@code vitals sinks}: the stage needs somewhere to send to. */
  public static void requireDestination(VitalsConfig c) throws ConfigException {
    if (c.sinks().destinations().isEmpty()) {
      throw new ConfigException(
          List.of(
              "sinks: no destination (expected: at least one entry in sinks.remoteWrite,"
                  + " sinks.influx, sinks.otlp or sinks.alertmanager)"));
    }
  }
}
