package dev.vitals.bench.faults;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The query API as a user sees it: a streams instance lists every service with nothing unreachable,
 * and answers 200 for each one (forwarding to the owner when it is not).
 */
final class QueryCheck {

  private final List<URI> instances;
  private final int services;

  QueryCheck(List<URI> instances, int services) {
    this.instances = List.copyOf(instances);
    this.services = services;
  }

  /** What instances {@code which} (0-based) answer wrong; empty when all is right. */
  String problem(List<Integer> which) {
    List<String> wrong = new ArrayList<>();
    for (int i : which) {
      String name = "streams-" + (i + 1);
      try {
        wrong.addAll(problems(name, instances.get(i)));
      } catch (IllegalStateException e) {
        wrong.add(name + " " + e.getMessage());
      }
    }
    return wrong.isEmpty() ? "" : Fetch.first(wrong);
  }

  private List<String> problems(String name, URI base) {
    List<String> wrong = new ArrayList<>();
    JsonNode list = Fetch.json(Fetch.get(base.resolve("/api/v1/services")));
    Set<String> keys = new HashSet<>();
    list.path("services").forEach(s -> keys.add(s.path("key").asText()));
    if (!list.path("unreachable").isEmpty()) {
      wrong.add(name + " lists unreachable " + list.path("unreachable"));
    }
    for (int s = 0; s < services; s++) {
      if (!keys.contains(SpanRequests.serviceKey(s))) {
        wrong.add(name + " lists no " + SpanRequests.serviceKey(s));
      }
      try {
        Fetch.get(base.resolve("/api/v1/services/default/-/" + SpanRequests.serviceName(s)));
      } catch (IllegalStateException e) {
        wrong.add(name + " " + e.getMessage());
      }
    }
    return wrong;
  }
}
