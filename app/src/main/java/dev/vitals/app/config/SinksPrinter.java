package dev.vitals.app.config;

import static dev.vitals.app.config.ConfigPrinter.REDACTED;
import static dev.vitals.app.config.ConfigPrinter.map;

import dev.vitals.common.config.Quantities;
import dev.vitals.sinks.Redaction;
import dev.vitals.sinks.SinkSettings;
import dev.vitals.sinks.SinkSettings.Destination;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code sinks:} section as printed: passwords, tokens, URL user info and query values, and
 * header values (but for a short allow-list) redacted.
 */
final class SinksPrinter {

  private SinksPrinter() {}

  static Map<String, Object> sinks(SinkSettings s) {
    Map<String, Object> m = new LinkedHashMap<>();
    SinksBinder.KEYS.forEach(
        (kind, key) -> {
          List<Object> entries = new ArrayList<>();
          s.destinations().stream()
              .filter(d -> d.kind() == kind)
              .forEach(d -> entries.add(destination(d)));
          m.put(key, entries);
        });
    m.put(
        "delivery",
        map(
            "minBackoff", Quantities.formatDuration(s.delivery().minBackoff()),
            "maxBackoff", Quantities.formatDuration(s.delivery().maxBackoff())));
    return m;
  }

  private static Map<String, Object> destination(Destination d) {
    Map<String, Object> headers = new LinkedHashMap<>();
    d.headers().keySet().stream()
        .sorted()
        .forEach(h -> headers.put(h, Redaction.header(h, d.headers().get(h))));
    Map<String, Object> m = map("name", d.name(), "url", d.redactedUrl(), "headers", headers);
    m.put("tenantHeader", d.tenantHeader());
    if (d.auth() != null) {
      m.put(
          "auth",
          map(
              "username", d.auth().username(),
              "password", d.auth().password() == null ? null : REDACTED,
              "bearerToken", d.auth().bearerToken() == null ? null : REDACTED));
    }
    if (d.tls() != null) {
      m.put(
          "tls",
          map(
              "caFile", d.tls().caFile() == null ? null : d.tls().caFile().toString(),
              "certFile", d.tls().certFile() == null ? null : d.tls().certFile().toString(),
              "keyFile", d.tls().keyFile() == null ? null : d.tls().keyFile().toString(),
              "insecureSkipVerify", d.tls().insecureSkipVerify()));
    }
    m.put("timeout", Quantities.formatDuration(d.timeout()));
    m.put("shards", d.shards());
    m.put("maxBatchSamples", d.maxBatchSamples());
    return m;
  }
}
