package dev.vitals.streams.query;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vitals.schemas.ServiceKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.streams.KeyValue;

/** One store's share of a service: what an instance that owns the partition reads locally. */
enum Part {
  HEALTH(StoreNames.HEALTH),
  SLOS(StoreNames.SLO_LATEST),
  ALERTS(StoreNames.ALERTS_ACTIVE),
  WINDOWS(StoreNames.WINDOWS_RECENT);

  private final String store;

  Part(String store) {
    this.store = store;
  }

  String store() {
    return store;
  }

  /** The name in the internal URL {@code /internal/v1/parts/{name}/...}. */
  String urlName() {
    return name().toLowerCase(Locale.ROOT);
  }

  static Part ofUrlName(String name) {
    for (Part part : values()) {
      if (part.urlName().equals(name)) {
        return part;
      }
    }
    throw ApiException.notFound("part: " + name + " (expected: health, slos, alerts, windows)");
  }

  /** This instance's items of the service in this part's store. */
  List<JsonNode> readLocal(StateView view, ServiceKey key) {
    String k = key.toString();
    List<JsonNode> out = new ArrayList<>();
    switch (this) {
      case HEALTH:
        view.get(store, k).map(v -> Items.parse(store, k, v)).ifPresent(out::add);
        break;
      case SLOS:
        for (KeyValue<String, String> kv : view.scan(store, k + StoreNames.SLO_KEY_SEPARATOR)) {
          addIfJson(out, kv);
        }
        break;
      case ALERTS:
        for (KeyValue<String, String> kv : view.scan(store, "")) {
          JsonNode alert = Items.parse(store, kv.key, kv.value);
          if (alert != null && Items.firing(alert) && Items.alertOf(alert, key)) {
            out.add(alert);
          }
        }
        break;
      case WINDOWS:
        view.get(store, k).map(v -> Items.parse(store, k, v)).ifPresent(w -> w.forEach(out::add));
        break;
    }
    return out;
  }

  private void addIfJson(List<JsonNode> out, KeyValue<String, String> kv) {
    JsonNode node = Items.parse(store, kv.key, kv.value);
    if (node != null) {
      out.add(node);
    }
  }
}
