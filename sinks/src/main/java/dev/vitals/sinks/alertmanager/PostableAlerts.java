package dev.vitals.sinks.alertmanager;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vitals.schemas.signals.AlertEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The body of {@code POST /api/v2/alerts}: a JSON array of {@code postableAlert}. */
final class PostableAlerts {

  /** The label whose value goes into the destination's tenant header. */
  static final String TENANT_LABEL = "tenant";

  /** One POST: its tenant (or null) and its alerts. */
  record Batch(String tenant, List<AlertState.Due> alerts) {}

  private PostableAlerts() {}

  /**
   * Splits the due alerts into POSTs of at most {@code maxAlerts}, one tenant per POST when {@code
   * byTenant} (alerts without a tenant label go together, with no tenant).
   */
  static List<Batch> batches(List<AlertState.Due> due, boolean byTenant, int maxAlerts) {
    Map<String, List<AlertState.Due>> groups = new LinkedHashMap<>();
    for (AlertState.Due d : due) {
      String tenant = byTenant ? d.event().labels().getOrDefault(TENANT_LABEL, "") : "";
      groups.computeIfAbsent(tenant, t -> new ArrayList<>()).add(d);
    }
    List<Batch> batches = new ArrayList<>();
    groups.forEach(
        (tenant, alerts) -> {
          for (int i = 0; i < alerts.size(); i += maxAlerts) {
            List<AlertState.Due> chunk = alerts.subList(i, Math.min(alerts.size(), i + maxAlerts));
            batches.add(new Batch(tenant.isEmpty() ? null : tenant, List.copyOf(chunk)));
          }
        });
    return batches;
  }

  static String json(List<AlertState.Due> alerts) {
    ArrayNode array = JsonNodeFactory.instance.arrayNode();
    for (AlertState.Due d : alerts) {
      AlertEvent e = d.event();
      ObjectNode a = array.addObject();
      a.set("labels", strings(e.labels()));
      a.set("annotations", strings(e.annotations()));
      a.put("startsAt", e.startsAt().toString());
      a.put("endsAt", d.endsAt().toString());
      if (e.generatorUrl() != null && !e.generatorUrl().isEmpty()) {
        a.put("generatorURL", e.generatorUrl());
      }
    }
    return array.toString();
  }

  private static ObjectNode strings(Map<String, String> map) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    new TreeMap<>(map).forEach(node::put);
    return node;
  }
}
