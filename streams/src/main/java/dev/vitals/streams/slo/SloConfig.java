package dev.vitals.streams.slo;

import static java.util.Objects.requireNonNull;

import dev.vitals.schemas.ServiceKey;
import java.time.Duration;
import java.util.List;

/**
 * What the SLO file says (or the settings' defaults): the SLOs of each service and the alert
 * policy.
 *
 * @param defaults the SLOs of every service that no entry of {@code services} matches
 * @param services explicit SLOs; the first matching entry wins and replaces the defaults
 */
record SloConfig(List<SloSpec> defaults, List<ServiceSlos> services, AlertPolicy alerting) {

  SloConfig {
    defaults = List.copyOf(defaults);
    services = List.copyOf(services);
    requireNonNull(alerting, "alerting");
  }

  /** The SLOs of one service. */
  List<SloSpec> slosFor(ServiceKey key) {
    for (ServiceSlos s : services) {
      if (s.matches(key)) {
        return s.slos();
      }
    }
    return defaults;
  }

  /** The configuration of {@link SloSettings} alone: an availability and a latency SLO. */
  static SloConfig of(SloSettings s) {
    return new SloConfig(
        List.of(
            new SloSpec(
                "availability",
                SloSpec.Kind.AVAILABILITY,
                s.availabilityObjective(),
                null,
                s.period()),
            new SloSpec(
                "latency",
                SloSpec.Kind.LATENCY,
                s.latencyObjective(),
                s.latencyThreshold(),
                s.period())),
        List.of(),
        AlertPolicy.of(s));
  }

  /**
   * Explicit SLOs of the services an entry matches.
   *
   * @param tenant null for any tenant
   * @param namespace null for any namespace
   */
  record ServiceSlos(String tenant, String namespace, String name, List<SloSpec> slos) {
    ServiceSlos {
      requireNonNull(name, "name");
      slos = List.copyOf(slos);
    }

    boolean matches(ServiceKey key) {
      return name.equals(key.name())
          && (tenant == null || tenant.equals(key.tenant()))
          && (namespace == null || namespace.equals(key.namespace()));
    }
  }

  /** How SLO burn turns into alerts. */
  record AlertPolicy(
      List<AlertRule> rules, long minEvents, Duration resolveAfter, int silentWindows) {
    AlertPolicy {
      rules = List.copyOf(rules);
      requireNonNull(resolveAfter, "resolveAfter");
    }

    static AlertPolicy of(SloSettings s) {
      return new AlertPolicy(s.alertRules(), s.minEvents(), s.resolveAfter(), s.silentWindows());
    }
  }
}
