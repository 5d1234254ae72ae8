package dev.vitals.schemas.signals;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Map;

/**
 * One step of an alert's lifecycle: a record of {@code vitals.alerts.v1}, keyed by {@code
 * fingerprint}. Labels and annotations are shaped for Alertmanager.
 *
 * @param fingerprint stable id derived from the labels
 * @param labels at least {@code alertname}, {@code service}, {@code severity}
 * @param annotations at least {@code summary}, {@code description}
 * @param endsAt when the alert resolved; null while firing
 * @param generatorUrl a link to the service on the status page; may be null
 */
public record AlertEvent(
    String fingerprint,
    Status status,
    Map<String, String> labels,
    Map<String, String> annotations,
    Instant startsAt,
    Instant endsAt,
    String generatorUrl) {

  public enum Status {
    firing,
    resolved
  }

  public AlertEvent {
    requireNonNull(fingerprint, "fingerprint");
    requireNonNull(status, "status");
    requireNonNull(startsAt, "startsAt");
    labels = Map.copyOf(requireNonNull(labels, "labels"));
    annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    if (status == Status.resolved && endsAt == null) {
      throw new IllegalArgumentException("endsAt: null (expected: set when status is resolved)");
    }
  }
}
