package dev.vitals.streams.query;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vitals.schemas.ServiceKey;
import dev.vitals.schemas.signals.SignalJson;
import java.io.IOException;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reading the stores' JSON values: the tenant and service an item belongs to. */
final class Items {

  private static final Logger log = LoggerFactory.getLogger(Items.class);

  private Items() {}

  /** The JSON of a store value; null (and a log line) when it is not JSON. */
  static JsonNode parse(String store, String key, String value) {
    if (value == null) {
      return null;
    }
    try {
      return SignalJson.MAPPER.readTree(value);
    } catch (IOException e) {
      log.warn(
          "skipping a value that is not JSON store={} key={} error={}", store, key, e.toString());
      return null;
    }
  }

  /**
   * The tenant of a health, SLO or window record ({@code tenant}) or of an alert ({@code
   * labels.tenant}); {@value Caller#DEFAULT_TENANT} when it names none.
   */
  static String tenant(JsonNode item) {
    JsonNode tenant = item.has("labels") ? item.path("labels").path("tenant") : item.path("tenant");
    return tenant.isTextual() && !tenant.asText().isEmpty()
        ? tenant.asText()
        : Caller.DEFAULT_TENANT;
  }

  /** The service key of a health, SLO or window record, its parts escaped as in every key. */
  static String serviceKey(JsonNode item) {
    return new ServiceKey(
            Items.tenant(item), item.path("namespace").asText(""), item.path("service").asText(""))
        .toString();
  }

  /**
   * True when an alert's labels name this service: {@code labels.service} is its name (or its whole
   * key), with matching {@code tenant} and {@code namespace} labels (absent = default tenant, no
   * namespace).
   */
  static boolean alertOf(JsonNode alert, ServiceKey key) {
    JsonNode labels = alert.path("labels");
    String service = labels.path("service").asText("");
    if (service.equals(key.toString())) {
      return true;
    }
    return service.equals(key.name())
        && tenant(alert).equals(key.tenant())
        && labels.path("namespace").asText("").equals(key.namespace());
  }

  /** The node, or JSON null for a missing one (a missing node cannot be written). */
  static JsonNode orNull(JsonNode node) {
    return node.isMissingNode() ? SignalJson.MAPPER.nullNode() : node;
  }

  /** True unless the alert says it has resolved. */
  static boolean firing(JsonNode alert) {
    return !alert.path("status").asText("firing").equals("resolved");
  }

  /** Lower is more urgent: critical/page, error, warning/ticket, info, anything else. */
  static int severityRank(JsonNode alert) {
    switch (alert.path("labels").path("severity").asText("").toLowerCase(Locale.ROOT)) {
      case "critical":
      case "page":
        return 0;
      case "error":
      case "high":
        return 1;
      case "warning":
      case "ticket":
        return 2;
      case "info":
        return 3;
      default:
        return 4;
    }
  }
}
