package dev.vitals.streams.window;

import java.util.HashMap;
import java.util.Map;

/** Known services per tenant in one task, for the services budget; rebuilt from the store. */
final class ServiceCounts {

  private final Map<String, Integer> byTenant = new HashMap<>();
  private int total;

  int get(String tenant) {
    return byTenant.getOrDefault(tenant, 0);
  }

  void add(String tenant, int delta) {
    byTenant.merge(tenant, delta, Integer::sum);
    total += delta;
  }

  int total() {
    return total;
  }

  void clear() {
    byTenant.clear();
    total = 0;
  }
}
