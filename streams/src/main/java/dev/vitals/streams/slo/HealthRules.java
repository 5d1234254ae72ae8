package dev.vitals.streams.slo;

import dev.vitals.schemas.ServiceKey;
import dev.vitals.schemas.signals.Health;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The health of a service from its alerts: SILENT while {@code VitalsServiceSilent} fires, else
 * CRITICAL while a page alert fires, else DEGRADED while any other alert (a ticket) fires, else OK.
 * Health follows alerts only, so it never flaps faster than they do.
 */
final class HealthRules {

  private final List<String> keys = new ArrayList<>();
  private final List<String> reasons = new ArrayList<>();
  private boolean silent;
  private boolean page;
  private boolean other;

  /** A firing burn alert with the reason it gives. */
  void firing(String slo, String severity, String reason) {
    keys.add(slo + "/" + severity);
    reasons.add(reason);
    if ("page".equals(severity)) {
      page = true;
    } else {
      other = true;
    }
  }

  void silent(String reason) {
    silent = true;
    keys.add("silent");
    reasons.add(0, reason);
  }

  Health.Status status() {
    if (silent) {
      return Health.Status.SILENT;
    }
    if (page) {
      return Health.Status.CRITICAL;
    }
    return other ? Health.Status.DEGRADED : Health.Status.OK;
  }

  /** What decides whether a health record is emitted: the status and the alerts behind it. */
  List<String> keys() {
    List<String> out = new ArrayList<>();
    out.add(status().name());
    out.addAll(keys);
    return out;
  }

  Health health(ServiceKey key, Health previous, Instant now) {
    Health.Status status = status();
    Instant since = previous != null && previous.status() == status ? previous.since() : now;
    List<String> why =
        reasons.isEmpty() ? List.of("every SLO within its alert thresholds") : reasons;
    return new Health(key.tenant(), key.namespace(), key.name(), status, why, since, now);
  }
}
