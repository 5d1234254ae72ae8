package dev.vitals.schemas.signals;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;

/**
 * The current health of one service: a record of the compacted topic {@code vitals.health.v1}.
 *
 * @param since when the service entered this status
 * @param evaluatedAt when this record was computed; the sample time of exported series
 */
public record Health(
    String tenant,
    String namespace,
    String service,
    Status status,
    List<String> reasons,
    Instant since,
    Instant evaluatedAt) {

  public enum Status {
    OK,
    DEGRADED,
    CRITICAL,
    SILENT
  }

  public Health {
    requireNonNull(tenant, "tenant");
    requireNonNull(namespace, "namespace");
    requireNonNull(service, "service");
    requireNonNull(status, "status");
    requireNonNull(since, "since");
    reasons = reasons == null ? List.of() : List.copyOf(reasons);
    if (evaluatedAt == null) {
      evaluatedAt = since;
    }
  }
}
