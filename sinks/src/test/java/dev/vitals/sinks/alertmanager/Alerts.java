package dev.vitals.sinks.alertmanager;

import dev.vitals.schemas.signals.AlertEvent;
import dev.vitals.schemas.signals.SignalJson;
import dev.vitals.schemas.signals.SignalSchemas;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Alert events made by hand for tests, valid against the alerts.v1 schema. */
final class Alerts {

  private Alerts() {}

  static AlertEvent firing(String alertname, Instant startsAt) {
    return firing(alertname, startsAt, Map.of());
  }

  static AlertEvent firing(String alertname, Instant startsAt, Map<String, String> extraLabels) {
    return new AlertEvent(
        "fp-" + alertname + extraLabels,
        AlertEvent.Status.firing,
        labels(alertname, extraLabels),
        annotations(),
        startsAt,
        null,
        "http://vitals.example/services/checkout");
  }

  static AlertEvent resolved(AlertEvent firing, Instant resolvedAt) {
    return new AlertEvent(
        firing.fingerprint(),
        AlertEvent.Status.resolved,
        firing.labels(),
        firing.annotations(),
        firing.startsAt(),
        resolvedAt,
        firing.generatorUrl());
  }

  /** The record value, checked against the topic's schema. */
  static byte[] json(AlertEvent event) {
    byte[] json = SignalJson.write(event);
    SignalSchemas.assertValid("alerts.v1", json);
    return json;
  }

  private static Map<String, String> labels(String alertname, Map<String, String> extra) {
    java.util.HashMap<String, String> labels = new java.util.HashMap<>(extra);
    labels.put("alertname", alertname);
    labels.putIfAbsent("service", "checkout");
    labels.putIfAbsent("severity", "page");
    return labels;
  }

  private static Map<String, String> annotations() {
    return Map.of(
        "summary", "checkout burns its error budget",
        "description", "14.4x burn over 1h and 5m");
  }

  /** The value of one sample of the registry, or 0 when absent. */
  static double metric(PrometheusRegistry registry, String name, String labels) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      PrometheusTextFormatWriter.create().write(out, registry.scrape());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String text = out.toString(StandardCharsets.UTF_8);
    Matcher m =
        Pattern.compile("(?m)^" + Pattern.quote(name + "{" + labels + "}") + " (\\S+)$")
            .matcher(text);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }
}
