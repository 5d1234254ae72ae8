package dev.vitals.streams.query;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The operators' runbooks ({@code docs/runbooks/*.md}, packaged with this module), served at {@code
 * /runbooks/<name>.md} so that an alert's {@code runbook_url} opens without a documentation site.
 */
final class Runbooks {

  static final String PATH = "/runbooks/";

  /** Every file of {@code docs/runbooks}; a test keeps the two in step. */
  static final List<String> FILES =
      List.of(
          "VitalsErrorBudgetBurn.md",
          "VitalsLatencyBudgetBurn.md",
          "VitalsServiceSilent.md",
          "alertmanager-sink.md",
          "store-sinks.md",
          "streams.md");

  private Runbooks() {}

  /** The runbooks by file name, read from the classpath. */
  static Map<String, byte[]> load() {
    Map<String, byte[]> out = new LinkedHashMap<>();
    for (String file : FILES) {
      String resource = "runbooks/" + file;
      try (InputStream in = Runbooks.class.getResourceAsStream(resource)) {
        if (in == null) {
          throw new IllegalStateException("resource missing: " + resource);
        }
        out.put(file, in.readAllBytes());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return Map.copyOf(out);
  }
}
